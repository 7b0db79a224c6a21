import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { AddMode, Task } from "../task-queue.ts";
import type { FailedAttempt, LeasedTask, TaskStore } from "../tasks/store.ts";
import type { RedisKeys } from "./keys.ts";
import { RedisScript } from "./script.ts";

/*
 * Durability: `add` resolves when Redis has applied the script, not when it is on disk. That a
 * task survives a crash of Redis itself depends on Redis's persistence: we assume production
 * runs Redis with AOF (`appendonly yes`, `appendfsync everysec`: at most about a second of
 * writes lost on a power failure or crash of the Redis host) and replicas for failover. A crash
 * of a lorastack instance loses nothing: its leases expire and the tasks run elsewhere.
 *
 * Layout per queue (all keys of a queue are given to every script, so a script touches only
 * declared keys):
 *   due     sorted set: key → due time (ms), the pending tasks
 *   leased  sorted set: key → lease expiry (ms), the tasks being handled
 *   data    hash: p:<key> payload, d:<key> due time, a:<key> attempts, e:<key> last error,
 *           t:<key> lease token, np:<key>/nd:<key> a follow-up added while leased
 *   dead    stream of dead letters (key, payload, due, attempt, error), oldest first, trimmed
 *           to about 10,000 entries so that a failing integration cannot fill Redis's memory
 * Times are the instances' clocks (ms since the epoch): instances need synchronised clocks.
 */

/** Functions shared by the scripts: a follow-up taking its task's place, a task dying. */
const prelude = `
local function field(kind, key) return kind .. ':' .. key end
local function forget(key)
  redis.call('HDEL', KEYS[3], field('p', key), field('d', key), field('a', key), field('e', key),
    field('t', key), field('np', key), field('nd', key))
  redis.call('ZREM', KEYS[1], key)
  redis.call('ZREM', KEYS[2], key)
end
local function promote(key)
  local payload = redis.call('HGET', KEYS[3], field('np', key))
  local due = redis.call('HGET', KEYS[3], field('nd', key))
  redis.call('HSET', KEYS[3], field('p', key), payload, field('d', key), due, field('a', key), 0)
  redis.call('HDEL', KEYS[3], field('e', key), field('t', key), field('np', key), field('nd', key))
  redis.call('ZREM', KEYS[2], key)
  redis.call('ZADD', KEYS[1], due, key)
end
local function bury(key, error, now)
  local task = redis.call('HMGET', KEYS[3], field('p', key), field('d', key), field('a', key))
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', 10000, '*', 'key', key, 'payload', task[1],
    'due', task[2], 'attempt', task[3], 'error', error, 'failed', now)
  forget(key)
end
`;

/** KEYS due, leased, data. ARGV key, payload, due (ms), mode. */
const addScript = new RedisScript(`${prelude}
local key, payload, due, mode = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
if redis.call('ZSCORE', KEYS[2], key) then
  if mode == 'earliest' then
    local next = redis.call('HGET', KEYS[3], field('nd', key))
    if next and tonumber(next) < tonumber(due) then due = next end
  end
  redis.call('HSET', KEYS[3], field('np', key), payload, field('nd', key), due)
  return 2
end
local current = redis.call('ZSCORE', KEYS[1], key)
if current and mode == 'earliest' then
  if tonumber(current) < tonumber(due) then due = redis.call('HGET', KEYS[3], field('d', key)) end
else
  redis.call('HSET', KEYS[3], field('a', key), 0)
  redis.call('HDEL', KEYS[3], field('e', key))
end
redis.call('HSET', KEYS[3], field('p', key), payload, field('d', key), due)
redis.call('ZADD', KEYS[1], due, key)
return 1`);

/** KEYS due, leased, data, dead. ARGV now, lease until, limit, max attempts, token, lost error. */
const leaseScript = new RedisScript(`${prelude}
for _, key in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])) do
  local attempt = tonumber(redis.call('HGET', KEYS[3], field('a', key)) or '0')
  if attempt < tonumber(ARGV[4]) then
    redis.call('ZREM', KEYS[2], key)
    redis.call('HDEL', KEYS[3], field('t', key))
    redis.call('ZADD', KEYS[1], redis.call('HGET', KEYS[3], field('d', key)), key)
  elseif redis.call('HEXISTS', KEYS[3], field('np', key)) == 1 then
    promote(key)
  else
    redis.call('HSET', KEYS[3], field('e', key), ARGV[6])
    bury(key, ARGV[6], ARGV[1])
  end
end
local leased = {}
for _, key in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])) do
  redis.call('ZREM', KEYS[1], key)
  redis.call('ZADD', KEYS[2], ARGV[2], key)
  local attempt = redis.call('HINCRBY', KEYS[3], field('a', key), 1)
  redis.call('HSET', KEYS[3], field('t', key), ARGV[5])
  local task = redis.call('HMGET', KEYS[3], field('p', key), field('d', key), field('e', key))
  leased[#leased + 1] = { key, task[1], task[2], attempt, task[3] }
end
return leased`);

/** KEYS due, leased, data. ARGV key, token, lease until. */
const renewScript = new RedisScript(`
if redis.call('HGET', KEYS[3], 't:' .. ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('ZADD', KEYS[2], 'XX', ARGV[3], ARGV[1])
return 1`);

