/** A task as its consumer gets it. */
export interface Task {
  queue: string;
  /** The task's key: adding a task with the key of a pending one updates that one. */
  key: string;
  payload: Uint8Array;
  dueAt: Date;
  /** 1 on the first delivery, 2 on the first retry, ... */
  attempt: number;
  /** The error of the last failed attempt, for dead letters. */
  lastError?: string;
}

/** What `add` does when a task with the same key is pending. */
export type AddMode =
  /** Keep the pending task, but due at the earlier of both times (the payload is replaced). */
  | "earliest"
  /** Replace the pending task, payload and due time. */
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
 * task is handed to exactly one consumer in the cluster at a time; a handler that resolves
 * completes it, one that throws (or whose instance dies) has it retried with back-off, and after
 * the last attempt it becomes a dead letter, kept for inspection.
 */
export interface TaskQueue {
  add(
    queue: string,
    task: { key: string; payload: Uint8Array; dueAt?: Date; mode?: AddMode },
  ): Promise<void>;
  /** Removes a pending task; true when there was one. */
  remove(queue: string, key: string): Promise<boolean>;
  consume(
    queue: string,
    handler: (task: Task) => Promise<void>,
    options?: RetryPolicy & { concurrency?: number },
  ): Consumer;
  /** Dead letters of a queue, oldest first. */
  deadLetters(queue: string, limit?: number): Promise<Task[]>;
}
