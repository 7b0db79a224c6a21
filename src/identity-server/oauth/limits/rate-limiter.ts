import { BoundedMap } from "./bounded-map.ts";

/** A rate: `perMinute` on average, up to `burst` at once after a quiet time. */
export interface Rate {
  perMinute: number;
  burst: number;
}

/** The outcome of taking one request from a rate limit. */
export interface RateDecision {
  allowed: boolean;
  /** The most requests allowed at once (the burst). */
  limit: number;
  /** Requests still allowed at once after this one. */
  remaining: number;
  /** Milliseconds until the full burst is available again. */
  resetAfterMs: number;
  /** Milliseconds until the next request is allowed; 0 when this one was. */
  retryAfterMs: number;
}

/**
 * Rate limits by key. The in-process implementation is {@link MemoryRateLimiter}; a cluster
 * shares one implementation on Redis (the same algorithm in a script, one key per limit with
 * its expiry set to `resetAfterMs`), so that every instance counts against the same budget.
 */
export interface RateLimiter {
  /** Takes one request for `key` from `rate`; a refused request takes nothing. */
  take(key: string, rate: Rate): Promise<RateDecision>;
}

/**
 * The generic cell rate algorithm (GCRA) in process memory: per key one number, the
 * theoretical arrival time of the next request. Requests are spaced `60 s / perMinute` apart on
 * average, and up to `burst` may come at once. Keys whose time has passed hold no information
 * and are the first dropped when the map is full.
 */
export class MemoryRateLimiter implements RateLimiter {
  readonly #arrivals: BoundedMap<number>;
  readonly #now: () => number;

  constructor(options: { maxKeys?: number; now?: () => number } = {}) {
    this.#arrivals = new BoundedMap(options.maxKeys ?? 100_000, (arrival, now) => arrival <= now);
    this.#now = options.now ?? Date.now;
  }

  /** Keys held (tests and metrics). */
  get size(): number {
    return this.#arrivals.size;
  }

  async take(key: string, rate: Rate): Promise<RateDecision> {
    const now = this.#now();
    const interval = 60_000 / rate.perMinute;
    const tolerance = interval * rate.burst;
    const arrival = Math.max(this.#arrivals.get(key) ?? now, now);
    const next = arrival + interval;
    const allowedAt = next - tolerance;
    if (now < allowedAt) {
      return {
        allowed: false,
        limit: rate.burst,
        remaining: 0,
        resetAfterMs: arrival - now,
        retryAfterMs: allowedAt - now,
      };
    }
    this.#arrivals.set(key, next, now);
    return {
      allowed: true,
      limit: rate.burst,
      remaining: Math.floor((now - allowedAt) / interval),
      resetAfterMs: next - now,
      retryAfterMs: 0,
    };
  }
}