/** KEYS due, leased, data. ARGV key, token. */
const completeScript = new RedisScript(`${prelude}
local key = ARGV[1]
if redis.call('HGET', KEYS[3], field('t', key)) ~= ARGV[2] then return 0 end
if redis.call('HEXISTS', KEYS[3], field('np', key)) == 1 then promote(key) else forget(key) end
return 1`);

/** KEYS due, leased, data, dead. ARGV key, token, error, retry at (ms), dead (0/1), now. */
const failScript = new RedisScript(`${prelude}
local key = ARGV[1]
if redis.call('HGET', KEYS[3], field('t', key)) ~= ARGV[2] then return 0 end
if redis.call('HEXISTS', KEYS[3], field('np', key)) == 1 then
  promote(key)
elseif ARGV[5] == '1' then
  bury(key, ARGV[3], ARGV[6])
else
  redis.call('ZREM', KEYS[2], key)
  redis.call('HDEL', KEYS[3], field('t', key))
  redis.call('HSET', KEYS[3], field('e', key), ARGV[3], field('d', key), ARGV[4])
  redis.call('ZADD', KEYS[1], ARGV[4], key)
end
return 1`);

/** KEYS due, leased, data. ARGV key. */
const removeScript = new RedisScript(`${prelude}
local key = ARGV[1]
if redis.call('ZSCORE', KEYS[1], key) or redis.call('ZSCORE', KEYS[2], key) then
  forget(key)
  return 1
end
return 0`);

const lostLease = "the consumer stopped during its last attempt (its lease expired)";

/** The {@link TaskStore} in Redis (see the layout above). */
export class RedisTaskStore implements TaskStore {
  readonly #client: Redis;
  readonly #keys: RedisKeys;

  constructor(options: { client: Redis; keys: RedisKeys }) {
    this.#client = options.client;
    this.#keys = options.keys;
  }

  #queueKeys(queue: string): string[] {
    const { due, leased, data, dead } = this.#keys.taskQueue(queue);
    return [due, leased, data, dead];
  }

  async add(
    queue: string,
    task: { key: string; payload: Uint8Array; dueAt: Date; mode: AddMode },
  ): Promise<void> {
    await addScript.run(this.#client, this.#queueKeys(queue), [
      task.key,
      Buffer.from(task.payload),
      task.dueAt.getTime(),
      task.mode,
    ]);
  }

  async remove(queue: string, key: string): Promise<boolean> {
    return (await removeScript.run(this.#client, this.#queueKeys(queue), [key])) === 1;
  }

  async lease(
    queue: string,
    options: { limit: number; leaseMs: number; maxAttempts: number; now: Date },
  ): Promise<LeasedTask[]> {
    const now = options.now.getTime();
    const token = randomUUID();
    const rows = (await leaseScript.runBuffer(this.#client, this.#queueKeys(queue), [
      now,
      now + options.leaseMs,
      options.limit,
      options.maxAttempts,
      token,
      lostLease,
    ])) as [Buffer, Buffer, Buffer, number, Buffer | null][];
    return rows.map(([key, payload, due, attempt, error]) => {
      const task: Task = {
        queue,
        key: key.toString("utf8"),
        payload: new Uint8Array(payload),
        dueAt: new Date(Number(due.toString())),
        attempt: Number(attempt),
      };
      if (error) task.lastError = error.toString("utf8");
      return { task, token };
    });
  }

  async renew(queue: string, lease: LeasedTask, leaseMs: number): Promise<boolean> {
    const held = await renewScript.run(this.#client, this.#queueKeys(queue), [
      lease.task.key,
      lease.token,
      Date.now() + leaseMs,
    ]);
    return held === 1;
  }

  async complete(queue: string, lease: LeasedTask): Promise<void> {
    await completeScript.run(this.#client, this.#queueKeys(queue), [lease.task.key, lease.token]);
  }

  async fail(queue: string, lease: LeasedTask, attempt: FailedAttempt): Promise<void> {
    await failScript.run(this.#client, this.#queueKeys(queue), [
      lease.task.key,
      lease.token,
      attempt.error,
      attempt.retryAt.getTime(),
      attempt.dead ? 1 : 0,
      Date.now(),
    ]);
  }

  async nextWakeAt(queue: string): Promise<Date | undefined> {
    const { due, leased } = this.#keys.taskQueue(queue);
    const [dueFirst, leasedFirst] = await Promise.all([
      this.#client.zrange(due, "0", "0", "WITHSCORES"),
      this.#client.zrange(leased, "0", "0", "WITHSCORES"),
    ]);
    const times = [dueFirst[1], leasedFirst[1]].filter((score) => score !== undefined).map(Number);
    return times.length > 0 ? new Date(Math.min(...times)) : undefined;
  }

  async deadLetters(queue: string, limit: number): Promise<Task[]> {
    const entries = (await this.#client.callBuffer("XRANGE", [
      this.#keys.taskQueue(queue).dead,
      "-",
      "+",
      "COUNT",
      limit,
    ])) as [Buffer, Buffer[]][];
    return entries.map(([, fields]) => {
      const values = new Map<string, Buffer>();
      for (let i = 0; i + 1 < fields.length; i += 2)
        values.set((fields[i] as Buffer).toString(), fields[i + 1] as Buffer);
      const text = (name: string) => values.get(name)?.toString("utf8") ?? "";
      return {
        queue,
        key: text("key"),
        payload: new Uint8Array(values.get("payload") ?? []),
        dueAt: new Date(Number(text("due"))),
        attempt: Number(text("attempt")),
        lastError: text("error"),
      };
    });
  }
}
