import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Claim, ClaimHolder, Claims } from "../claims.ts";
import type { RedisKeys } from "./keys.ts";
import { RedisScript } from "./script.ts";

/** Extends the key's expiry if it still holds this claim's value. */
const renewScript = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`);

/** Deletes the key if it still holds this claim's value. */
const releaseScript = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`);

/**
 * The cluster {@link Claims}: one Redis key per id (SET NX PX), whose value names the holder
 * and a token of this claim; renew and release compare the value first (in Lua), so that a
 * claim that expired or was taken over cannot touch its successor.
 */
export class RedisClaims implements Claims {
  readonly #client: Redis;
  readonly #keys: RedisKeys;
  readonly #holder: ClaimHolder;

  constructor(options: { client: Redis; keys: RedisKeys; holder: ClaimHolder }) {
    this.#client = options.client;
    this.#keys = options.keys;
    // Kept by reference: the address may be a getter that learns the bound port later.
    this.#holder = options.holder;
  }

  async claim(
    id: string,
    ttlMs: number,
    options: { takeOver?: boolean } = {},
  ): Promise<Claim | undefined> {
    const key = this.#keys.claim(id);
    const ttl = milliseconds(ttlMs);
    const value = JSON.stringify({ ...this.#holder, token: randomUUID() });
    const set = options.takeOver
      ? await this.#client.set(key, value, "PX", ttl)
      : await this.#client.set(key, value, "PX", ttl, "NX");
    if (set !== "OK") return undefined;
    return {
      id,
      renew: async () => (await renewScript.run(this.#client, [key], [value, ttl])) === 1,
      release: async () => {
        await releaseScript.run(this.#client, [key], [value]);
      },
    };
  }

  async holder(id: string): Promise<ClaimHolder | undefined> {
    const value = await this.#client.get(this.#keys.claim(id));
    return value === null ? undefined : parseHolder(value);
  }
}

/** A holder read back from Redis; anything else there is treated as no holder. */
function parseHolder(value: string): ClaimHolder | undefined {
  try {
    const parsed = JSON.parse(value) as Partial<ClaimHolder>;
    if (typeof parsed.instanceId === "string" && typeof parsed.address === "string")
      return { instanceId: parsed.instanceId, address: parsed.address };
  } catch {
    // not ours
  }
  return undefined;
}

/** A time to live as Redis takes it: a whole number of milliseconds, at least 1. */
export function milliseconds(ms: number): number {
  return Number.isFinite(ms) ? Math.max(1, Math.ceil(ms)) : 1;
}
