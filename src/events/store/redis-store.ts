import type { Redis } from "ioredis";
import { RedisScript } from "../../cluster/redis/script.ts";
import type { StackEvent } from "../event.ts";
import { ulidCeiling, ulidFloor } from "../ulid.ts";
import { eventBytes, eventFromBytes } from "../wire.ts";
import type { EventStore, HistoryQuery, Retention } from "./event-store.ts";
import { GroupCommit } from "./group-commit.ts";
import { correlationIndexKey, entityIndexKey, indexKeysOf } from "./index-keys.ts";
import type { StoreMonitor } from "./monitor.ts";

export interface RedisEventStoreOptions {
  /** The connection the store uses (and closes when `ownsConnection`). */
  redis: Redis;
  ownsConnection?: boolean;
  retention: Retention;
  monitor: StoreMonitor;
  /** Prefix of every key; default `lorastack:`, as the cluster coordination's. */
  keyPrefix?: string;
  /** How long an event waits for others before its batch is sent. Default 10 ms. */
  flushIntervalMs?: number;
  /** Events per batch (one script call) at most. Default 200. */
  maxBatch?: number;
  /** Events waiting at most; more are dropped and counted. Default 20,000. */
  maxPending?: number;
  now?: () => number;
}

/** Keys per MGET when reading payloads. */
const keysPerRead = 500;

/**
 * Writes one batch: KEYS are the events' payload keys, then the index lists; ARGV is the time
 * to live, the number of events, their payloads, then for each list its count to keep, the
 * number of ids and the ids (oldest first, so that the newest ends at the head). One command
 * per batch: the client builds one request instead of thousands.
 */
const writeBatch = new RedisScript(`
local ttl = tonumber(ARGV[1])
local events = tonumber(ARGV[2])
for i = 1, events do
  redis.call('SET', KEYS[i], ARGV[2 + i], 'PX', ttl)
end
local at = 3 + events
for k = events + 1, #KEYS do
  local keep = tonumber(ARGV[at])
  local count = tonumber(ARGV[at + 1])
  redis.call('LPUSH', KEYS[k], unpack(ARGV, at + 2, at + 1 + count))
  redis.call('LTRIM', KEYS[k], 0, keep - 1)
  redis.call('PEXPIRE', KEYS[k], ttl)
  at = at + 2 + count
end
return events
`);

/**
 * The {@link EventStore} in Redis, as The Things Stack keeps its event store: each event's
 * protobuf bytes under its ULID with the time to live, and per entity and correlation id a
 * list of the newest ULIDs, trimmed to the count and expiring with the time to live. Nothing
 * needs pruning: Redis expires and trims as it writes. A batch of published events is one
 * script call (group commit): one round trip, and one request for the client to build.
 */
export class RedisEventStore implements EventStore {
  readonly #redis: Redis;
  readonly #ownsConnection: boolean;
  readonly #retention: Retention;
  readonly #monitor: StoreMonitor;
  readonly #prefix: string;
  readonly #now: () => number;
  readonly #commit: GroupCommit<StackEvent>;
  #closed = false;

