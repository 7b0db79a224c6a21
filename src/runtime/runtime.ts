import type { Redis } from "ioredis";
import { GrpcServer } from "../api/grpc-server.ts";
import { mountApiOnHttp } from "../api/mount.ts";
import { ApiRegistry } from "../api/registry.ts";
import { InProcessPubSub } from "../cluster/in-process/pubsub.ts";
import { type ComponentDefinition, ComponentHost } from "../components/index.ts";
import type { Config } from "../config/index.ts";
import { EventBus, NamePatternResolver } from "../events/index.ts";
import { registerEventsStream } from "../events/stream-service.ts";
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
import { interimRightsFetcher } from "./interim-rights-fetcher.ts";
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
    // INTERIM: the cluster's PubSub (Redis when redis.uri is set) once the runtime builds the
    // Cluster; until then events fan out within this process only.
    const pubsub = new InProcessPubSub({
      onError: (error, topic) => logger.error({ err: error, topic }, "pubsub handler failed"),
    });
    const events = new EventBus({
      pubsub,
      metrics,
      onMalformed: (error) => logger.warn({ err: error }, "dropped an unreadable event"),
    });
    const patterns = new NamePatternResolver();
    undo.push(async () => {
      events.close();
      await patterns.close();
      await pubsub.close();
    });
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
    });
    undo.push(() => host.stop());

    // Every process streams events, whatever components it runs (after the components have
    // defined theirs). INTERIM: `context.rights` replaces the interim rights fetcher.
    registerEventsStream(api, { bus: events, rights: interimRightsFetcher(database), patterns });

    // The API is served once the components have registered their services: gRPC, gRPC-Web
    // and Connect on the gRPC port and, for browsers and HTTP/1.1 clients, on the HTTP port.
    const grpc = new GrpcServer(api);
    await mountApiOnHttp(http.app, api, logger.child({ component: "api" }));
    const listeners = await http.listen(httpListeners(config, tls));
    undo.push(() => http.close(0));
    if (api.services().length > 0) {
      listeners.push(...(await grpc.listen(grpcListeners(config, tls))));
      undo.push(() => grpc.close(0));
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
        await patterns.close();
        await pubsub.close();
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
