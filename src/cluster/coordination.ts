import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "../log/logger.ts";
import type { Database } from "../storage/database.ts";
import { createRedisClient } from "../storage/redis.ts";
import type { ClaimHolder, Claims } from "./claims.ts";
import { type Codec, stringCodec } from "./codec.ts";
import { errRedisUnavailable, errTasksNeedDatabase } from "./coordination-errors.ts";
import type { Deduplicator } from "./deduplicator.ts";
import { InProcessClaims } from "./in-process/claims.ts";
import { InProcessDeduplicator } from "./in-process/deduplicator.ts";
import { InProcessLocks } from "./in-process/locks.ts";
import { InProcessPubSub } from "./in-process/pubsub.ts";
import type { Locks } from "./locks.ts";
import type { PubSub } from "./pubsub.ts";
import { RedisClaims } from "./redis/claims.ts";
import { RedisDeduplicator } from "./redis/deduplicator.ts";
import { RedisKeys } from "./redis/keys.ts";
import { RedisLocks } from "./redis/locks.ts";
import { RedisPubSub } from "./redis/pubsub.ts";
import { RedisTaskStore } from "./redis/task-store.ts";
import { SqlTaskStore } from "./sql/task-store.ts";
import type { TaskQueue } from "./task-queue.ts";
import { StoredTaskQueue } from "./tasks/queue.ts";

/**
 * The coordination parts of a {@link Cluster} (see cluster.ts), shared with the other
 * instances: what `createCluster` combines with the peers.
 */
export interface Coordination {
  readonly pubsub: PubSub;
  readonly claims: Claims;
  readonly locks: Locks;
  readonly tasks: TaskQueue;
  /** A deduplicator of one kind of reception; the same name shares its keys. */
  deduplicator<T>(name: string, codec: Codec<T>): Deduplicator<T>;
  /**
   * Checks that the shared store answers now (Redis: both connections up and a PING answered);
   * absent in one process, where there is nothing to reach.
   */
  ping?(): Promise<void>;
  /**
   * Stops timers and task consumers (without waiting for their handlers: stop consumers first
   * for that), closes open deduplication windows at once and releases connections.
   */
  close(): Promise<void>;
}

/** Settings of task consumers; the defaults suit production. */
export interface TaskSettings {
  /** A crashed consumer's tasks run again this long after its last renewal (default 30 s). */
  leaseMs?: number;
  /** The longest a consumer sleeps between looks for due tasks (default 1 s). */
  pollIntervalMs?: number;
}

/** The PubSub topic on which `add` announces due times to consumers on other instances. */
const taskWakeupTopic = "lorastack.cluster.tasks.due";

/**
 * The embedded coordination: one process is the whole cluster. Everything lives in memory,
 * except tasks, which are kept in the SQL database so that they survive a restart.
 */
export function inProcessCoordination(options: {
  database: Database;
  logger: Logger;
  instanceId?: string;
  /** This instance's peer address, reported as a claim's holder (a function: read at each claim). */
  address?: string | (() => string);
  tasks?: TaskSettings;
}): Coordination {
  const { logger } = options;
  const holder = claimHolder(options.instanceId ?? randomUUID(), options.address ?? "");
  const pubsub = new InProcessPubSub({
    onError: (error, topic) => logger.error({ err: error, topic }, "pubsub subscriber failed"),
  });
  const tasks = new StoredTaskQueue(new SqlTaskStore(options.database), {
    logger,
    ...options.tasks,
  });
  const deduplicators = new Map<string, InProcessDeduplicator<unknown>>();
  return {
    pubsub,
    claims: new InProcessClaims(holder),
    locks: new InProcessLocks(),
    tasks,
    deduplicator<T>(name: string, _codec: Codec<T>): Deduplicator<T> {
      let deduplicator = deduplicators.get(name);
      if (!deduplicator) {
        deduplicator = new InProcessDeduplicator();
        deduplicators.set(name, deduplicator);
      }
      return deduplicator as Deduplicator<T>;
    },
    async close() {
      for (const deduplicator of deduplicators.values()) deduplicator.close();
      tasks.close();
      await pubsub.close();
    },
  };
}

/** Creates a new Redis connection; called once per connection, with a name for CLIENT LIST. */
export type RedisConnector = (connectionName: string) => Redis;

/**
 * The cluster coordination over one Redis shared by every instance: two connections (commands,
 * and one for SUBSCRIBE). Tasks are kept in Redis, or in the SQL database with
 * `tasks.store: "database"` (PostgreSQL shared by the instances); due times are announced over
 * PubSub either way, so that consumers on every instance wake at once.
 */
