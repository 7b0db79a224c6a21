import type { Registry } from "prom-client";
import type { Logger } from "../../log/logger.ts";
import type { Database } from "../../storage/database.ts";
import { createRedisClient } from "../../storage/redis.ts";
import type { EventsConfig } from "../config.ts";
import { errStoreNeedsRedis } from "../errors.ts";
import type { EventStore } from "./event-store.ts";
import { historyFileOf, sqliteFileOf } from "./history-file.ts";
import { storeMonitor } from "./monitor.ts";
import { RedisEventStore } from "./redis-store.ts";
import { SqlEventStore } from "./sql-store.ts";
import { SqliteWorkerEventStore } from "./sqlite-worker-store.ts";

/**
 * The event store the configuration asks for, or `undefined` when `events.store.enable` is off.
 * `auto` keeps history in Redis when the cluster has one, in the database otherwise. Redis is the
 * better place for a cluster: history is short-lived, Redis trims and expires it as it writes,
 * and the writes of every uplink's events stay off the database, whose write-ahead log the
 * registries and device sessions need. On SQLite the history is a file of its own beside the
 * database (`historyFileOf`), written by a worker thread; on PostgreSQL it is in the database.
 */
export function createEventStore(options: {
  config: EventsConfig["events"]["store"];
  database: Database;
  /** `redis.uri`; empty when the cluster has no Redis. */
  redisUri: string;
  instanceId: string;
  metrics?: Registry;
  logger?: Logger;
}): EventStore | undefined {
  const { config } = options;
  if (!config.enable) return undefined;
  const retention = {
    ttlMs: config.ttl,
    entityCount: config.entity_count,
    correlationIdCount: config.correlation_id_count,
  };
  if (config.backend === "redis" && options.redisUri === "") throw errStoreNeedsRedis.create();
  const monitor = storeMonitor({ metrics: options.metrics, logger: options.logger });
  const useRedis =
    config.backend === "redis" || (config.backend === "auto" && options.redisUri !== "");
  if (useRedis) {
    return new RedisEventStore({
      redis: createRedisClient(options.redisUri, `lorastack-${options.instanceId}-events`),
      ownsConnection: true,
      retention,
      monitor,
      flushIntervalMs: config.flush_interval,
    });
  }
  if (options.database.engine === "sqlite") {
    return new SqliteWorkerEventStore({
      file: sqliteFileOf(options.database).then(historyFileOf),
      retention,
      monitor,
      flushIntervalMs: config.flush_interval,
      pruneIntervalMs: config.prune_interval,
    });
  }
  return new SqlEventStore({
    database: options.database,
    retention,
    monitor,
    flushIntervalMs: config.flush_interval,
    pruneIntervalMs: config.prune_interval,
  });
}
