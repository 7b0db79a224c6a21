/**
 * A Map with a ceiling on its size, for limiter state kept in process memory: when a write
 * would pass `maxEntries`, entries that `isIdle` says carry no information any more are
 * dropped first, then the least recently written ones. Dropping an entry forgets it (its key
 * starts afresh), so the ceiling is set well above what normal traffic needs; it only bounds
 * what a flood of distinct keys can cost.
 */
export class BoundedMap<V> {
  readonly #entries = new Map<string, V>();
  readonly #maxEntries: number;
  readonly #isIdle: (value: V, now: number) => boolean;

  constructor(maxEntries: number, isIdle: (value: V, now: number) => boolean) {
    if (!(maxEntries >= 1)) throw new RangeError("maxEntries must be at least 1");
    this.#maxEntries = maxEntries;
    this.#isIdle = isIdle;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): V | undefined {
    return this.#entries.get(key);
  }

  /** Writes `value` as the most recent entry, making room first when the map is full. */
  set(key: string, value: V, now: number): void {
    this.#entries.delete(key);
    if (this.#entries.size >= this.#maxEntries) this.#makeRoom(now);
    this.#entries.set(key, value);
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  /** Drops the idle entries; returns how many. */
  prune(now: number): number {
    let dropped = 0;
    for (const [key, value] of this.#entries) {
      if (this.#isIdle(value, now)) {
        this.#entries.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  #makeRoom(now: number): void {
    this.prune(now);
    // Still full: forget the least recently written tenth at once, so that a flood does not
    // pay one full scan per write.
    if (this.#entries.size < this.#maxEntries) return;
    let excess = Math.max(1, Math.ceil(this.#maxEntries / 10));
    for (const key of this.#entries.keys()) {
      if (excess-- <= 0) break;
      this.#entries.delete(key);
    }
  }
}
