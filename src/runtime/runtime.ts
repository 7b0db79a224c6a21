import type { Redis } from "ioredis";
import { ClusterKeys } from "../api/cluster-keys.ts";
import { GrpcServer } from "../api/grpc-server.ts";
import { mountApiOnHttp } from "../api/mount.ts";
import { ApiRegistry } from "../api/registry.ts";
import { CachedRightsFetcher } from "../auth/cached-rights-fetcher.ts";
import { invalidateOnPublish } from "../auth/invalidate-for-event.ts";
import { peerRightsFetcher } from "../auth/peer-rights-fetcher.ts";
import { createCluster } from "../cluster/create-cluster.ts";
import { InProcessPubSub } from "../cluster/in-process/pubsub.ts";
import { type ComponentDefinition, ComponentHost } from "../components/index.ts";
import type { Config } from "../config/index.ts";
import { EventBus } from "../events/index.ts";
import { registerHealthRoutes } from "../http/health.ts";
import { HttpServer } from "../http/http-server.ts";
import type { Logger } from "../log/logger.ts";
import { createMetricsRegistry } from "../metrics/registry.ts";
import {
  createRedisClient,
  type Database,
  databaseLocation,
  ensureInstallationId,
  migrateToLatest,
  openDatabase,
} from "../storage/index.ts";
import { grpcListeners, httpListeners, loadTls } from "./http-listeners.ts";
import type { BoundListener } from "./listen.ts";

/** A started lorastack process. */
export interface Runtime {
  /** Every address the process listens on. */
  listeners: readonly BoundListener[];
  /** Stops everything in order: readiness, listeners (draining), components, Redis, database. */
  stop(): Promise<void>;
}

type State = "starting" | "running" | "stopping" | "stopped";

/**
 * Starts lorastack: opens and migrates the database, connects Redis when configured, serves
 * health and metrics, then starts the given components. Steps run in this order; a failure
 * undoes the steps already taken and is thrown.
 */
export async function startRuntime(options: {
  config: Config;
  logger: Logger;
  components: readonly ComponentDefinition[];
}): Promise<Runtime> {
  const { config, logger } = options;
  let state: State = "starting";
  const undo: (() => Promise<void>)[] = [];
  const rollback = async () => {
    for (const step of undo.reverse()) await step().catch(() => {});
  };

  try {
    const tls = loadTls(config);
    const database = await openAndMigrate(config, logger);
    undo.push(() => database.close());

    const redis = config.redis.uri ? await connectRedis(config.redis.uri, logger) : undefined;
    if (redis) undo.push(() => redis.quit().then(() => {}));

    const metrics = createMetricsRegistry();
    const http = new HttpServer(logger.child({ component: "http" }));
    const host = new ComponentHost(logger);
    const api = new ApiRegistry();
    const events = new EventBus();
    const clusterKeys = ClusterKeys.fromHex(config.cluster.keys);
    // TODO(merge): the coordination implementations (claims, locks, task queue, deduplicator;
    // Redis ones when redis.uri is set) are built on another branch; pass them here.
    const clusterLogger = logger.child({ component: "cluster" });
    const pubsub = new InProcessPubSub({
      onError: (error, topic) => clusterLogger.error({ err: error, topic }, "subscriber failed"),
    });
    const {
      cluster,
      advertisePort,
      close: closeCluster,
    } = createCluster({
      config,
      api,
      components: options.components.map((definition) => definition.name),
      clusterKeys,
      coordination: { pubsub, close: () => pubsub.close() },
      logger: clusterLogger,
    });
    undo.push(closeCluster);
    const rights = new CachedRightsFetcher(
      peerRightsFetcher({ identityServer: () => cluster.peer("is") }),
    );
    // Changes published in this process reach the cache at once.
    // TODO(merge): also the events of other instances, once the bus fans them out.
    invalidateOnPublish(events, rights);
    registerHealthRoutes(http.app, {
      metrics,
      readiness: () => {
        const components = host.readiness();
        return {
          ready: state === "running" && Object.values(components).every(Boolean),
          components,
        };
      },
    });

    await host.start(options.components, {
      config,
      database,
      redis,
      metrics,
      http: http.app,
      api,
      events,
      cluster,
      rights,
    });
    undo.push(() => host.stop());

    // The API is served once the components have registered their services: gRPC, gRPC-Web
    // and Connect on the gRPC port and, for browsers and HTTP/1.1 clients, on the HTTP port.
    const apiLogger = logger.child({ component: "api" });
    const grpc = new GrpcServer(api, { clusterKeys, logger: apiLogger });
    await mountApiOnHttp(http.app, api, { logger: apiLogger, clusterKeys });
    const listeners = await http.listen(httpListeners(config, tls));
    undo.push(() => http.close(0));
    if (api.services().length > 0) {
      const bound = await grpc.listen(grpcListeners(config, tls));
      listeners.push(...bound);
      undo.push(() => grpc.close(0));
      // Peers dial the TLS port when they dial with TLS.
      const advertised = bound.find((listener) =>
        config.cluster.tls ? listener.name.endsWith("(tls)") : !listener.name.endsWith("(tls)"),
      );
      const port = advertised && /:(\d+)$/.exec(advertised.address)?.[1];
      if (port) advertisePort(Number(port));
    }
    for (const listener of listeners) {
      logger.info({ listener: listener.name, address: listener.address }, "listening");
    }

    state = "running";
    logger.info(
      {
        components: host.names(),
        listeners: listeners.map((listener) => `${listener.name} ${listener.address}`),
      },
      "lorastack started",
    );

    return {
      listeners,
      async stop() {
        if (state === "stopping" || state === "stopped") return;
        state = "stopping";
        logger.info("stopping");
        const closing = Promise.all([
          http.close(config.shutdown_timeout),
          grpc.close(config.shutdown_timeout),
        ]);
        // Listeners no longer accept; event streams would stay open until cut, so end them.
        events.close();
        await closing;
        await host.stop();
        await closeCluster();
        if (redis) await redis.quit().catch(() => redis.disconnect());
        await database.close();
        state = "stopped";
        logger.info("stopped");
      },
    };
  } catch (error) {
    await rollback();
    throw error;
  }
}

async function openAndMigrate(config: Config, logger: Logger): Promise<Database> {
  const database = await openDatabase(databaseLocation(config.database.uri, config.data_dir));
  try {
    const report = await migrateToLatest(database.db, database.engine);
    const installation = await ensureInstallationId(database.db);
    logger.info(
      {
        database: database.description,
        installation,
        applied: report.applied,
        schema: report.current.at(-1),
      },
      "database ready",
    );
    return database;
  } catch (error) {
    await database.close();
    throw error;
  }
}

async function connectRedis(uri: string, logger: Logger): Promise<Redis> {
  const redis = createRedisClient(uri);
  await redis.connect();
  await redis.ping();
  logger.info({ redis: `${redis.options.host}:${redis.options.port}` }, "redis connected");
  return redis;
}
