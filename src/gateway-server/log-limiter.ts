/**
 * Lets through at most one log line per key per interval (an unknown EUI once a minute, an
 * unreachable Network Server once a minute), so a flood cannot flood the logs. Time is passed in.
 */
export class LogLimiter {
  readonly #intervalMs: number;
  readonly #maxKeys: number;
  readonly #last = new Map<string, number>();

  constructor(intervalMs: number, maxKeys = 10_000) {
    this.#intervalMs = intervalMs;
    this.#maxKeys = maxKeys;
  }

  /** Whether to log for `key` now; if so, the key is quiet for the interval. */
  allow(key: string, nowMs: number): boolean {
    const last = this.#last.get(key);
    if (last !== undefined && nowMs - last < this.#intervalMs) return false;
    this.#last.delete(key);
    this.#last.set(key, nowMs);
    if (this.#last.size > this.#maxKeys) {
      const oldest = this.#last.keys().next().value;
      if (oldest !== undefined) this.#last.delete(oldest);
    }
    return true;
  }
}
