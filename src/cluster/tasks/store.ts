import type { AddMode, Task } from "../task-queue.ts";

/** A task handed to this consumer, with the token that proves its lease. */
export interface LeasedTask {
  task: Task;
  token: string;
}

/** How a failed attempt ends. */
export interface FailedAttempt {
  error: string;
  /** When the task is due again, unless it is dead. */
  retryAt: Date;
  /** The last attempt failed: the task becomes a dead letter. */
  dead: boolean;
}

/**
 * Where tasks are kept (SQL or Redis), as atomic steps; the polling, leases, retries and
 * back-off around them are the same for every store (see `StoredTaskQueue`).
 *
 * One live task per queue and key. A task is pending (waiting for its due time) or leased (a
 * consumer handles it until `leaseUntil`); a task added while its key is leased is kept as a
 * follow-up that becomes pending when the lease ends, so that a key is never handled twice at
 * once. Every step that ends a lease names it by token: a lease that expired and was taken
 * again, or a task removed meanwhile, makes the step a no-op.
 */
export interface TaskStore {
  add(
    queue: string,
    task: { key: string; payload: Uint8Array; dueAt: Date; mode: AddMode },
  ): Promise<void>;
  remove(queue: string, key: string): Promise<boolean>;
  /**
   * Leases up to `limit` due tasks (pending ones whose time has come, and leased ones whose lease
   * expired), counting an attempt for each; expired leases already at `maxAttempts` become dead.
   */
  lease(
    queue: string,
    options: { limit: number; leaseMs: number; maxAttempts: number; now: Date },
  ): Promise<LeasedTask[]>;
  /** Extends a lease; false when it is no longer held. */
  renew(queue: string, lease: LeasedTask, leaseMs: number): Promise<boolean>;
  /** Ends a successful attempt: the task is deleted, or its follow-up becomes pending. */
  complete(queue: string, lease: LeasedTask): Promise<void>;
  /** Ends a failed attempt: retried, dead, or replaced by its follow-up. */
  fail(queue: string, lease: LeasedTask, attempt: FailedAttempt): Promise<void>;
  /** The earliest time a task of the queue may be leased (a due time or a lease expiry). */
  nextWakeAt(queue: string): Promise<Date | undefined>;
  deadLetters(queue: string, limit: number): Promise<Task[]>;
}
