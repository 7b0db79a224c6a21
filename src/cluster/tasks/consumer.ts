import type { Logger } from "../../log/logger.ts";
import type { Consumer, Task } from "../task-queue.ts";
import { Alarm } from "./alarm.ts";
import { type ResolvedRetryPolicy, retryDelay } from "./backoff.ts";
import type { LeasedTask, TaskStore } from "./store.ts";

export interface PollingConsumerOptions {
  concurrency: number;
  policy: ResolvedRetryPolicy;
  /** How long a lease lasts without renewal; renewed every third of it while a handler runs. */
  leaseMs: number;
  /** The longest wait between two looks at the store (tasks added by other instances). */
  pollIntervalMs: number;
  logger: Logger;
}

/** After a store error, the loop waits before it tries again. */
const errorPauseMs = 1000;
/** Due tasks that another consumer leases at this moment are looked at again this soon. */
const contendedPauseMs = 10;
/** Room kept in `lastError`. */
const maxErrorLength = 1000;

/**
 * One consumer of one queue: leases due tasks up to its concurrency, runs the handler with the
 * lease renewed in the background, then completes the task or fails it with back-off. It sleeps
 * until the next due time (at most the poll interval) and wakes early when a task is added.
 */
export class PollingConsumer implements Consumer {
  readonly #store: TaskStore;
  readonly #queue: string;
  readonly #handler: (task: Task) => Promise<void>;
  readonly #options: PollingConsumerOptions;
  readonly #onEnd: () => void;
  readonly #alarm = new Alarm();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #heartbeats = new Set<NodeJS.Timeout>();
  readonly #loop: Promise<void>;
  #running = true;
  #abandoned = false;

  constructor(
    store: TaskStore,
    queue: string,
    handler: (task: Task) => Promise<void>,
    options: PollingConsumerOptions,
    onEnd: () => void,
  ) {
    this.#store = store;
    this.#queue = queue;
    this.#handler = handler;
    this.#options = options;
    this.#onEnd = onEnd;
    this.#loop = this.#run();
  }

  /** A task due at `dueAt` (epoch ms) was added to this queue. */
  wake(dueAt: number): void {
    this.#alarm.poke(dueAt);
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#alarm.poke();
    await this.#loop;
    await Promise.all(this.#inFlight);
    this.#onEnd();
  }

  /**
   * Stops at once, as if the process died: handlers in flight are left running but their
   * outcome is not written, and their leases are no longer renewed, so they expire and the
   * tasks are handed out again (at-least-once). Used when the store is about to close.
   */
  abandon(): void {
    this.#running = false;
    this.#abandoned = true;
    for (const heartbeat of this.#heartbeats) clearInterval(heartbeat);
    this.#heartbeats.clear();
    this.#alarm.poke();
    this.#onEnd();
  }

  async #run(): Promise<void> {
    const { concurrency, leaseMs, pollIntervalMs, policy, logger } = this.#options;
    while (this.#running) {
      const capacity = concurrency - this.#inFlight.size;
      if (capacity <= 0) {
        await this.#alarm.wait(pollIntervalMs);
        continue;
      }
      let leased: LeasedTask[];
      let nextWake: Date | undefined;
      try {
        leased = await this.#store.lease(this.#queue, {
          limit: capacity,
          leaseMs,
          maxAttempts: policy.maxAttempts,
          now: new Date(),
        });
        if (this.#abandoned) return;
        for (const lease of leased) this.#start(lease);
        if (leased.length === capacity) continue;
        nextWake = await this.#store.nextWakeAt(this.#queue);
      } catch (error) {
        if (this.#abandoned) return;
        logger.warn({ err: error, queue: this.#queue }, "task queue store failed; retrying");
        await this.#alarm.wait(errorPauseMs);
        continue;
      }
      if (!this.#running) break;
      const untilDue = nextWake ? nextWake.getTime() - Date.now() : pollIntervalMs;
      const pause = untilDue <= 0 ? (leased.length > 0 ? 0 : contendedPauseMs) : untilDue;
      await this.#alarm.wait(Math.min(pause, pollIntervalMs));
    }
  }

  #start(lease: LeasedTask): void {
    const { leaseMs, policy, logger } = this.#options;
    const heartbeat = setInterval(
      () => {
        this.#store.renew(this.#queue, lease, leaseMs).then(
          (held) => {
            if (held) return;
            // Removed, or the lease expired and another consumer has the task now.
            clearInterval(heartbeat);
            this.#heartbeats.delete(heartbeat);
          },
          (error: unknown) => {
            if (!this.#abandoned)
              logger.warn({ err: error, queue: this.#queue }, "task lease renewal failed");
          },
        );
      },
      Math.max(1, Math.floor(leaseMs / 3)),
    );
    this.#heartbeats.add(heartbeat);
    const run = (async () => {
      let failure: unknown;
      let failed = false;
      try {
        await this.#handler({ ...lease.task });
      } catch (error) {
        failed = true;
        failure = error;
      }
      clearInterval(heartbeat);
      this.#heartbeats.delete(heartbeat);
      if (this.#abandoned) return;
      const { attempt } = lease.task;
      try {
        if (!failed) await this.#store.complete(this.#queue, lease);
        else {
          const dead = attempt >= policy.maxAttempts;
          await this.#store.fail(this.#queue, lease, {
            error: describe(failure),
            retryAt: new Date(Date.now() + retryDelay(policy, attempt)),
            dead,
          });
          logger.debug(
            { err: failure, queue: this.#queue, key: lease.task.key, attempt, dead },
            dead ? "task failed for the last time" : "task failed; retrying",
          );
        }
      } catch (error) {
        // The lease runs out and the task is handed out again.
        if (!this.#abandoned)
          logger.warn({ err: error, queue: this.#queue }, "could not record a task's outcome");
      }
    })();
    this.#inFlight.add(run);
    void run.finally(() => {
      this.#inFlight.delete(run);
      this.#alarm.poke();
    });
  }
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  return text.length > maxErrorLength ? `${text.slice(0, maxErrorLength)}…` : text;
}
