import { Counter } from "prom-client";
import type { ComponentContext } from "../components/index.ts";
import { NsAs } from "../gen/ttn/lorawan/v3/applicationserver_pb.js";
import { AppAs } from "../gen/ttn/lorawan/v3/applicationserver_traffic_pb.js";
import { AsJs } from "../gen/ttn/lorawan/v3/joinserver_pb.js";
import { AsNs } from "../gen/ttn/lorawan/v3/networkserver_pb.js";
import type { ApplicationServerConfig } from "./config.ts";
import { createDownlinkQueue } from "./downlinks/queue.ts";
import { createPayloadFormatters } from "./formatters/create-payload-formatters.ts";
import { localBrokerState, redisBrokerState } from "./mqtt/broker-state.ts";
import { createApplicationMqttServer } from "./mqtt/server.ts";
import { mqttSink } from "./mqtt/sink.ts";
import type { Packages } from "./packages/packages.ts";
import { publicAddressOf } from "./public-addresses.ts";
import { createPubSubs } from "./pubsubs/pubsubs.ts";
import type { ApplicationServerRegistries } from "./registry/index.ts";
import { appAsService } from "./services/app-as.ts";
import { createStorage } from "./storage/storage.ts";
import type { ApplicationUpSink } from "./traffic.ts";
import { createAppSKeyResolver } from "./uplinks/app-s-key.ts";
import { correlatingUplinks } from "./uplinks/correlation.ts";
import { createUplinkHandler, nsAsService } from "./uplinks/handler.ts";
import { createWebhooks } from "./webhooks/webhooks.ts";

/**
 * The Application Server's traffic path, wired: payload formatters, the downlink queue over the
 * Network Server's `AsNs`, the uplink handler behind `NsAs`, `AppAs`, and the integrations every
 * ApplicationUp goes to (MQTT through the broker, shared by the instances through Redis, webhooks through durable tasks,
 * pub/subs, and the storage integration for devices associated with it).
 */
