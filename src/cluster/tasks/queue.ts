import type { Logger } from "../../log/logger.ts";
import { errCoordinationClosed, errInvalidTask } from "../coordination-errors.ts";
import type { Topic, Unsubscribe } from "../pubsub.ts";
import type { AddMode, Consumer, RetryPolicy, Task, TaskQueue } from "../task-queue.ts";
import { resolveRetryPolicy } from "./backoff.ts";
import { PollingConsumer } from "./consumer.ts";
import type { TaskStore } from "./store.ts";

export interface StoredTaskQueueOptions {
  logger: Logger;
  /** How long a consumer's lease lasts without renewal (default 30 s): a crashed consumer's tasks run again after it. */
  leaseMs?: number;
  /** The longest a consumer sleeps before it looks for due tasks again (default 1 s). */
  pollIntervalMs?: number;
  /**
   * A topic shared by every instance: an `add` announces its due time there so that consumers
   * on other instances wake at once. Without it only this process's consumers are woken early.
   */
  wakeups?: Topic<string>;
}

/** The longest key, in characters. */
const maxKeyLength = 1024;
/** Due times are kept as RFC 3339 text, which sorts as time only within years 0000–9999. */
const latestDueAt = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const modes: ReadonlySet<AddMode> = new Set(["earliest", "replace"]);

/** The {@link TaskQueue} over a {@link TaskStore}: validation, consumers and their wake-ups. */
export class StoredTaskQueue implements TaskQueue {
  readonly #store: TaskStore;
  readonly #logger: Logger;
  readonly #leaseMs: number;
  readonly #pollIntervalMs: number;
  readonly #wakeups: Topic<string> | undefined;
  readonly #consumers = new Map<string, Set<PollingConsumer>>();
  readonly #unsubscribe: Unsubscribe | undefined;
  #closed = false;

  constructor(store: TaskStore, options: StoredTaskQueueOptions) {
    this.#store = store;
    this.#logger = options.logger;
    this.#leaseMs = options.leaseMs ?? 30_000;
    this.#pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.#wakeups = options.wakeups;
    this.#unsubscribe = this.#wakeups?.subscribe((message) => this.#onWakeup(message));
  }

  async add(
    queue: string,
    task: { key: string; payload: Uint8Array; dueAt?: Date; mode?: AddMode },
  ): Promise<void> {
    if (this.#closed) throw errCoordinationClosed.create();
    const dueAt = task.dueAt ?? new Date();
    const invalid = (reason: string) => errInvalidTask.create({ queue, key: task.key, reason });
    if (typeof queue !== "string" || queue.length === 0 || queue.length > maxKeyLength)
      throw invalid("the queue name must be 1 to 1024 characters");
    if (typeof task.key !== "string" || task.key.length === 0 || task.key.length > maxKeyLength)
      throw invalid("the key must be 1 to 1024 characters");
    if (!(task.payload instanceof Uint8Array)) throw invalid("the payload must be bytes");
    if (!(dueAt instanceof Date) || !(dueAt.getTime() >= 0 && dueAt.getTime() <= latestDueAt))
      throw invalid("the due time must be a date between 1970 and 9999");
    const mode = task.mode ?? "replace";
    if (!modes.has(mode)) throw invalid(`unknown mode ${String(mode)}`);
    await this.#store.add(queue, { key: task.key, payload: task.payload, dueAt, mode });
    this.#announce(queue, dueAt.getTime());
  }

  async remove(queue: string, key: string): Promise<boolean> {
    if (this.#closed) throw errCoordinationClosed.create();
    return this.#store.remove(queue, key);
  }

  consume(
    queue: string,
    handler: (task: Task) => Promise<void>,
    options: RetryPolicy & { concurrency?: number } = {},
  ): Consumer {
    if (this.#closed) throw errCoordinationClosed.create();
    let consumers = this.#consumers.get(queue);
    if (!consumers) {
      consumers = new Set();
      this.#consumers.set(queue, consumers);
    }
    const set = consumers;
    const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1) || 1);
    const consumer: PollingConsumer = new PollingConsumer(
      this.#store,
      queue,
      handler,
      {
        concurrency,
        policy: resolveRetryPolicy(options),
        leaseMs: this.#leaseMs,
        pollIntervalMs: this.#pollIntervalMs,
        logger: this.#logger,
      },
      () => {
        set.delete(consumer);
        if (set.size === 0 && this.#consumers.get(queue) === set) this.#consumers.delete(queue);
      },
    );
    set.add(consumer);
    return consumer;
  }

  async deadLetters(queue: string, limit = 100): Promise<Task[]> {
    if (this.#closed) throw errCoordinationClosed.create();
    const bounded = Math.min(Math.max(1, Math.floor(limit) || 1), 10_000);
    return this.#store.deadLetters(queue, bounded);
  }

  /**
   * Stops every consumer at once without waiting for their handlers (see
   * `PollingConsumer.abandon`): call `stop()` on consumers first for a graceful end.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe?.();
    for (const consumers of [...this.#consumers.values()])
      for (const consumer of [...consumers]) consumer.abandon();
  }

  #announce(queue: string, dueAt: number): void {
    if (this.#wakeups) this.#wakeups.publish(`${dueAt} ${queue}`);
    else this.#wake(queue, dueAt);
  }

  #onWakeup(message: string): void {
    const space = message.indexOf(" ");
    const dueAt = Number(message.slice(0, space));
    if (space <= 0 || !Number.isFinite(dueAt)) return;
    this.#wake(message.slice(space + 1), dueAt);
  }

  #wake(queue: string, dueAt: number): void {
    for (const consumer of this.#consumers.get(queue) ?? []) consumer.wake(dueAt);
  }
}
