/** A task as its consumer gets it. */
export interface Task {
  queue: string;
  /**
   * The task's key, unique among the live tasks of a queue: adding a task with the key of a
   * pending one updates that one (see {@link AddMode}); adding it while that key is being
   * handled keeps it as a follow-up that becomes pending when the handler ends (and replaces a
   * failed attempt's retry), so that one key is never handled twice at once.
   */
  key: string;
  payload: Uint8Array;
  dueAt: Date;
  /** 1 on the first delivery, 2 on the first retry, ... */
  attempt: number;
  /** The error of the last failed attempt, for dead letters. */
  lastError?: string;
}

/** What `add` does when a task with the same key is pending (default `replace`). */
export type AddMode =
  /**
   * Keep the pending task, but due at the earlier of both times (the payload is replaced; the
   * attempt count and last error are kept).
   */
  | "earliest"
  /** Replace the pending task, payload and due time; it starts again at attempt 1. */
  | "replace";

/** How a consumer retries a failing task. */
export interface RetryPolicy {
  /** Attempts before the task becomes a dead letter (default 5). */
  maxAttempts?: number;
  /** Delay before the first retry (default 1 s); doubled each retry up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

/** A running consumer of one queue. */
export interface Consumer {
  /** Stops taking tasks and waits for the handlers in flight. */
  stop(): Promise<void>;
}

/**
 * Durable, at-least-once tasks with a due time (downlink scheduling, webhook deliveries).
 * `add` resolves once the task is durable: it survives a crash of this or any instance. A due
 * task is handed to exactly one consumer in the cluster at a time, under a lease that is
 * renewed while its handler runs; a handler that resolves completes it, one that throws has it
 * retried with back-off, and after the last attempt it becomes a dead letter, kept for
 * inspection. When an instance dies in a handler, its lease expires and the task runs again
 * (that attempt counts), so handlers must tolerate running twice.
 */
export interface TaskQueue {
  add(
    queue: string,
    task: { key: string; payload: Uint8Array; dueAt?: Date; mode?: AddMode },
  ): Promise<void>;
  /**
   * Removes a pending task; true when there was one. A task being handled is removed too: its
   * handler runs on, but its outcome is discarded (no retry).
   */
  remove(queue: string, key: string): Promise<boolean>;
  consume(
    queue: string,
    handler: (task: Task) => Promise<void>,
    options?: RetryPolicy & { concurrency?: number },
  ): Consumer;
  /** Dead letters of a queue, oldest first (at most `limit`, default 100). */
  deadLetters(queue: string, limit?: number): Promise<Task[]>;
}
