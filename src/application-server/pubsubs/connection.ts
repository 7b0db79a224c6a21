import { create } from "@bufbuild/protobuf";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import type {
  ApplicationPubSub,
  ApplicationPubSub_MQTTProvider,
} from "../../gen/ttn/lorawan/v3/applicationserver_pubsub_pb.js";
import {
  ApplicationIdentifiersSchema,
  EndDeviceIdentifiersSchema,
} from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import type { Logger } from "../../log/logger.ts";
import type { ApplicationDownlinkQueue } from "../downlink-queue.ts";
import type { PubSubFormat } from "./formats.ts";
import { type DownlinkOperation, downlinkFilters, topicMatches } from "./messages.ts";
import type { PubSubMetrics } from "./metrics.ts";

/** How pub/sub connections behave (`as.pubsub.*`). */
export interface ConnectionSettings {
  /** Time between attempts to reach a broker (`as.pubsub.reconnect_interval`, default 5 s). */
  reconnectIntervalMs: number;
  /** Time to wait for a broker's CONNACK (`as.pubsub.connect_timeout`, default 10 s). */
  connectTimeoutMs: number;
  /** Messages kept per pub/sub while its broker is unreachable (`as.pubsub.buffer_size`, default 1000). */
  bufferSize: number;
  /** Messages handed to the client at once, not yet acknowledged (`as.pubsub.max_in_flight`, default 100). */
  maxInFlight: number;
  /** Longest inbound downlink message, in bytes (`as.pubsub.max_downlink_message_size`, default 64 KiB). */
  maxDownlinkMessageBytes: number;
}

/** Opens an MQTT client; MQTT.js's `connect` unless a test replaces it. */
export type MqttConnect = (url: string, options: IClientOptions) => MqttClient;

interface Pending {
  topic: string;
  payload: Uint8Array;
}

/** What a connection is doing: reaching its broker, connected, or ended. */
export type ConnectionState = "connecting" | "connected" | "disconnected" | "stopped";

/**
 * One pub/sub's connection to its external MQTT broker, kept open (MQTT.js reconnects every
 * `reconnectIntervalMs`). Messages go out in order; while the broker is unreachable, or has
 * `maxInFlight` messages unacknowledged, they wait in a bounded buffer whose oldest message is
 * dropped (and counted) when it is full, so an unreachable broker never holds up an uplink.
 * On every (re)connection it subscribes to the pub/sub's downlink topics and hands what
 * arrives there to the downlink queue.
 */
