import type { ApiRegistry } from "../../api/registry.ts";
import type { RightsFetcher } from "../../auth/rights-fetcher.ts";
import { ApplicationPubSubRegistry } from "../../gen/ttn/lorawan/v3/applicationserver_pubsub_pb.js";
import type { Logger } from "../../log/logger.ts";
import type { Registry } from "../../metrics/registry.ts";
import type { Database } from "../../storage/index.ts";
import type { ApplicationDownlinkQueue } from "../downlink-queue.ts";
import type { ApplicationUpSink } from "../traffic.ts";
import type { ConnectionSettings, MqttConnect } from "./connection.ts";
import { type IntegrationsOptions, PubSubIntegrations } from "./integrations.ts";
import { type PubSubMetrics, pubSubMetrics } from "./metrics.ts";
import { type PubSubRegistry, SqlPubSubRegistry } from "./registry.ts";
import { pubSubRegistryService } from "./service.ts";
import { pubSubSink } from "./sink.ts";

/** The `as.pubsub.*` settings' defaults (see {@link ConnectionSettings}). */
export const defaultPubSubSettings: ConnectionSettings = {
  reconnectIntervalMs: 5_000,
  connectTimeoutMs: 10_000,
  bufferSize: 1_000,
  maxInFlight: 100,
  maxDownlinkMessageBytes: 65_536,
};

export interface PubSubsOptions {
  database: Database;
  rights: RightsFetcher;
  queue: ApplicationDownlinkQueue;
  metrics: Registry;
  logger: Logger;
  settings?: Partial<ConnectionSettings>;
  /** Replaces MQTT.js's `connect` (tests). */
  connect?: MqttConnect;
  now?: () => number;
  /** The cluster the pub/subs are shared in (see {@link IntegrationsOptions.cluster}). */
  cluster?: IntegrationsOptions["cluster"];
}

/** The pub/sub integrations as the Application Server wires them. */
export interface PubSubs {
  registry: PubSubRegistry;
  /** Give it every ApplicationUp (see `ApplicationUpSink`). */
  sink: ApplicationUpSink;
  metrics: PubSubMetrics;
  /** The running connections (status, tests). */
  integrations: PubSubIntegrations;
  /** Registers `ApplicationPubSubRegistry` on the API (before the HTTP server starts). */
  registerServices(api: ApiRegistry): void;
  /** Connects every stored pub/sub to its broker (without waiting for the brokers). */
  start(): Promise<void>;
  /** Closes every connection; messages still buffered are dropped and counted. */
  stop(): Promise<void>;
}

/**
 * Builds the pub/subs: registry (table `as_pubsubs`), service, the running connections to
 * external MQTT brokers (each held by one instance of the cluster) and the sink that feeds them. NATS pub/subs are refused
 * (`provider_disabled`): lorastack has no NATS client.
 */
export function createPubSubs(options: PubSubsOptions): PubSubs {
  const registry = new SqlPubSubRegistry(options.database.db);
  const metrics = pubSubMetrics(options.metrics);
  const integrations = new PubSubIntegrations({
    registry,
    queue: options.queue,
    logger: options.logger.child({ namespace: "applicationserver/io/pubsub" }),
    metrics,
    settings: { ...defaultPubSubSettings, ...options.settings },
    ...(options.connect ? { connect: options.connect } : {}),
    ...(options.cluster ? { cluster: options.cluster } : {}),
  });
  return {
    registry,
    metrics,
    integrations,
    sink: pubSubSink(integrations),
    registerServices(api) {
      api.register(
        ApplicationPubSubRegistry,
        pubSubRegistryService({
          registry,
          rights: options.rights,
          changed: (key) => integrations.changed(key),
          ...(options.now ? { now: options.now } : {}),
        }),
      );
    },
    start: () => integrations.start(),
    stop: () => integrations.stop(),
  };
}