  constructor(options: RedisEventStoreOptions) {
    this.#redis = options.redis;
    this.#ownsConnection = options.ownsConnection === true;
    this.#retention = options.retention;
    this.#monitor = options.monitor;
    this.#prefix = `${options.keyPrefix ?? "lorastack:"}events:`;
    this.#now = options.now ?? Date.now;
    this.#commit = new GroupCommit({
      write: (batch) => this.#write(batch),
      intervalMs: options.flushIntervalMs ?? 10,
      maxBatch: options.maxBatch ?? 200,
      maxPending: options.maxPending ?? 20_000,
      onFailure: (error, count) => this.#monitor.dropped("failed", count, error),
      onDrop: (count) => this.#monitor.dropped("overflow", count),
    });
  }

  add(event: StackEvent): void {
    if (!this.#closed) this.#commit.add(event);
  }

  flush(): Promise<void> {
    return this.#commit.flush();
  }

  async history(query: HistoryQuery): Promise<StackEvent[]> {
    await this.flush();
    const { entityCount } = this.#retention;
    const limit = query.tail && query.tail > 0 ? Math.min(query.tail, entityCount) : entityCount;
    const lists = await this.#lists(
      query.entities.map((entity) => this.#indexKey(entityIndexKey(entity))),
      entityCount,
    );
    const ids = new Set<string>();
    for (const list of lists)
      for (const id of this.#newest(list, limit, query.afterMs)) ids.add(id);
    return this.#load([...ids].sort());
  }

  async related(correlationId: string): Promise<StackEvent[]> {
    await this.flush();
    const count = this.#retention.correlationIdCount;
    const [list] = await this.#lists([this.#indexKey(correlationIndexKey(correlationId))], count);
    return this.#load(this.#newest(list ?? [], count, undefined));
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#commit.close();
    if (this.#ownsConnection) await this.#redis.quit().catch(() => this.#redis.disconnect());
  }

  #eventKey(uniqueId: string): string {
    return `${this.#prefix}event:${uniqueId}`;
  }

  #indexKey(key: string): string {
    return `${this.#prefix}index:${encodeURIComponent(key)}`;
  }

  async #write(batch: StackEvent[]): Promise<void> {
    const { ttlMs, entityCount, correlationIdCount } = this.#retention;
    const keys: string[] = [];
    const args: (string | Buffer | number)[] = [ttlMs, batch.length];
    const lists = new Map<string, { ids: string[]; keep: number }>();
    const push = (key: string, id: string, keep: number) => {
      const list = lists.get(key);
      if (list) list.ids.push(id);
      else lists.set(key, { ids: [id], keep });
    };
    for (const event of batch) {
      const bytes = eventBytes(event);
      keys.push(this.#eventKey(event.uniqueId));
      args.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      const { entities, correlations } = indexKeysOf(event);
      for (const key of entities) push(this.#indexKey(key), event.uniqueId, entityCount);
      for (const key of correlations) push(this.#indexKey(key), event.uniqueId, correlationIdCount);
    }
    for (const [key, { ids, keep }] of lists) {
      keys.push(key);
      args.push(keep, ids.length, ...ids);
    }
    await writeBatch.run(this.#redis, keys, args);
    this.#monitor.stored(batch.length);
  }

  /** The first `count` ids of each list (newest first, as pushed). */
  async #lists(keys: readonly string[], count: number): Promise<string[][]> {
    if (keys.length === 0) return [];
    const pipeline = this.#redis.pipeline();
    for (const key of keys) pipeline.lrange(key, 0, count - 1);
    const results = (await pipeline.exec()) ?? [];
    return results.map(([error, ids]) => {
      if (error) throw error;
      return ids as string[];
    });
  }

  /** The newest `limit` ids of a list within the retention (and after `afterMs`), newest first. */
  #newest(ids: readonly string[], limit: number, afterMs: number | undefined): string[] {
    const oldest = ulidFloor(this.#now() - this.#retention.ttlMs);
    const after = afterMs === undefined ? undefined : ulidCeiling(afterMs);
    // Instances push concurrently, so a list is only nearly in order.
    return ids
      .filter((id) => id >= oldest && (after === undefined || id > after))
      .sort()
      .reverse()
      .slice(0, limit);
  }

  /** The events of the ids, in their order; expired ones are left out. */
  async #load(ids: readonly string[]): Promise<StackEvent[]> {
    const events: StackEvent[] = [];
    for (let start = 0; start < ids.length; start += keysPerRead) {
      const chunk = ids.slice(start, start + keysPerRead);
      const payloads = await this.#redis.mgetBuffer(...chunk.map((id) => this.#eventKey(id)));
      for (const payload of payloads) {
        if (!payload) continue;
        try {
          events.push(eventFromBytes(payload));
        } catch (error) {
          this.#monitor.dropped("unreadable", 1, error);
        }
      }
    }
    return events;
  }
}
