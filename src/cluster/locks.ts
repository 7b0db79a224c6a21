/** A held lock. */
export interface Lock {
  readonly name: string;
  /**
   * A number that grows with every acquisition of this lock name: a store that remembers the
   * highest token it saw can refuse writes of a holder whose lock expired meanwhile.
   */
  readonly fencingToken: number;
  /** Extends the lock by `ttlMs`; false when it expired and may be held by another. */
  extend(ttlMs: number): Promise<boolean>;
  /** Releases the lock if this holder still holds it. */
  release(): Promise<void>;
}

/** Mutual exclusion across instances, with a time to live so that a crashed holder frees it. */
export interface Locks {
  /**
   * Acquires `name` for `ttlMs`; waits up to `waitMs` (default 0: try once) for it to be
   * free; `undefined` when it was not acquired in time.
   */
  acquire(name: string, ttlMs: number, options?: { waitMs?: number }): Promise<Lock | undefined>;
}
