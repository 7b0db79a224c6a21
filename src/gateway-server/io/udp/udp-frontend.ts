/**
 * The Semtech UDP packet forwarder frontend (`gs.udp.*`): one UDP socket, every gateway's
 * datagrams decoded by src/gateway-protocols/semtech-udp.
 *
 * As The Things Stack does: a gateway is connected by its first PUSH_DATA or PULL_DATA (looked
 * up by EUI through `Connections`; an unknown or refused EUI is not looked up again for
 * `connection_error_expires`); PUSH_DATA is acknowledged at once and its `rxpk`/`stat` become
 * uplinks and a status; PULL_DATA is acknowledged and its address becomes the downlink path,
 * which expires after `downlink_path_expires` without PULL_DATA; the token of each PULL_RESP
 * maps its TX_ACK back to the downlink (and measures the round trip); a packet from another IP
 * than the gateway's is refused until the gateway has been quiet for `addr_change_block`, so a
 * spoofed PULL_DATA cannot take the downlink path; a gateway that sends nothing for
 * `connection_expires` is disconnected.
 *
 * Garbage costs little: the header is checked before any JSON, every drop is counted in
 * `lorastack_gs_drops_total` by reason (`udp_<reason>`), no error object is made per datagram,
 * and logs are limited per reason.
 */
import type { RemoteInfo, Socket } from "node:dgram";
import { create } from "@bufbuild/protobuf";
import {
  decodeGatewayDatagram,
  encodePullAck,
  encodePullResp,
  encodePushAck,
  type PushData,
  readHeader,
  type TxAckPacket,
} from "../../../gateway-protocols/semtech-udp/index.ts";
import {
  type DownlinkMessage,
  TxAcknowledgmentSchema,
} from "../../../gen/ttn/lorawan/v3/messages_pb.js";
import type { Connection } from "../../connections/connection.ts";
import type { FrontendConnection } from "../../connections/frontend.ts";
import type { Frontend, FrontendFactory, GatewayServerCore } from "../../gateway-server.ts";
import { LogLimiter } from "../../log-limiter.ts";
import { gatewayProtocolLeadsUs } from "../../scheduling/index.ts";
import { errConnectionExpired, errNoDownlinkPath } from "./errors.ts";
import { statusFromStat, txAckResults, txpkFromSettings, uplinkFromRxpk } from "./translate.ts";

/** TTS's protocol name for Semtech UDP connections. */
export const udpProtocol = "udp";

/** Downlinks awaiting their TX_ACK, per gateway; older ones are forgotten first. */
const maxPendingDownlinks = 256;
/** A TX_ACK later than this is not matched to its downlink any more. */
const pendingDownlinkTtlUs = 30_000_000;
/** Gateways looked up at once; more first packets of unknown EUIs are dropped (`udp_busy`). */
const maxConcurrentLookups = 64;
/** Refused EUIs remembered, at most (a flood of random EUIs must not grow memory). */
const maxRefused = 100_000;

interface Pending {
  readonly downlink: DownlinkMessage;
  readonly sentAtUs: number;
}

/** One gateway as this frontend knows it, by EUI. */
interface GatewayState {
  readonly eui: string;
  /** The IP the gateway sends from; another one is refused while the gateway is active. */
  ip: string;
  /** Monotonic ms of the last packet accepted from the gateway. */
  lastSeenMs: number;
  connection: Connection | undefined;
  /** The first packets while the gateway is looked up. */
  queue: { datagram: Uint8Array; remote: RemoteInfo; atMs: number; atUs: number }[] | undefined;
  /** Where PULL_RESP goes: the last PULL_DATA's address. */
  downlinkPath: { address: string; port: number; atUs: number } | undefined;
  pending: Map<number, Pending>;
  nextToken: number;
}

/** The Semtech UDP frontend for `createGatewayServer`. */
export const udpFrontend: FrontendFactory = (core) => new UdpFrontend(core);

class UdpFrontend implements Frontend {
  readonly #core: GatewayServerCore;
  readonly #settings: GatewayServerCore["settings"]["udp"];
  readonly #gateways = new Map<string, GatewayState>();
  /** EUIs whose connection was refused, until when (ms). */
  readonly #refused = new Map<string, number>();
  readonly #logs = new LogLimiter(60_000, 1000);
  #lookups = 0;
  #socket: Socket | undefined;
  #sweep: NodeJS.Timeout | undefined;

  constructor(core: GatewayServerCore) {
    this.#core = core;
    this.#settings = core.settings.udp;
  }

