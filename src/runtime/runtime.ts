import { ClusterKeys } from "../api/cluster-keys.ts";
import { GrpcServer } from "../api/grpc-server.ts";
import { mountApiOnHttp } from "../api/mount.ts";
import { ApiRegistry } from "../api/registry.ts";
import { CachedRightsFetcher } from "../auth/cached-rights-fetcher.ts";
import { invalidateForEvent } from "../auth/invalidate-for-event.ts";
import { peerRightsFetcher } from "../auth/peer-rights-fetcher.ts";
import { clusterConfig } from "../cluster/config.ts";
import { inProcessCoordination, redisCoordination } from "../cluster/coordination.ts";
import { createCluster } from "../cluster/create-cluster.ts";
import { type InstanceIdentity, instanceIdentity } from "../cluster/identity.ts";
import { type ComponentDefinition, ComponentHost } from "../components/index.ts";
import { type Config, parseListenAddress, readSection, redactUri } from "../config/index.ts";
import { eventsConfig } from "../events/config.ts";
import { rpcCorrelationId, withCorrelationIds } from "../events/correlation.ts";
import { EventBus, NamePatternResolver } from "../events/index.ts";
import { OpenStreams } from "../events/open-streams.ts";
import { createEventStore } from "../events/store/create-store.ts";
import { registerEventsStream, watchRightsChanges } from "../events/stream-service.ts";
import { registerConfigurationService } from "../frequency-plans/configuration-service.ts";
import { FrequencyPlans, frequencyPlansConfig } from "../frequency-plans/index.ts";
import { registerHealthRoutes } from "../http/health.ts";
import { HttpServer } from "../http/http-server.ts";
import { keyVaultConfig, openKeyVault } from "../key-vault/index.ts";
import { type BoundListener, ListenerRegistry } from "../listeners/index.ts";
import type { Logger } from "../log/logger.ts";
import { createMetricsRegistry } from "../metrics/registry.ts";
import {
  type Database,
  databaseLocation,
  ensureInstallationId,
  migrateToLatest,
  openDatabase,
} from "../storage/index.ts";
import { runtimeConfig } from "./config.ts";
import { connectionPolicy } from "./connection-limits.ts";
import { grpcListeners, httpListeners } from "./http-listeners.ts";
import { registerInstanceInfo } from "./instance-info.ts";
import { listenMetrics, type MetricsListener } from "./metrics-listener.ts";
import { composeReadiness, DependencyChecker, databaseCheck, dependencyOk } from "./readiness.ts";
import { loadTls } from "./tls.ts";

/** A started lorastack process. */
export interface Runtime {
  /** Every address the process listens on: its HTTP and gRPC ports and the components' own. */
  readonly listeners: readonly BoundListener[];
  /** Stops everything in order: readiness, listeners (draining), components, Redis, database. */
  stop(): Promise<void>;
}

type State = "starting" | "running" | "stopping" | "stopped";

/**
 * Starts lorastack: loads TLS material and frequency plans, opens and migrates the database,
 * opens the key vault, connects Redis when configured, serves health and metrics, then starts
 * the given components.
 * Steps run in this order; a failure undoes the steps already taken and is thrown.
 */
