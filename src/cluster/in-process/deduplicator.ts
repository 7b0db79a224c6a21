import type { DeduplicationResult, DeduplicationWindow, Deduplicator } from "../deduplicator.ts";

/** The state of one key: collecting receptions, or in the cooldown after its window. */
type KeyState<T> =
  | {
      phase: "window";
      collected: T[];
      timer: NodeJS.Timeout;
      close: () => void;
    }
  | { phase: "cooldown"; timer: NodeJS.Timeout };

/** The keys of one deduplicator; objects that share it deduplicate together. */
export type DeduplicationTable = Map<string, KeyState<unknown>>;

/** The embedded {@link Deduplicator}: a map of open windows and cooldowns, with timers. */
export class InProcessDeduplicator<T> implements Deduplicator<T> {
  readonly #keys: Map<string, KeyState<T>>;

  constructor(table: DeduplicationTable = new Map()) {
    this.#keys = table as Map<string, KeyState<T>>;
  }

  add(key: string, item: T, window: DeduplicationWindow): Promise<DeduplicationResult<T>> {
    const state = this.#keys.get(key);
    if (state?.phase === "window") {
      state.collected.push(item);
      return Promise.resolve({ kind: "duplicate" });
    }
    if (state?.phase === "cooldown") return Promise.resolve({ kind: "late" });
    return new Promise((resolve) => {
      const collected = [item];
      const close = () => {
        clearTimeout(timer);
        if (this.#keys.get(key) !== entry) return;
        this.#cooldown(key, window.cooldownMs);
        resolve({ kind: "first", collected });
      };
      const timer = setTimeout(close, Math.max(0, window.windowMs));
      const entry: KeyState<T> = { phase: "window", collected, timer, close };
      this.#keys.set(key, entry);
    });
  }

  #cooldown(key: string, cooldownMs: number): void {
    if (cooldownMs <= 0) {
      this.#keys.delete(key);
      return;
    }
    const timer = setTimeout(() => {
      if (this.#keys.get(key) === entry) this.#keys.delete(key);
    }, cooldownMs);
    // A cooldown alone must not keep the process alive.
    timer.unref();
    const entry: KeyState<T> = { phase: "cooldown", timer };
    this.#keys.set(key, entry);
  }

  /** Closes every open window at once (its opener gets what was collected) and forgets all keys. */
  close(): void {
    for (const state of [...this.#keys.values()]) if (state.phase === "window") state.close();
    for (const state of this.#keys.values()) clearTimeout(state.timer);
    this.#keys.clear();
  }
}
