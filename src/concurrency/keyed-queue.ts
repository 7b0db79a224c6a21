/**
 * Runs tasks one after another per key, in the order they were given, and tasks of different
 * keys concurrently. A task runs whether the one before it succeeded or failed; each caller gets
 * its own task's outcome. A key's queue is forgotten once its last task settled, so the map
 * holds only keys with work under way.
 */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<void>>();

  /** Runs `task` after the tasks of `key` given before it. */
  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key);
    const run = previous ? previous.then(task) : task();
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, settled);
    try {
      return await run;
    } finally {
      if (this.#tails.get(key) === settled) this.#tails.delete(key);
    }
  }

  /** The number of keys with tasks under way. */
  get size(): number {
    return this.#tails.size;
  }

  /** Resolves once every task given so far has settled. */
  async idle(): Promise<void> {
    while (this.#tails.size > 0) await Promise.all(this.#tails.values());
  }
}