export async function startRuntime(options: {
  config: Config;
  logger: Logger;
  components: readonly ComponentDefinition[];
  /**
   * This instance's name and id, when the caller made its logger with the name already
   * (`instance` on every line); made from `cluster.id` otherwise.
   */
  identity?: InstanceIdentity;
}): Promise<Runtime> {
  const { config } = options;
  const clusterSettings = readSection(clusterConfig, config);
  const identity = options.identity ?? instanceIdentity(clusterSettings.cluster.id);
  // Who this process is, on every log line (unless the logger was made with it already).
  const logger = options.identity
    ? options.logger
    : options.logger.child({ instance: identity.name });
  let state: State = "starting";
  const undo: (() => Promise<void>)[] = [];
  const rollback = async () => {
    for (const step of undo.reverse()) await step().catch(() => {});
  };

  try {
    const tls = loadTls(config);
    const plansSection = readSection(frequencyPlansConfig, config).frequency_plans;
    const frequencyPlans = await FrequencyPlans.load({
      directory: plansSection.directory,
      replaceBuiltin: plansSection.replace_builtin,
    });
    const database = await openAndMigrate(config, logger);
    undo.push(() => database.close());
    const keyVault = await openKeyVault({
      section: readSection(keyVaultConfig, config),
      dataDir: config.data_dir,
      logger: logger.child({ component: "key-vault" }),
      sharedDatabase: database.engine === "postgres",
    });

    const metrics = createMetricsRegistry();
    const limits = readSection(runtimeConfig, config);
    const connections = connectionPolicy({ section: limits.connections, metrics, logger });
    const http = new HttpServer(logger.child({ component: "http" }), { connections });
    const listeners = new ListenerRegistry({ logger, closeTimeoutMs: config.shutdown_timeout });
    const host = new ComponentHost(logger, listeners);
    // Every call runs in a scope of correlation ids that the events it publishes carry.
    const api = new ApiRegistry({
      aroundCall: ({ fullMethod, context }, run) =>
        withCorrelationIds(
          [rpcCorrelationId(fullMethod, context.requestHeader.get("x-request-id"))],
          run,
        ),
    });
    const clusterKeys = ClusterKeys.fromHex(clusterSettings.cluster.keys);
    const clusterLogger = logger.child({ component: "cluster" });
    // Claims name this instance's peer address, known once the gRPC port is bound.
    const { instanceId } = identity;
    let advertised = () => "";
    const coordination = config.redis.uri
      ? await redisCoordination({
          redis: config.redis.uri,
          logger: clusterLogger,
          instanceId,
          address: () => advertised(),
          database,
          tasks: { store: clusterSettings.cluster.task_store },
        })
      : inProcessCoordination({
          database,
          logger: clusterLogger,
          instanceId,
          address: () => advertised(),
        });
    // Where Redis is, without its secrets (`URL` would throw on an odd password).
    if (config.redis.uri)
      logger.info(
        { redis: redactUri(config.redis.uri).replace(/^[a-z]+:\/\//, "") },
        "redis connected",
      );
    const {
      cluster,
      advertisePort,
      dependencies: clusterDependencies,
      close: closeCluster,
    } = createCluster({
      config: { ...config, ...clusterSettings },
      api,
      components: options.components.map((definition) => definition.name),
      clusterKeys,
      coordination,
      instanceId,
      logger: clusterLogger,
      metrics,
    });
    registerInstanceInfo(metrics, {
      instance: identity.name,
      components: options.components.map((definition) => definition.name),
    });
    advertised = () => cluster.address;
    undo.push(closeCluster);
    const eventsSettings = readSection(eventsConfig, config).events;
    const eventStore = createEventStore({
      config: eventsSettings.store,
      database,
      redisUri: config.redis.uri,
      instanceId,
      metrics,
      logger: logger.child({ component: "events" }),
    });
    const events = new EventBus({
      pubsub: cluster.pubsub,
      metrics,
      onMalformed: (error) => logger.warn({ err: error }, "dropped an unreadable event"),
      ...(eventStore ? { onPublish: (event) => eventStore.add(event) } : {}),
    });
    const patterns = new NamePatternResolver();
    const streams = new OpenStreams({
      maxPerCaller: eventsSettings.stream.max_per_caller,
      recheckIntervalMs: eventsSettings.stream.rights_check_interval,
    });
    undo.push(async () => {
      events.close();
      streams.close();
      await patterns.close();
      await eventStore?.close();
    });
    const rights = new CachedRightsFetcher(
      peerRightsFetcher({ identityServer: () => cluster.peer("is") }),
    );
    // Changes of rights reach the cache as their events arrive: at once for changes made in
    // this process (delivery is synchronous), as fast as the PubSub for other instances.
    events.listen((event) => invalidateForEvent(rights, event));
    // Open streams re-check their rights after such events, through the cache just invalidated.
    watchRightsChanges(events, streams);
    const readinessLogger = logger.child({ component: "readiness" });
    const dependencies = new DependencyChecker([databaseCheck(database), ...clusterDependencies], {
      onChange: (name, outcome) => {
        if (outcome === dependencyOk) readinessLogger.info({ dependency: name }, "dependency ok");
        else
          readinessLogger.warn(
            { dependency: name, reason: outcome },
            "dependency unavailable: not ready",
          );
      },
    });
    registerHealthRoutes(http.app, {
      readiness: async () =>
        composeReadiness({
          state,
          components: host.readiness(),
          // A process that is stopping is not ready whatever its dependencies say.
          dependencies:
            state === "stopping" || state === "stopped" ? {} : await dependencies.states(),
        }),
    });

    await host.start(options.components, {
      config,
      database,
      metrics,
      http: http.app,
      api,
      events,
      tls,
      frequencyPlans,
      cluster,
      rights,
      keyVault,
      connectionLimiter: connections.limiter,
    });
    undo.push(() => host.stop());

    // Every process answers the Configuration service (frequency plans, band versions) once,
    // whatever components it runs, as every component of The Things Stack does.
    registerConfigurationService(api, frequencyPlans);

    // Every process streams events, whatever components it runs (after the components have
    // defined theirs).
    registerEventsStream(api, {
      bus: events,
      rights,
      patterns,
      streams,
      ...(eventStore ? { store: eventStore } : {}),
    });

    // The API is served once the components have registered their services: gRPC, gRPC-Web
    // and Connect on the gRPC port and, for browsers and HTTP/1.1 clients, on the HTTP port.
    const apiLogger = logger.child({ component: "api" });
    const grpc = new GrpcServer(api, { clusterKeys, logger: apiLogger, connections });
    await mountApiOnHttp(http.app, api, { logger: apiLogger, clusterKeys });
    undo.push(() => http.close(0));
    for (const bound of await http.listen(httpListeners(config, tls))) listeners.register(bound);
    const metricsAddress = parseListenAddress(limits.metrics.listen);
    let metricsListener: MetricsListener | undefined;
    if (metricsAddress) {
      metricsListener = await listenMetrics({
        address: metricsAddress,
        metrics,
        token: limits.metrics.token,
        policy: connections,
      });
      const opened = metricsListener;
      undo.push(() => opened.close(0));
      listeners.register(opened.bound);
    }
    if (api.services().length > 0) {
      undo.push(() => grpc.close(0));
      const bound = await grpc.listen(grpcListeners(config, tls));
      for (const listener of bound) listeners.register(listener);
      // Peers dial the TLS port when they dial with TLS.
      const dialled = bound.find((listener) =>
        clusterSettings.cluster.tls
          ? listener.name.endsWith("(tls)")
          : !listener.name.endsWith("(tls)"),
      );
      const port = dialled && /:(\d+)$/.exec(dialled.address)?.[1];
      if (port) advertisePort(Number(port));
    }

    state = "running";
    logger.info(
      {
        components: host.names(),
        listeners: listeners.bound.map((listener) => `${listener.name} ${listener.address}`),
      },
      "lorastack started",
    );

    return {
      get listeners() {
        return listeners.bound;
      },
      async stop() {
        if (state === "stopping" || state === "stopped") return;
        state = "stopping";
        logger.info("stopping");
        const closing = Promise.all([
          http.close(config.shutdown_timeout),
          grpc.close(config.shutdown_timeout),
          metricsListener?.close(config.shutdown_timeout),
        ]);
        // Listeners no longer accept; event streams would stay open until cut, so end them.
        events.close();
        await closing;
        await host.stop();
        streams.close();
        await patterns.close();
        // What the components published while stopping is written before the database closes.
        await eventStore?.close();
        await closeCluster();
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
  const database = await openDatabase(databaseLocation(config.database.uri, config.data_dir), {
    logger: logger.child({ component: "database" }),
    checkpointInWorker: true,
  });
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
