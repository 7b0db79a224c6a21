import { BoundedMap } from "./bounded-map.ts";

/**
 * When repeated failures lock a key, and for how long: after `threshold` failures the key is
 * locked for `baseMs`, and every further failure doubles that, up to `maxMs`. Failures are
 * forgotten `forgetAfterMs` after the last one.
 */
export interface LockoutPolicy {
  threshold: number;
  baseMs: number;
  maxMs: number;
  forgetAfterMs: number;
}

/**
 * Failure counts and locks by key. The in-process implementation is {@link MemoryLockouts}; a
 * cluster shares one on Redis (a hash per key with the count and the lock's end, expiring
 * `forgetAfterMs` after the last failure).
 */
export interface Lockouts {
  /** Milliseconds until the lock on `key` ends; 0 when it is not locked. */
  lockedFor(key: string): Promise<number>;
  /** Counts a failure of `key`; returns the lock it caused in milliseconds (0: none). */
  fail(key: string, policy: LockoutPolicy): Promise<number>;
  /**
   * In one step: when `key` is locked, the milliseconds until the lock ends; otherwise 0, and
   * the attempt is counted as a failure at once (a success {@link clear}s it). Attempts made
   * at the same time therefore cannot all pass the check before the first failure counts.
   */
  attempt(key: string, policy: LockoutPolicy): Promise<number>;
  /** Forgets the failures of `key`. */
  clear(key: string): Promise<void>;
}

/** The lock that the `failures`-th failure causes under `policy`, in milliseconds. */
export function lockDuration(failures: number, policy: LockoutPolicy): number {
  if (failures < policy.threshold) return 0;
  // 2^40 already exceeds any maximum; the cap keeps the power finite for huge counts.
  const doublings = Math.min(failures - policy.threshold, 40);
  return Math.min(policy.baseMs * 2 ** doublings, policy.maxMs);
}

interface FailureState {
  failures: number;
  lockedUntil: number;
  forgetAt: number;
}

/** {@link Lockouts} in process memory, bounded like the rate limiter's state. */
export class MemoryLockouts implements Lockouts {
  readonly #states: BoundedMap<FailureState>;
  readonly #now: () => number;

  constructor(options: { maxKeys?: number; now?: () => number } = {}) {
    this.#states = new BoundedMap(
      options.maxKeys ?? 100_000,
      (state, now) => state.forgetAt <= now && state.lockedUntil <= now,
    );
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#states.size;
  }

  async lockedFor(key: string): Promise<number> {
    const state = this.#states.get(key);
    return state ? Math.max(0, state.lockedUntil - this.#now()) : 0;
  }

  async fail(key: string, policy: LockoutPolicy): Promise<number> {
    return this.#fail(key, policy, this.#now());
  }

  async attempt(key: string, policy: LockoutPolicy): Promise<number> {
    const now = this.#now();
    const lockedUntil = this.#states.get(key)?.lockedUntil ?? 0;
    if (lockedUntil > now) return lockedUntil - now;
    this.#fail(key, policy, now);
    return 0;
  }

  #fail(key: string, policy: LockoutPolicy, now: number): number {
    const previous = this.#states.get(key);
    const failures = previous && previous.forgetAt > now ? previous.failures + 1 : 1;
    const lock = lockDuration(failures, policy);
    this.#states.set(
      key,
      {
        failures,
        lockedUntil: Math.max(previous?.lockedUntil ?? 0, now + lock),
        forgetAt: now + policy.forgetAfterMs,
      },
      now,
    );
    return lock;
  }

  async clear(key: string): Promise<void> {
    this.#states.delete(key);
  }
}
