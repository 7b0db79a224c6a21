export interface GroupCommitOptions<T> {
  /** Writes one batch; a rejection drops the batch (reported to `onFailure`). */
  write: (batch: T[]) => Promise<void>;
  /** How long an item waits for others before its batch is written. */
  intervalMs: number;
  /** Items written at most in one batch; a full batch is written at once. */
  maxBatch: number;
  /** Items waiting at most; more are dropped (reported to `onDrop`), so memory stays bounded. */
  maxPending: number;
  onFailure?: (error: unknown, dropped: number) => void;
  onDrop?: (dropped: number) => void;
}

interface Waiter {
  target: number;
  resolve: () => void;
}

/**
 * Group commit: items are collected and written in batches by one writer at a time — after
 * `intervalMs`, or at once when a batch is full — so that the cost of a commit is shared by
 * every item of its batch. While a batch is being written the next one fills up. `add` never
 * waits; `flush` waits for what was added before it.
 */
export class GroupCommit<T> {
  readonly #options: GroupCommitOptions<T>;
  #pending: T[] = [];
  #timer: NodeJS.Timeout | undefined;
  #writing = false;
  /**
   * Items taken and items done with (written, or failed), counted since the start. Batches are
   * written in the order of their items, so the first `#done` items taken are the ones done.
   */
  #taken = 0;
  #done = 0;
  #waiters: Waiter[] = [];
  #closed = false;

  constructor(options: GroupCommitOptions<T>) {
    this.#options = options;
  }

  /** Items waiting or being written. */
  get backlog(): number {
    return this.#taken - this.#done;
  }

  add(item: T): void {
    if (this.#closed) return;
    if (this.backlog >= this.#options.maxPending) {
      this.#options.onDrop?.(1);
      return;
    }
    this.#taken++;
    this.#pending.push(item);
    if (this.#writing) return;
    if (this.#pending.length >= this.#options.maxBatch) this.#run();
    else this.#timer ??= setTimeout(() => this.#run(), this.#options.intervalMs);
  }

  /** Resolves once every item added before the call is written (or given up). */
  flush(): Promise<void> {
    const target = this.#taken;
    if (this.#done >= target) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.#waiters.push({ target, resolve }));
    if (!this.#writing) this.#run();
    return done;
  }

  /** Writes what is waiting and takes nothing more. */
  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
    clearTimeout(this.#timer);
  }

  #run(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#writing || this.#pending.length === 0) return;
    this.#writing = true;
    void this.#drain();
  }

  async #drain(): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, this.#options.maxBatch);
      try {
        await this.#options.write(batch);
      } catch (error) {
        this.#options.onFailure?.(error, batch.length);
      }
      this.#settle(batch.length);
      // A synchronous database (SQLite) resolves at once: without a turn of the event loop here,
      // back-to-back batches would hold it for all of them.
      await new Promise((resolve) => setImmediate(resolve));
      // Items that came while writing wait for their interval unless a batch is full or a
      // flush waits for them: under load, batches grow instead of commits multiplying.
      if (this.#pending.length < this.#options.maxBatch && this.#waiters.length === 0) break;
    }
    this.#writing = false;
    if (this.#pending.length > 0)
      this.#timer ??= setTimeout(() => this.#run(), this.#options.intervalMs);
  }

  #settle(count: number): void {
    this.#done += count;
    if (this.#waiters.length === 0) return;
    const still: Waiter[] = [];
    for (const waiter of this.#waiters) {
      if (this.#done >= waiter.target) waiter.resolve();
      else still.push(waiter);
    }
    this.#waiters = still;
  }
}
