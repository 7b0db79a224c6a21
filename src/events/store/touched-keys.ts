/**
 * The keys of the history index written to since the last prune, with the count each keeps
 * (its retention) and the rows added to it, for the SQL stores' trim of each key to its count.
 * Keys that got at least their count since the last prune are over it; the others stay within
 * a few times their count until the time to live takes their oldest (reads return the newest
 * `count` anyway), so the unique correlation ids of every uplink cost no trim. At most
 * `maxKeys` are remembered: beyond, keys are trimmed only by the time to live, so memory stays
 * bounded.
 */
import type { Retention } from "./event-store.ts";

/** Keys remembered for the next trim at most (see above). */
const MAX_TOUCHED_KEYS = 100_000;

export class TouchedKeys {
  readonly #retention: Retention;
  #keys = new Map<string, { keep: number; added: number }>();

  constructor(retention: Retention) {
    this.#retention = retention;
  }

  /** One row added to the key. */
  add(key: string): void {
    const known = this.#keys.get(key);
    if (known) known.added++;
    else if (this.#keys.size < MAX_TOUCHED_KEYS)
      this.#keys.set(key, { keep: this.#keepOf(key), added: 1 });
  }

  /** The keys over their count, each with that count; the bookkeeping starts afresh. */
  takeOverCount(): (readonly [key: string, keep: number])[] {
    const over = [...this.#keys]
      .filter(([, { keep, added }]) => added >= keep)
      .map(([key, { keep }]) => [key, keep] as const);
    this.#keys = new Map();
    return over;
  }

  #keepOf(key: string): number {
    return key.startsWith("correlation:")
      ? this.#retention.correlationIdCount
      : this.#retention.entityCount;
  }
}