  async start(): Promise<void> {
    const socket = await this.#core.context.listen.udp("udp", this.#settings.listen, {
      receiveBufferSize: 4 * 1024 * 1024,
    });
    socket.on("message", (datagram, remote) => this.#receive(datagram, remote));
    this.#socket = socket;
    const every = Math.max(
      50,
      Math.min(1000, this.#settings.connection_expires / 4, this.#settings.addr_change_block / 4),
    );
    this.#sweep = setInterval(() => this.#expire(), every);
    this.#sweep.unref();
  }

  async stop(): Promise<void> {
    if (this.#sweep) clearInterval(this.#sweep);
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket)
      await new Promise<void>((resolve) => {
        try {
          socket.close(() => resolve());
        } catch {
          resolve();
        }
      });
  }

  #drop(reason: string): void {
    this.#core.metrics.drops.inc({ reason: `udp_${reason}` });
    if (this.#logs.allow(reason, Date.now()))
      this.#core.context.logger.debug(
        { reason },
        "Semtech UDP datagram dropped (logged once a minute per reason)",
      );
  }

  #receive(datagram: Uint8Array, remote: RemoteInfo): void {
    const header = readHeader(datagram);
    if (header.type === "drop") {
      this.#drop(header.reason);
      return;
    }
    // Expiries run on the monotonic clock (a wall-clock step must not expire every gateway);
    // the wall clock is only for received_at.
    const atUs = this.#core.monotonicUs();
    const nowMs = atUs / 1000;
    const eui = header.gatewayEui;
    let state = this.#gateways.get(eui);
    if (state === undefined) {
      const refusedUntil = this.#refused.get(eui);
      if (refusedUntil !== undefined) {
        if (refusedUntil > nowMs) {
          this.#drop("refused_gateway");
          return;
        }
        this.#refused.delete(eui);
      }
      if (this.#lookups >= maxConcurrentLookups) {
        this.#drop("busy");
        return;
      }
      state = {
        eui,
        ip: remote.address,
        lastSeenMs: nowMs,
        connection: undefined,
        queue: [],
        downlinkPath: undefined,
        pending: new Map(),
        nextToken: Math.floor(Math.random() * 0x10000),
      };
      this.#gateways.set(eui, state);
      void this.#connect(state);
    } else if (state.ip !== remote.address) {
      if (nowMs - state.lastSeenMs < this.#settings.addr_change_block) {
        this.#drop("address_changed");
        return;
      }
      state.ip = remote.address;
    }
    state.lastSeenMs = nowMs;
    if (state.queue) {
      if (state.queue.length < 16) state.queue.push({ datagram, remote, atMs: Date.now(), atUs });
      else this.#drop("busy");
      return;
    }
    if (state.connection) this.#handle(state, state.connection, datagram, remote, Date.now(), atUs);
  }

  async #connect(state: GatewayState): Promise<void> {
    this.#lookups++;
    let connection: Connection | undefined;
    try {
      const frontend: FrontendConnection = {
        protocol: udpProtocol,
        remoteAddress: state.ip,
        authenticated: false,
        protocolLeadUs: gatewayProtocolLeadsUs["semtech-udp"],
        scheduleLateMs: this.#settings.schedule_late_time,
        sink: {
          send: (downlink) => this.#send(state, downlink),
          close: () => this.#forget(state, connection),
        },
      };
      const result = await this.#core.connections.connect(
        { eui: Uint8Array.from(Buffer.from(state.eui, "hex")) },
        frontend,
      );
      if (!result.ok) {
        // Counted and logged (once per EUI per interval) by Connections.
        this.#gateways.delete(state.eui);
        this.#refused.set(
          state.eui,
          this.#core.monotonicUs() / 1000 + this.#settings.connection_error_expires,
        );
        if (this.#refused.size > maxRefused) {
          const oldest = this.#refused.keys().next().value;
          if (oldest !== undefined) this.#refused.delete(oldest);
        }
        return;
      }
      connection = result.connection;
      const established = connection;
      state.connection = established;
      void established.closed.then(() => this.#forget(state, established));
    } finally {
      this.#lookups--;
    }
    const queue = state.queue ?? [];
    state.queue = undefined;
    for (const item of queue)
      this.#handle(state, connection, item.datagram, item.remote, item.atMs, item.atUs);
  }

  #forget(state: GatewayState, connection: Connection | undefined): void {
    if (connection === undefined || state.connection !== connection) return;
    if (this.#gateways.get(state.eui) === state) this.#gateways.delete(state.eui);
    state.pending.clear();
  }

  #handle(
    state: GatewayState,
    connection: Connection,
    datagram: Uint8Array,
    remote: RemoteInfo,
    atMs: number,
    atUs: number,
  ): void {
    const packet = decodeGatewayDatagram(datagram);
    switch (packet.type) {
      case "drop": {
        this.#drop(packet.reason);
        return;
      }
      case "pull_data":
        state.downlinkPath = { address: remote.address, port: remote.port, atUs };
        this.#reply(encodePullAck(packet.token, packet.version), remote);
        return;
      case "push_data":
        this.#reply(encodePushAck(packet.token, packet.version), remote);
        this.#pushData(connection, packet, remote, atMs, atUs);
        return;
      case "tx_ack":
        this.#txAck(state, connection, packet, atMs, atUs);
        return;
    }
  }

  #pushData(
    connection: Connection,
    packet: PushData,
    remote: RemoteInfo,
    atMs: number,
    atUs: number,
  ): void {
    for (const part of packet.drops) this.#drop(`${part.part}_${part.reason}`);
    for (const rxpk of packet.rxpk) {
      const { uplink, clock } = uplinkFromRxpk(rxpk, atUs);
      void connection.handleUplink(uplink, { receivedAtMs: atMs, ...(clock ? { clock } : {}) });
    }
    if (packet.stat)
      void connection.handleStatus(statusFromStat(packet.stat, remote.address), {
        receivedAtMs: atMs,
      });
  }

  #txAck(
    state: GatewayState,
    connection: Connection,
    packet: TxAckPacket,
    atMs: number,
    atUs: number,
  ): void {
    const pending = state.pending.get(packet.token);
    if (pending === undefined) {
      this.#drop("tx_ack_unknown_token");
      return;
    }
    state.pending.delete(packet.token);
    connection.recordRoundTrip(atUs - pending.sentAtUs, atUs);
    const ack = create(TxAcknowledgmentSchema, {
      correlationIds: pending.downlink.correlationIds,
      result: txAckResults[packet.ack.error],
      downlinkMessage: pending.downlink,
    });
    void connection.handleTxAcknowledgment(ack, {
      receivedAtMs: atMs,
      downlink: pending.downlink,
    });
  }

  /** The sink's `send`: a PULL_RESP to the downlink path, its token kept for the TX_ACK. */
  async #send(state: GatewayState, downlink: DownlinkMessage): Promise<void> {
    const path = state.downlinkPath;
    const expiresMs = this.#settings.downlink_path_expires;
    if (!path || (this.#core.monotonicUs() - path.atUs) / 1000 > expiresMs)
      throw errNoDownlinkPath.create({ eui: state.eui, expires_ms: expiresMs });
    if (downlink.settings.case !== "scheduled")
      throw new Error("only scheduled downlinks are sent");
    const token = state.nextToken;
    state.nextToken = (token + 1) & 0xffff;
    const datagram = encodePullResp(
      token,
      txpkFromSettings(downlink.settings.value, downlink.rawPayload),
    );
    state.pending.delete(token);
    state.pending.set(token, { downlink, sentAtUs: this.#core.monotonicUs() });
    if (state.pending.size > maxPendingDownlinks) {
      const oldest = state.pending.keys().next().value;
      if (oldest !== undefined) state.pending.delete(oldest);
    }
    await new Promise<void>((resolve, reject) => {
      const socket = this.#socket;
      if (!socket)
        return reject(errNoDownlinkPath.create({ eui: state.eui, expires_ms: expiresMs }));
      socket.send(datagram, path.port, path.address, (error) =>
        error ? reject(error) : resolve(),
      );
    });
  }

  #reply(datagram: Uint8Array, remote: RemoteInfo): void {
    // A failed send (unreachable peer) comes back on the callback: counted, never thrown.
    this.#socket?.send(datagram, remote.port, remote.address, (error) => {
      if (error) this.#drop("send_failed");
    });
  }

  /** Disconnects gateways quiet for `connection_expires`; forgets TX_ACKs that never came. */
  #expire(): void {
    const nowUs = this.#core.monotonicUs();
    const nowMs = nowUs / 1000;
    const expiresMs = this.#settings.connection_expires;
    for (const state of this.#gateways.values()) {
      for (const [token, pending] of state.pending)
        if (nowUs - pending.sentAtUs > pendingDownlinkTtlUs) state.pending.delete(token);
      if (!state.connection || nowMs - state.lastSeenMs <= expiresMs) continue;
      const { connection } = state;
      this.#gateways.delete(state.eui);
      connection.disconnect(errConnectionExpired.create({ eui: state.eui, expires_ms: expiresMs }));
    }
  }
}