export class PubSubConnection {
  readonly pubsub: ApplicationPubSub;
  readonly format: PubSubFormat;
  readonly #options: {
    queue: ApplicationDownlinkQueue;
    logger: Logger;
    metrics: PubSubMetrics;
    settings: ConnectionSettings;
    connect: MqttConnect;
  };
  readonly #provider: ApplicationPubSub_MQTTProvider;
  readonly #buffer: Pending[] = [];
  #client: MqttClient | undefined;
  #inFlight = 0;
  #state: ConnectionState = "connecting";
  #wasConnected = false;

  constructor(
    pubsub: ApplicationPubSub,
    format: PubSubFormat,
    options: {
      queue: ApplicationDownlinkQueue;
      logger: Logger;
      metrics: PubSubMetrics;
      settings: ConnectionSettings;
      connect?: MqttConnect;
    },
  ) {
    if (pubsub.provider.case !== "mqtt") throw new Error("a pub/sub connection needs MQTT");
    this.pubsub = pubsub;
    this.format = format;
    this.#provider = pubsub.provider.value;
    this.#options = { ...options, connect: options.connect ?? mqtt.connect };
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** Messages waiting for the broker. */
  get buffered(): number {
    return this.#buffer.length;
  }

  /** Starts connecting; never throws for an unreachable broker (it keeps trying). */
  start(): void {
    const { url, options } = clientOptions(this.#provider, this.#options.settings);
    const client = this.#options.connect(url, options);
    this.#client = client;
    client.on("connect", () => this.#connected());
    client.on("close", () => this.#disconnected());
    client.on("error", (error) => {
      // MQTT.js reports each failed attempt; once per outage is enough for the log.
      if (this.#state !== "disconnected" || this.#wasConnected)
        this.#options.logger.warn({ err: error }, "pub/sub broker error");
      this.#wasConnected = false;
    });
    client.on("message", (topic, payload, packet) => {
      void this.#inbound(topic, payload, packet.retain);
    });
  }

  /** Publishes (or buffers) one message; never waits for the broker. */
  publish(topic: string, payload: Uint8Array): void {
    if (this.#state === "stopped") {
      this.#options.metrics.drops.inc({ reason: "stopped" });
      return;
    }
    this.#buffer.push({ topic, payload });
    if (this.#buffer.length > this.#options.settings.bufferSize) {
      this.#buffer.shift();
      this.#options.metrics.drops.inc({ reason: "buffer_full" });
    }
    this.#drain();
  }

  /** Ends the connection; what is still buffered is dropped (and counted). */
  async stop(): Promise<void> {
    if (this.#state === "stopped") return;
    if (this.#state === "connected") this.#options.metrics.connected.dec();
    this.#state = "stopped";
    if (this.#buffer.length > 0) {
      this.#options.metrics.drops.inc({ reason: "stopped" }, this.#buffer.length);
      this.#buffer.length = 0;
    }
    const client = this.#client;
    this.#client = undefined;
    // A broker that is not there gets no goodbye: forcing ends the reconnect loop at once.
    if (client) await client.endAsync(!client.connected);
  }

  #connected(): void {
    if (this.#state === "stopped") return;
    const client = this.#client;
    if (!client) return;
    if (this.#state !== "connected") this.#options.metrics.connected.inc();
    this.#state = "connected";
    this.#wasConnected = true;
    this.#options.logger.info("pub/sub connected");
    const qos = this.#provider.subscribeQos as 0 | 1 | 2;
    for (const [, filter] of downlinkFilters(this.pubsub))
      client.subscribe(filter, { qos }, (error) => {
        if (error) this.#options.logger.warn({ err: error, filter }, "pub/sub subscribe failed");
      });
    this.#drain();
  }

  #disconnected(): void {
    if (this.#state === "stopped") return;
    if (this.#state === "connected") {
      this.#options.metrics.connected.dec();
      this.#options.logger.warn("pub/sub disconnected; reconnecting");
    }
    this.#state = "disconnected";
  }

  /** Hands buffered messages to the client while it is connected and has room in flight. */
  #drain(): void {
    const client = this.#client;
    const { settings, metrics, logger } = this.#options;
    const qos = this.#provider.publishQos as 0 | 1 | 2;
    while (
      client &&
      this.#state === "connected" &&
      client.connected &&
      this.#inFlight < settings.maxInFlight &&
      this.#buffer.length > 0
    ) {
      const message = this.#buffer.shift() as Pending;
      this.#inFlight++;
      client.publish(message.topic, Buffer.from(message.payload), { qos }, (error) => {
        this.#inFlight--;
        if (error) {
          metrics.drops.inc({ reason: "publish_failed" });
          logger.debug({ err: error, topic: message.topic }, "pub/sub publish failed");
        } else metrics.published.inc();
        this.#drain();
      });
    }
  }

  async #inbound(topic: string, payload: Buffer, retained: boolean): Promise<void> {
    const { metrics, logger, settings, queue } = this.#options;
    const count = (result: string) => metrics.downlinks.inc({ result });
    // A retained message comes back on every subscription: applying it again would repeat it.
    if (retained) return count("retained");
    if (payload.length > settings.maxDownlinkMessageBytes) return count("too_large");
    const operations = downlinkFilters(this.pubsub)
      .filter(([, filter]) => topicMatches(filter, topic))
      .map(([operation]) => operation);
    for (const operation of new Set<DownlinkOperation>(operations)) {
      let request: ReturnType<PubSubFormat["decodeDownlinks"]>;
      try {
        request = this.format.decodeDownlinks(payload);
      } catch (error) {
        logger.debug({ err: error, topic }, "pub/sub downlink message is not a queue operation");
        count("invalid");
        continue;
      }
      const applicationId = this.pubsub.ids?.applicationIds?.applicationId ?? "";
      const given = request.endDeviceIds;
      const givenApplication = given?.applicationIds?.applicationId || applicationId;
      if (!given?.deviceId) {
        count("invalid");
        continue;
      }
      // The broker is the application's: it never reaches another application's devices.
      if (givenApplication !== applicationId) {
        count("other_application");
        continue;
      }
      const ids = create(EndDeviceIdentifiersSchema, given);
      ids.applicationIds = create(ApplicationIdentifiersSchema, { applicationId });
      try {
        await queue[operation](ids, request.downlinks);
        count("ok");
      } catch (error) {
        count("failed");
        logger.warn(
          { err: error, device_id: ids.deviceId, operation },
          "pub/sub downlink queue operation failed",
        );
      }
    }
  }
}

const secureSchemes: Readonly<Record<string, string>> = {
  "mqtt:": "mqtts:",
  "tcp:": "mqtts:",
  "ws:": "wss:",
};
const tlsSchemes = new Set(["mqtts:", "tls:", "ssl:", "wss:"]);

/** MQTT.js's URL and options for a provider: TLS when `use_tls` or the scheme says so. */
export function clientOptions(
  provider: ApplicationPubSub_MQTTProvider,
  settings: ConnectionSettings,
): { url: string; options: IClientOptions } {
  let url = provider.serverUrl;
  const scheme = url.slice(0, url.indexOf(":") + 1).toLowerCase();
  const secure = secureSchemes[scheme];
  if (provider.useTls && secure) url = `${secure}${url.slice(scheme.length)}`;
  const options: IClientOptions = {
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: settings.reconnectIntervalMs,
    connectTimeout: settings.connectTimeoutMs,
    // The connection subscribes on every CONNACK itself, and buffers while offline itself.
    resubscribe: false,
    queueQoSZero: false,
    ...(provider.clientId ? { clientId: provider.clientId } : {}),
    ...(provider.username ? { username: provider.username } : {}),
    ...(provider.password ? { password: provider.password } : {}),
  };
  if (tlsSchemes.has(new URL(url).protocol)) {
    options.rejectUnauthorized = true;
    if (provider.tlsCa.length > 0) options.ca = Buffer.from(provider.tlsCa);
    if (provider.tlsClientCert.length > 0) options.cert = Buffer.from(provider.tlsClientCert);
    if (provider.tlsClientKey.length > 0) options.key = Buffer.from(provider.tlsClientKey);
  }
  if (Object.keys(provider.headers).length > 0) options.wsOptions = { headers: provider.headers };
  return { url, options };
}
