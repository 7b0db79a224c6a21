import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Lock, Locks } from "../locks.ts";
import { milliseconds } from "./claims.ts";
import type { RedisKeys } from "./keys.ts";
import { RedisScript } from "./script.ts";

/**
 * Takes the lock if free and returns the next fencing token, in one step. A missing counter
 * (the first lock, or a Redis that lost its data) starts at the caller's clock in µs, so that
 * tokens keep growing across a restart without persistence.
 */
const acquireScript = new RedisScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then
  if redis.call('EXISTS', KEYS[2]) == 0 then
    redis.call('SET', KEYS[2], ARGV[3])
  end
  return redis.call('INCR', KEYS[2])
end
return false`);

const extendScript = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`);

const releaseScript = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`);

/** The first pause between two tries while waiting; doubled up to {@link longestPauseMs}. */
const firstPauseMs = 5;
const longestPauseMs = 100;

/**
 * The cluster {@link Locks}: one Redis key per name holding a random token (SET NX PX), one
 * counter (INCR) for fencing tokens, shared by every name so that it is one key however many
 * names there are. Extend and release compare the token first (in Lua).
 */
export class RedisLocks implements Locks {
  readonly #client: Redis;
  readonly #keys: RedisKeys;

  constructor(options: { client: Redis; keys: RedisKeys }) {
    this.#client = options.client;
    this.#keys = options.keys;
  }

  async acquire(
    name: string,
    ttlMs: number,
    options: { waitMs?: number } = {},
  ): Promise<Lock | undefined> {
    const deadline = Date.now() + (options.waitMs ?? 0);
    let pause = firstPauseMs;
    for (;;) {
      const lock = await this.#tryAcquire(name, ttlMs);
      if (lock) return lock;
      const remaining = deadline - Date.now();
      if (remaining <= 0) return undefined;
      await new Promise((resolve) => setTimeout(resolve, Math.min(pause, remaining)));
      pause = Math.min(pause * 2, longestPauseMs);
    }
  }

  async #tryAcquire(name: string, ttlMs: number): Promise<Lock | undefined> {
    const key = this.#keys.lock(name);
    const token = randomUUID();
    const fencingToken = await acquireScript.run(
      this.#client,
      [key, this.#keys.lockFencing()],
      [token, milliseconds(ttlMs), fencingFloor()],
    );
    if (typeof fencingToken !== "number") return undefined;
    return {
      name,
      fencingToken,
      extend: async (ms) =>
        (await extendScript.run(this.#client, [key], [token, milliseconds(ms)])) === 1,
      release: async () => {
        await releaseScript.run(this.#client, [key], [token]);
      },
    };
  }
}

/** Where a lost fencing counter starts again: now in µs (below 2^53 until the year 2255). */
function fencingFloor(): string {
  return String(Date.now() * 1000);
}