export async function redisCoordination(options: {
  /** `redis.uri`, or a function that opens a new connection each call (closed by `close`). */
  redis: string | RedisConnector;
  logger: Logger;
  instanceId: string;
  /** This instance's peer address, reported as a claim's holder (a function: read at each claim). */
  address: string | (() => string);
  /** Prefix of every key and channel (default `lorastack:`). */
  keyPrefix?: string;
  database?: Database;
  tasks?: TaskSettings & { store?: "redis" | "database" };
}): Promise<Coordination> {
  const { logger, instanceId } = options;
  const { store: storeKind = "redis", ...taskSettings } = options.tasks ?? {};
  if (storeKind === "database" && !options.database) throw errTasksNeedDatabase.create();
  const { redis } = options;
  const connect: RedisConnector =
    typeof redis === "string" ? (name) => createRedisClient(redis, name, logger) : redis;
  const client = connect(`lorastack-${instanceId}`);
  const subscriber = connect(`lorastack-${instanceId}-subscriber`);
  try {
    await Promise.all([client, subscriber].map(ensureConnected));
  } catch (error) {
    await Promise.all([client, subscriber].map(disconnect));
    throw errRedisUnavailable.create({ reason: (error as Error).message }, error);
  }

  if (storeKind === "redis") void warnWithoutPersistence(client, logger);
  const keys = new RedisKeys(options.keyPrefix);
  const pubsub = new RedisPubSub({ publisher: client, subscriber, instanceId, keys, logger });
  const store =
    storeKind === "database" && options.database
      ? new SqlTaskStore(options.database)
      : new RedisTaskStore({ client, keys });
  const tasks = new StoredTaskQueue(store, {
    logger,
    ...taskSettings,
    wakeups: pubsub.topic(taskWakeupTopic, stringCodec),
  });
  const deduplicators = new Set<RedisDeduplicator<unknown>>();
  let pinging: Promise<unknown> | undefined;
  return {
    pubsub,
    claims: new RedisClaims({ client, keys, holder: claimHolder(instanceId, options.address) }),
    locks: new RedisLocks({ client, keys }),
    tasks,
    deduplicator<T>(name: string, codec: Codec<T>): Deduplicator<T> {
      const deduplicator = new RedisDeduplicator({ client, keys, name, codec, logger });
      deduplicators.add(deduplicator as RedisDeduplicator<unknown>);
      return deduplicator;
    },
    async ping() {
      for (const [name, connection] of [
        ["commands", client],
        ["subscriber", subscriber],
      ] as const)
        if (connection.status !== "ready")
          throw errRedisUnavailable.create({ reason: `${name} connection ${connection.status}` });
      // One PING at a time: a Redis that hangs must not collect one per probe.
      pinging ??= client.ping().finally(() => {
        pinging = undefined;
      });
      try {
        await pinging;
      } catch (error) {
        throw errRedisUnavailable.create({ reason: (error as Error).message }, error);
      }
    },
    async close() {
      await Promise.all([...deduplicators].map((deduplicator) => deduplicator.close()));
      tasks.close();
      await pubsub.close();
      await Promise.all([client, subscriber].map(disconnect));
    },
  };
}

async function ensureConnected(client: Redis): Promise<void> {
  if (client.status === "ready") return;
  if (client.status === "wait") await client.connect();
  await client.ping();
}

/**
 * Tasks kept in a Redis that saves nothing (no append-only file, no snapshots) are lost when it
 * restarts: says so once at start. A Redis that refuses CONFIG (managed services) is trusted.
 */
async function warnWithoutPersistence(client: Redis, logger: Logger): Promise<void> {
  try {
    const [appendonly, save] = await Promise.all([
      client.config("GET", "appendonly"),
      client.config("GET", "save"),
    ]);
    const value = (reply: unknown) => (Array.isArray(reply) ? String(reply[1] ?? "") : "");
    if (value(appendonly) === "yes" || value(save).trim() !== "") return;
    logger.warn(
      'Redis keeps no data across its restart (appendonly no, save ""): the tasks kept there (scheduled downlinks, application uplinks to forward) would be lost; enable appendonly in Redis or set cluster.task_store: database',
    );
  } catch {
    // CONFIG is not allowed here: nothing to tell.
  }
}

/** Closes a connection politely (QUIT, pending replies first), at once if that stalls. */
async function disconnect(client: Redis): Promise<void> {
  if (client.status === "end") return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    client.quit().catch(() => {}),
    new Promise((resolve) => {
      timer = setTimeout(resolve, 1000);
    }),
  ]);
  clearTimeout(timer);
  client.disconnect();
}

/** A claim holder whose address may be known only once the gRPC port is bound. */
function claimHolder(instanceId: string, address: string | (() => string)): ClaimHolder {
  return {
    instanceId,
    get address() {
      return typeof address === "function" ? address() : address;
    },
  };
}
