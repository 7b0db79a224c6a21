import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "../../log/logger.ts";
import type { Codec } from "../codec.ts";
import type { DeduplicationResult, DeduplicationWindow, Deduplicator } from "../deduplicator.ts";
import { InProcessDeduplicator } from "../in-process/deduplicator.ts";
import { milliseconds } from "./claims.ts";
import type { RedisKeys } from "./keys.ts";
import { RedisScript } from "./script.ts";

/**
 * How long `add` waits for Redis before it deduplicates in this process alone (default): an
 * uplink must not wait out a Redis that is slow or down, nor be lost with it.
 */
const defaultFallbackAfterMs = 500;

/** How late an opener may come back to its window and still collect it. */
const stallMarginMs = 1000;
/** Receptions kept per window at most; later ones are still answered `duplicate`. */
const maxCollected = 1000;

/**
 * Opens the window (state `open:<token>`, the item as the list's first element) when the key
 * is free; appends to the open window; answers 3 (late) in the cooldown. The state expires by
 * itself, so that the key of an opener that crashed is freed.
 */
const addScript = new RedisScript(`
local state = redis.call('GET', KEYS[1])
if not state then
  redis.call('SET', KEYS[1], 'open:' .. ARGV[2], 'PX', ARGV[3])
  redis.call('DEL', KEYS[2])
  redis.call('RPUSH', KEYS[2], ARGV[1])
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
  return 1
end
if string.sub(state, 1, 5) == 'open:' then
  if redis.call('LLEN', KEYS[2]) < ${maxCollected} then
    redis.call('RPUSH', KEYS[2], ARGV[1])
  end
  return 2
end
return 3`);

/** Closes the window this opener opened: takes the list and starts the cooldown. */
const collectScript = new RedisScript(`
if redis.call('GET', KEYS[1]) ~= 'open:' .. ARGV[1] then
  return false
end
local items = redis.call('LRANGE', KEYS[2], 0, -1)
redis.call('DEL', KEYS[2])
if tonumber(ARGV[2]) > 0 then
  redis.call('SET', KEYS[1], 'cooldown', 'PX', ARGV[2])
else
  redis.call('DEL', KEYS[1])
end
return items`);

const outcomes = { 2: { kind: "duplicate" }, 3: { kind: "late" } } as const;

/**
 * The cluster {@link Deduplicator}: per key, a state key and a list in Redis, changed only by
 * Lua scripts, so that exactly one `add` in the cluster opens a window. The opener waits the
 * window on its own timer, then collects the list.
 */
export class RedisDeduplicator<T> implements Deduplicator<T> {
  readonly #client: Redis;
  readonly #keys: RedisKeys;
  readonly #name: string;
  readonly #codec: Codec<T>;
  readonly #logger: Logger;
  /** Windows this instance opened, by token: closing collects them at once. */
  readonly #open = new Map<string, () => void>();
  /** Collections in flight, which closing waits for. */
  readonly #collecting = new Set<Promise<unknown>>();
  /** Collected receptions that could not be decoded. */
  dropped = 0;
  /** Receptions deduplicated in this process alone because Redis did not answer in time. */
  fallbacks = 0;
  readonly #local = new InProcessDeduplicator<T>();
  readonly #fallbackAfterMs: number;
  #lastFallbackLogMs = 0;

  constructor(options: {
    client: Redis;
    keys: RedisKeys;
    name: string;
    codec: Codec<T>;
    logger: Logger;
    /** How long to wait for Redis before deduplicating locally (default 500 ms). */
    fallbackAfterMs?: number;
  }) {
    this.#client = options.client;
    this.#keys = options.keys;
    this.#name = options.name;
    this.#codec = options.codec;
    this.#logger = options.logger;
    this.#fallbackAfterMs = options.fallbackAfterMs ?? defaultFallbackAfterMs;
  }