export function createTraffic(
  context: ComponentContext<ApplicationServerConfig>,
  registries: ApplicationServerRegistries,
  packages: Packages,
): { start(): Promise<void>; stop(): Promise<void> } {
  const config = context.section.as;
  const { cluster, logger, metrics } = context;
  const formatters = createPayloadFormatters({
    memoryLimitMb: config.formatters.memory_limit_mb,
    timeoutMs: config.formatters.timeout,
    maxParameterLength: config.formatters.max_parameter_length,
  });
  // Filled below; the queue and the handler read it when a message goes out.
  const sinks: ApplicationUpSink[] = [];
  const queue = createDownlinkQueue({
    devices: registries.devices,
    links: registries.links,
    formatters,
    networkServer: () => cluster.peer("ns").client(AsNs),
    sinks,
    events: context.events,
    logger: logger.child({ namespace: "as/downlinks" }),
  });
  const dropped = new Counter({
    name: "lorastack_as_up_dropped_total",
    help: "Messages from the Network Server the Application Server dropped, by reason",
    labelNames: ["reason"],
    registers: [metrics],
  });
  // Every message gets its `as:up:` correlation ID before it is handled (events, integrations).
  const uplinks = correlatingUplinks(
    createUplinkHandler({
      devices: registries.devices,
      links: registries.links,
      formatters,
      keys: createAppSKeyResolver({
        keyVault: context.keyVault,
        joinServer: () => cluster.peer("js").client(AsJs),
      }),
      queue,
      sinks,
      events: context.events,
      dropped,
      logger: logger.child({ namespace: "as/uplinks" }),
    }),
  );
  context.api.register(NsAs, nsAsService(uplinks), { internal: true });

  const mqttAddress = context.config.mqtt.listen;
  const mqttTlsAddress = context.tls ? context.config.mqtt.listen_tls : "";
  context.api.register(
    AppAs,
    appAsService({
      queue,
      uplinks,
      formatters,
      rights: context.rights,
      mqttPublicAddress: config.mqtt.public_address || publicAddressOf(mqttAddress),
      mqttPublicTlsAddress: config.mqtt.public_tls_address || publicAddressOf(mqttTlsAddress),
    }),
  );

  const apiAddress =
    config.webhooks.downlinks.public_address ||
    `http://${publicAddressOf(context.config.http.listen) || "localhost:1885"}/api/v3`;
  const webhooks = createWebhooks({
    database: context.database,
    tasks: cluster.tasks,
    rights: context.rights,
    queue,
    metrics,
    logger: logger.child({ namespace: "as/webhooks" }),
    settings: {
      timeoutMs: config.webhooks.timeout,
      unhealthyAttemptsThreshold: config.webhooks.unhealthy_attempts_threshold,
      unhealthyRetryIntervalMs: config.webhooks.unhealthy_retry_interval,
      callbacks: { publicAddress: apiAddress.replace(/\/+$/, ""), domain: hostOf(apiAddress) },
    },
  });
  webhooks.registerServices(context.api);

  const redisUri = context.config.redis.uri;
  const mqtt = createApplicationMqttServer({
    rights: context.rights,
    // With Redis the brokers of all instances share their emitter and sessions there.
    state: redisUri
      ? redisBrokerState({
          uri: redisUri,
          instanceId: cluster.instanceId,
          sessionMessageTtlMs: config.mqtt.session_message_ttl,
          maxSessionMessages: config.mqtt.max_session_messages,
          logger: logger.child({ namespace: "as/mqtt" }),
        })
      : localBrokerState(),
    downlinks: queue,
    listen: context.listen,
    address: mqttAddress,
    ...(mqttTlsAddress ? { tlsAddress: mqttTlsAddress, tls: context.tls } : {}),
    logger: logger.child({ namespace: "as/mqtt" }),
    metrics,
    ...(context.connectionLimiter ? { limiter: context.connectionLimiter } : {}),
  });
  const storage = config.storage.enabled
    ? createStorage({
        database: context.database,
        rights: context.rights,
        metrics,
        logger: logger.child({ namespace: "as/storage" }),
        settings: {
          retentionMs: config.storage.retention,
          sweepIntervalMs: config.storage.sweep_interval,
          commitIntervalMs: config.storage.commit_interval,
          maxBatch: config.storage.max_batch,
        },
        // As The Things Stack: only devices with the storage-integration package are stored.
        stores: (applicationId, deviceId) => packages.storage.isActive(applicationId, deviceId),
      })
    : undefined;
  storage?.registerServices(context.api);
  const pubsubs = createPubSubs({
    database: context.database,
    // Each pub/sub's connection runs on one instance; the others forward to it.
    cluster: { claims: cluster.claims, pubsub: cluster.pubsub, instanceId: cluster.instanceId },
    rights: context.rights,
    queue,
    metrics,
    logger: logger.child({ namespace: "as/pubsubs" }),
    settings: {
      reconnectIntervalMs: config.pubsub.reconnect_interval,
      connectTimeoutMs: config.pubsub.connect_timeout,
      bufferSize: config.pubsub.buffer_size,
      maxInFlight: config.pubsub.max_in_flight,
      maxDownlinkMessageBytes: config.pubsub.max_downlink_message_size,
    },
  });
  pubsubs.registerServices(context.api);
  sinks.push(mqttSink(mqtt), webhooks.sink, pubsubs.sink);
  if (storage) sinks.push(storage.sink);

  return {
    async start() {
      await webhooks.registerRoutes(context.http);
      await mqtt.start();
      webhooks.start();
      await pubsubs.start();
      storage?.start();
    },
    async stop() {
      await pubsubs.stop();
      await webhooks.stop();
      await mqtt.stop();
      await storage?.stop();
      await formatters.close();
    },
  };
}

/** The host name of a URL, for `X-Tts-Domain`; empty when it has none. */
function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return "";
  }
}
