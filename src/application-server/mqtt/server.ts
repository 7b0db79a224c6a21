/**
 * The Application Server's MQTT server: an embedded aedes broker on `mqtt.listen` (and
 * `mqtt.listen_tls`), where integrations log in with an application and an API key, receive
 * that application's traffic as The Things Stack's JSON on its topics, and push downlinks.
 *
 * The broker routes nothing between clients: every message a client gets is an
 * `ApplicationUp` this Application Server published with {@link ApplicationMqttServer.publish},
 * and every message a client publishes is either a downlink operation on its own
 * application's queue (handled here, by the instance the client is connected to) or dropped.
 *
 * Across instances the broker's emitter and sessions live in Redis ({@link BrokerState}): the
 * instance that handles an uplink publishes it once, and the clients of every instance get it
 * once. Messages are then published with QoS 1, so that a client subscribed with QoS 1 and a
 * persistent session (clean session off) finds what came while it was away, on whichever
 * instance it connects to next. Without Redis, messages are published with QoS 0 (as The
 * Things Stack does) and nothing is queued for absent clients.
 */
import type { Socket } from "node:net";
import { createServer as createTlsServer, type SecureContextOptions } from "node:tls";
import { Aedes, type AedesPublishPacket, type AuthenticateError, type Client } from "aedes";
import { messageToJson } from "../../api/rest/json.ts";
import type { RightsFetcher } from "../../auth/rights-fetcher.ts";
import { type ApplicationUp, ApplicationUpSchema } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import { admittingServer, type ConnectionLimiter } from "../../listeners/connection-limiter.ts";
import type { BoundListener, Listen, ListenAddressInput } from "../../listeners/index.ts";
import type { Logger } from "../../log/logger.ts";
import type { Registry } from "../../metrics/registry.ts";
import type { ApplicationDownlinkQueue } from "../downlink-queue.ts";
import { type BrokerState, droppingEmitter, localBrokerState } from "./broker-state.ts";
import {
  authenticateConnection,
  connackCodeOf,
  connackCodes,
  defaultTenantId,
  isId,
  type MqttAccess,
} from "./credentials.ts";
import { applyDownlinks } from "./downlinks.ts";
import { type MqttMetrics, mqttMetrics } from "./metrics.ts";
import { acceptedSubscription, downlinkTopic, isReadTopic, upTopic } from "./topics.ts";

export interface ApplicationMqttServerOptions {
  /** Who a password (API key) belongs to and its rights (the component context's `rights`). */
  rights: RightsFetcher;
  /** Where the broker's emitter and sessions live; default this process ({@link localBrokerState}). */
  state?: BrokerState;
  /** Where `down/push` and `down/replace` go. */
  downlinks: ApplicationDownlinkQueue;
  /** The component's listeners (`context.listen`). */
  listen: Listen;
  /** `mqtt.listen`; empty: no plain listener. */
  address: ListenAddressInput;
  /** `mqtt.listen_tls`, used when `tls` is given; empty: no TLS listener. */
  tlsAddress?: ListenAddressInput;
  /** The certificate and key of the TLS listener (`context.tls`). */
  tls?: SecureContextOptions | undefined;
  logger: Logger;
  metrics?: Registry;
  /** Caps on open connections, shared with other listeners; none by default. */
  limiter?: ConnectionLimiter;
  /** The tenant served; `app1@{tenant}` names the application `app1`. Default `ttn`. */
  tenantId?: string;
  /** How long a connection may take to send its CONNECT. Default 10 s. */
  connectTimeoutMs?: number;
  /**
   * How often the rights of connected clients are checked again (through the rights cache, so
   * a deleted key or a removed right disconnects its clients). Default 60 s; 0 never.
   */
  rightsCheckIntervalMs?: number;
}

/** The running MQTT server. */
export interface ApplicationMqttServer {
  /** Opens the listeners and starts delivering; returns the bound addresses. */
  start(): Promise<BoundListener[]>;
  /** Closes the listeners and every client connection. */
  stop(): Promise<void>;
  /**
   * Publishes an `ApplicationUp` to the clients of its application (on every instance when the
   * state is shared), on the topics of both forms of the application's name (`app1`,
   * `app1@tenant`). Resolves once the broker took it: handed to Redis and queued for absent
   * persistent sessions, or delivered locally.
   */
  publish(up: ApplicationUp): Promise<void>;
  /** Clients connected now (to this instance). */
  readonly connectedClients: number;
}

/** Topic that client publications are moved to: no subscription can match it. */
const droppedTopic = "$lorastack/dropped";