  /**
   * Deduplicates across the cluster; when Redis is down or does not answer in time, in this
   * process alone (receptions of the frame by other instances may then be handled there too:
   * the Network Server's frame counter check stops those) rather than failing the reception.
   */
  async add(key: string, item: T, window: DeduplicationWindow): Promise<DeduplicationResult<T>> {
    const keys = [this.#keys.dedupState(this.#name, key), this.#keys.dedupItems(this.#name, key)];
    const token = randomUUID();
    // The state outlives the window by the cooldown, and by a second at least, so that an
    // opener whose timer fires late still finds its window.
    const lifetime = milliseconds(window.windowMs + Math.max(stallMarginMs, window.cooldownMs));
    if (this.#client.status !== "ready") return this.#fallback(key, item, window, "redis down");
    let timer: NodeJS.Timeout | undefined;
    const adding = addScript.run(this.#client, keys, [
      Buffer.from(this.#codec.encode(item)),
      token,
      lifetime,
    ]);
    const outcome = await Promise.race([
      adding,
      new Promise((resolve) => {
        timer = setTimeout(() => resolve("timeout"), this.#fallbackAfterMs);
      }),
    ]).catch((error: unknown) => error as Error);
    clearTimeout(timer);
    if (outcome === "timeout" || outcome instanceof Error) {
      // A late answer that opened a window in Redis is left to expire: this reception goes on
      // here, and other instances' receptions of the frame count as its duplicates.
      adding.catch(() => {});
      const reason = outcome === "timeout" ? "no answer in time" : outcome.message;
      return this.#fallback(key, item, window, reason);
    }
    if (outcome === 2 || outcome === 3) return outcomes[outcome];
    await new Promise<void>((resolve) => {
      const timer = setTimeout(finish, Math.max(0, window.windowMs));
      function finish() {
        clearTimeout(timer);
        resolve();
      }
      this.#open.set(token, finish);
    });
    this.#open.delete(token);
    const collecting = collectScript.runBuffer(this.#client, keys, [
      token,
      Math.max(0, Math.ceil(window.cooldownMs)),
    ]);
    this.#collecting.add(collecting);
    // Redis lost during the window: this reception alone, rather than none.
    const items = await collecting
      .catch((error: unknown) => {
        this.#logger.warn(
          { err: error, name: this.#name },
          "deduplication window could not be collected",
        );
        return undefined;
      })
      .finally(() => this.#collecting.delete(collecting));
    return { kind: "first", collected: this.#collected(item, items) };
  }

  #fallback(
    key: string,
    item: T,
    window: DeduplicationWindow,
    reason: string,
  ): Promise<DeduplicationResult<T>> {
    this.fallbacks++;
    const now = Date.now();
    if (now - this.#lastFallbackLogMs >= 10_000) {
      this.#lastFallbackLogMs = now;
      this.#logger.warn(
        { name: this.#name, reason, fallbacks: this.fallbacks },
        "deduplicating in this process only: Redis is not answering (logged every 10 s at most)",
      );
    }
    return this.#local.add(key, item, window);
  }

  /** The opener's reception first (as given), then the others decoded; unreadable ones dropped. */
  #collected(own: T, items: unknown): T[] {
    // Without a list the state expired before the opener came back (a stalled process).
    if (!Array.isArray(items) || items.length === 0) return [own];
    const collected = [own];
    for (const bytes of items.slice(1) as Buffer[]) {
      try {
        collected.push(this.#codec.decode(bytes));
      } catch (error) {
        this.dropped++;
        this.#logger.warn({ err: error, name: this.#name }, "deduplicated reception dropped");
      }
    }
    return collected;
  }

  /**
   * Closes the windows this instance opened at once: their openers collect now. Waits for the
   * collections up to `waitMs`, so that a Redis that is down does not hold a shutdown.
   */
  async close(waitMs = 1000): Promise<void> {
    for (const finish of [...this.#open.values()]) finish();
    this.#local.close();
    // The timers resolved; their collections start on the next turns of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.#collecting]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, waitMs);
      }),
    ]);
    clearTimeout(timer);
  }
}
