import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Claim, ClaimHolder, ClaimRenewal, Claims } from "../claims.ts";
import type { RedisKeys } from "./keys.ts";
import { RedisScript } from "./script.ts";

/**
 * Extends the key's expiry if it still holds this claim's value (1); sets it again if the key
 * is gone (2: expired, or Redis lost its data); 0 when another value (holder) is there.
 */
const renewScript = new RedisScript(`
local current = redis.call('GET', KEYS[1])
if current == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not current then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 2
end
return 0`);

const renewals = { 0: "taken", 1: "renewed", 2: "restored" } as const;

/** Deletes the key if it still holds this claim's value. */
const releaseScript = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`);

/**
 * The cluster {@link Claims}: one Redis key per id (SET NX PX), whose value names the holder
 * and a token of this claim; renew and release compare the value first (in Lua), so that a
 * claim that was taken over cannot touch its successor. Renew sets a vanished key again: a
 * Redis restarted without persistence must not read as "every gateway moved elsewhere".
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
      renew: async (): Promise<ClaimRenewal> => {
        const outcome = await renewScript.run(this.#client, [key], [value, ttl]);
        return renewals[outcome as keyof typeof renewals] ?? "taken";
      },
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