/** Creates the Application Server's MQTT server (not listening until `start`). */
export function createApplicationMqttServer(
  options: ApplicationMqttServerOptions,
): ApplicationMqttServer {
  const logger = options.logger;
  const tenantId = options.tenantId ?? defaultTenantId;
  const metrics: MqttMetrics | undefined = options.metrics && mqttMetrics(options.metrics);
  const accessOf = new WeakMap<Client, MqttAccess>();
  const clients = new ClientTable();
  const listeners: BoundListener[] = [];
  const servers: { close(callback: () => void): unknown }[] = [];
  let recheck: NodeJS.Timeout | undefined;
  const state = options.state ?? localBrokerState();
  const qos = state.kind === "redis" ? 1 : 0;

  const broker = new Aedes({
    // Publications of clients are moved to a topic nobody reads: with a shared emitter they
    // are dropped here instead of travelling to every instance.
    ...(state.emitter ? { mq: droppingEmitter(state.emitter, droppedTopic) } : {}),
    ...(state.persistence ? { persistence: state.persistence } : {}),
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    heartbeatInterval: 3_600_000,
    drainTimeout: 10_000,
    authenticate(client, username, password, done) {
      authenticateConnection(options.rights, username, password, tenantId).then(
        (access) => {
          accessOf.set(client, access);
          // Client IDs are per application, so that no client can take over (disconnect) the
          // session of another application's client by reusing its ID.
          client.id = `${access.applicationId}/${client.id}`;
          done(null, true);
        },
        (error: unknown) => {
          const returnCode = connackCodeOf(error);
          metrics?.refused.inc({ reason: String(returnCode) });
          logger.info(
            { err: error, username, remote_address: remoteAddress(client) },
            "refused an MQTT connection",
          );
          const refusal = new Error(error instanceof Error ? error.message : String(error));
          done(Object.assign(refusal, { returnCode }) as AuthenticateError, null);
        },
      );
    },
    authorizeSubscribe(client, subscription, done) {
      const access = accessOf.get(client);
      const topic = access?.read ? acceptedSubscription(access.uid, subscription.topic) : undefined;
      if (topic === undefined) {
        logger.debug({ topic: subscription.topic }, "refused an MQTT subscription");
        done(null, null);
        return;
      }
      // Changed in place: aedes stores the SUBSCRIBE packet's own objects for persistent sessions.
      subscription.topic = topic;
      subscription.qos = Math.min(subscription.qos, 1) as 0 | 1;
      done(null, subscription);
    },
    authorizePublish(client, packet, done) {
      const topic = packet.topic;
      // Clients never publish to each other: what a client sends is handled here, then routed
      // nowhere (a retained message is not kept either).
      packet.topic = droppedTopic;
      packet.retain = false;
      const access = client ? accessOf.get(client) : undefined;
      const target = access?.write ? downlinkTopic([access.uid], topic) : undefined;
      if (!access || !target || !isId(target.deviceId)) {
        metrics?.dropped.inc({ reason: "not_allowed" });
        logger.debug({ topic }, "dropped an MQTT publication that is not allowed");
        done(null);
        return;
      }
      applyDownlinks(options.downlinks, {
        applicationId: access.applicationId,
        deviceId: target.deviceId,
        operation: target.operation,
        topic,
        payload: packet.payload as Buffer,
      }).then(
        (count) => {
          metrics?.downlinks.inc({ operation: target.operation, result: "ok" }, count);
          done(null);
        },
        (error: unknown) => {
          // As The Things Stack: logged, not answered (MQTT 3.1.1 has no way to).
          metrics?.downlinks.inc({ operation: target.operation, result: "failed" });
          logger.warn({ err: error, topic }, "failed to handle MQTT downlinks");
          done(null);
        },
      );
    },
    authorizeForward(client, packet) {
      const access = accessOf.get(client);
      return access?.read && isReadTopic(access.uid, packet.topic) ? packet : null;
    },
  });
  const sessions = state.sessions(() =>
    clients
      .entries()
      .filter(([client]) => !client.clean)
      .map(([client]) => client.id),
  );
  broker.on("client", (client) => {
    const access = accessOf.get(client);
    if (access) clients.add(client, access);
    // Any connection with the ID ends its absence (a clean one ends the session itself).
    sessions?.connected(client.id);
  });
  broker.on("clientDisconnect", (client) => {
    clients.remove(client);
    if (!client.clean) sessions?.disconnected(client.id);
  });
  // The broker's own failures (its persistence in Redis unreachable while it sweeps wills or
  // queues a message): logged, never an uncaught 'error'.
  (broker as NodeJS.EventEmitter).on("error", (error: unknown) =>
    logger.warn({ err: error }, "MQTT broker error"),
  );
  broker.on("clientError", (client, error) =>
    logger.debug({ err: error, client_id: client.id }, "MQTT client error"),
  );
  broker.on("connectionError", (client, error) => {
    metrics?.dropped.inc({ reason: "connection_error" });
    logger.debug(
      { err: error, remote_address: remoteAddress(client) },
      "MQTT connection closed on an error",
    );
  });

  /** Publishes an `ApplicationUp` on the topics of both forms of its application's name. */
  async function publish(up: ApplicationUp): Promise<void> {
    const applicationId = up.endDeviceIds?.applicationIds?.applicationId;
    if (!applicationId) return;
    const topics = [applicationId, `${applicationId}@${tenantId}`]
      .map((uid) => upTopic(uid, up))
      .filter((topic) => topic !== undefined);
    if (topics.length === 0) return;
    let payload: Buffer;
    try {
      payload = Buffer.from(JSON.stringify(messageToJson(ApplicationUpSchema, up)));
    } catch (error) {
      metrics?.dropped.inc({ reason: "unwritable" });
      logger.warn(
        { err: error, application_id: applicationId },
        "dropped an unwritable ApplicationUp",
      );
      return;
    }
    await Promise.all(
      topics.map(
        (topic) =>
          new Promise<void>((resolve, reject) => {
            const packet = { cmd: "publish", topic, payload, qos, retain: false, dup: false };
            broker.publish(packet as AedesPublishPacket, (error) => {
              if (error) reject(error);
              else resolve();
            });
          }),
      ),
    );
    metrics?.published.inc(topics.length);
  }

  /** Disconnects the clients whose keys lost the rights they connected with. */
  async function checkRights(): Promise<void> {
    for (const [client, access] of clients.entries()) {
      try {
        const again = await authenticateConnection(
          options.rights,
          access.uid,
          Buffer.from(access.authorization.slice("Bearer ".length)),
          tenantId,
        );
        if ((access.read && !again.read) || (access.write && !again.write))
          throw new Error("rights were removed");
      } catch (error) {
        if (connackCodeOf(error) === connackCodes.serverUnavailable) continue; // the Identity Server did not answer: keep it
        logger.info(
          { client_id: client.id, err: error },
          "disconnected an MQTT client: rights lost",
        );
        client.close();
      }
    }
  }

  function serve(socket: Socket): void {
    broker.handle(socket);
  }

  return {
    get connectedClients() {
      return clients.size;
    },
    publish,
    async start() {
      await broker.listen();
      // A refused connection gets no answer: it has not said what protocol it speaks.
      const refuse = (socket: Socket) => socket.destroy();
      if (options.address !== "") {
        const server = admittingServer(options.limiter, serve, refuse);
        servers.push(server);
        listeners.push(await options.listen.tcp("mqtt", options.address, server));
      }
      if (options.tls && options.tlsAddress && options.tlsAddress !== "") {
        const tlsServer = createTlsServer({ ...options.tls }, serve);
        tlsServer.on("tlsClientError", (_error, socket) => socket.destroy());
        const gate = admittingServer(
          options.limiter,
          (socket) => tlsServer.emit("connection", socket),
          refuse,
        );
        servers.push(gate);
        listeners.push(await options.listen.tcp("mqtt (tls)", options.tlsAddress, gate));
      }
      sessions?.start();
      const interval = options.rightsCheckIntervalMs ?? 60_000;
      if (interval > 0) {
        recheck = setInterval(() => void checkRights(), interval);
        recheck.unref();
      }
      return [...listeners];
    },
    async stop() {
      if (recheck) clearInterval(recheck);
      await sessions?.stop();
      const closing = servers
        .splice(0)
        .map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
      const closed = new Promise<void>((resolve) => broker.close(() => resolve()));
      // The broker's close waits for its emitter's connections to quit, which waits for Redis.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([closed, new Promise((resolve) => (timer = setTimeout(resolve, 3000)))]);
      clearTimeout(timer);
      await state.release();
      await Promise.race([closed, new Promise((resolve) => (timer = setTimeout(resolve, 1000)))]);
      clearTimeout(timer);
      await Promise.all(closing);
    },
  };
}

function remoteAddress(client: Client): string | undefined {
  const conn = client.conn as Partial<Socket> | undefined;
  return conn?.remoteAddress;
}

/** The clients connected to this instance, with what they connected with. */
class ClientTable {
  readonly #access = new Map<Client, MqttAccess>();

  get size(): number {
    return this.#access.size;
  }

  add(client: Client, access: MqttAccess): void {
    this.#access.set(client, access);
  }

  remove(client: Client): void {
    this.#access.delete(client);
  }

  entries(): [Client, MqttAccess][] {
    return [...this.#access];
  }
}
