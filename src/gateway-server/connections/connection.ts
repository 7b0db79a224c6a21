import { create } from "@bufbuild/protobuf";
import { durationFromMs, timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import type { EntityRef } from "../../auth/entity.ts";
import type { DefinedError } from "../../errors/index.ts";
import type { EventBus } from "../../events/index.ts";
import { newUlid } from "../../events/ulid.ts";
import type {
  Gateway,
  GatewayAntenna,
  GatewayStatus,
} from "../../gen/ttn/lorawan/v3/gateway_pb.js";
import {
  type ScheduleDownlinkResponse,
  ScheduleDownlinkResponseSchema,
} from "../../gen/ttn/lorawan/v3/gatewayserver_pb.js";
import { GatewayIdentifiersSchema } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import type { DownlinkPath } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import {
  type DownlinkMessage,
  DownlinkMessageSchema,
  type TxAcknowledgment,
  TxAcknowledgment_Result,
  type UplinkMessage,
} from "../../gen/ttn/lorawan/v3/messages_pb.js";
import type { Logger } from "../../log/logger.ts";
import { errSend } from "../errors.ts";
import {
  evtDownlinkSend,
  evtDownlinkTxFail,
  evtDownlinkTxSuccess,
  evtStatusReceive,
  evtUplinkDrop,
  evtUplinkReceive,
} from "../events.ts";
import type { GatewayServerMetrics } from "../metrics.ts";
import { encodeUplinkToken, type UplinkTokenFields } from "../uplink-token.ts";
import type { Upstream } from "../upstream.ts";
import type { FrontendConnection } from "./frontend.ts";
import type { GatewayRegistry } from "./gateway-registry.ts";
import type { DownlinkScheduler } from "./scheduler.ts";
import { ConnectionStats } from "./stats.ts";

/** What connections share: set up once by the Gateway Server. */
export interface ConnectionEnvironment {
  events: EventBus;
  metrics: GatewayServerMetrics;
  logger: Logger;
  upstream: Upstream;
  registry: GatewayRegistry;
  /** A scheduler for a new connection (one per gateway: it keeps the gateway's timeline). */
  scheduler: (gateway: Gateway) => DownlinkScheduler;
  /** Minimum time between two location updates from status messages (ms). */
  locationDebounceMs: number;
  now: () => number;
}

/** Why an uplink was dropped (a fixed table: no error object per dropped uplink). */
export const uplinkDropReasons = {
  no_payload: "the uplink has no payload",
  crc_failed: "the uplink failed its CRC check",
  no_metadata: "the uplink has no Rx metadata",
  network_server: "the Network Server did not take the uplink",
  closed: "the connection is closed",
} as const;
export type UplinkDropReason = keyof typeof uplinkDropReasons;

/**
 * One gateway's connection to this Gateway Server, as a frontend holds it: traffic in
 * (`handleUplink`, `handleStatus`, `handleTxAcknowledgment`), downlinks out through the
 * frontend's sink, statistics, and `disconnect` when the gateway goes away.
 */
export class Connection {
  readonly gateway: Gateway;
  readonly gatewayId: string;
  readonly protocol: string;
  readonly authenticated: boolean;
  /** `gs:conn:<ULID>`: in the correlation ids of everything this connection carries. */
  readonly correlationId: string;
  readonly stats: ConnectionStats;
  readonly #frontend: FrontendConnection;
  readonly #env: ConnectionEnvironment;
  readonly #scheduler: DownlinkScheduler;
  readonly #entity: EntityRef;
  readonly #closed: Promise<DefinedError | undefined>;
  #close!: (reason: DefinedError | undefined) => void;
  #open = true;
  #lastLocationUpdateMs = Number.NEGATIVE_INFINITY;

  constructor(gateway: Gateway, frontend: FrontendConnection, env: ConnectionEnvironment) {
    this.gateway = gateway;
    this.gatewayId = gateway.ids?.gatewayId ?? "";
    this.protocol = frontend.protocol;
    this.authenticated = frontend.authenticated;
    this.correlationId = `gs:conn:${newUlid().id}`;
    this.stats = new ConnectionStats(frontend.protocol, env.now(), frontend.remoteAddress);
    this.#frontend = frontend;
    this.#env = env;
    this.#scheduler = env.scheduler(gateway);
    this.#entity = { kind: "gateway", id: this.gatewayId };
    this.#closed = new Promise((resolve) => {
      this.#close = resolve;
    });
  }

  get isOpen(): boolean {
    return this.#open;
  }

  /** Resolves when the connection ends, with the reason (undefined: the gateway went away). */
  get closed(): Promise<DefinedError | undefined> {
    return this.#closed;
  }

  /**
   * An uplink from the gateway. The frontend fills `raw_payload`, `settings` and, per antenna,
   * the Rx metadata it knows (timestamp, time, RSSI, SNR, channel, ...); this adds the gateway
   * ids, uplink token, location, received_at and correlation ids, publishes `gs.up.receive`
   * and hands it to the Network Server. `concentratorTime` (µs, wraps counted) goes into the
   * token when the frontend tracks it. Resolves when handled (never rejects); false: dropped.
   */
  async handleUplink(
    uplink: UplinkMessage,
    options: { receivedAtMs?: number; concentratorTime?: bigint } = {},
  ): Promise<boolean> {
    const receivedAtMs = options.receivedAtMs ?? this.#env.now();
    const drop = this.#uplinkDrop(uplink);
    if (drop) return this.#drop(drop, uplink.correlationIds);
    const { gateway } = this;
    const receivedAt = timestampFromMs(receivedAtMs);
    uplink.correlationIds = [
      ...uplink.correlationIds,
      this.correlationId,
      `gs:uplink:${newUlid().id}`,
    ];
    uplink.receivedAt = receivedAt;
    for (const metadata of uplink.rxMetadata) {
      const antenna = gateway.antennas[metadata.antennaIndex];
      metadata.gatewayIds = create(GatewayIdentifiersSchema, {
        gatewayId: this.gatewayId,
        eui: gateway.ids?.eui ?? new Uint8Array(),
      });
      metadata.receivedAt = receivedAt;
      metadata.downlinkPathConstraint = gateway.downlinkPathConstraint;
      if (!metadata.location && gateway.locationPublic && antenna?.location)
        metadata.location = antenna.location;
      const token: UplinkTokenFields = {
        gatewayId: this.gatewayId,
        eui: gateway.ids?.eui,
        antennaIndex: metadata.antennaIndex,
        timestamp: metadata.timestamp,
        concentratorTime: options.concentratorTime,
        serverTimeMs: receivedAtMs,
        gatewayTimeMs: metadata.time ? timestampMs(metadata.time) : undefined,
      };
      metadata.uplinkToken = encodeUplinkToken(token);
    }
    this.stats.uplinkCount++;
    this.stats.lastUplinkMs = receivedAtMs;
    this.#env.metrics.uplinks.inc({ protocol: this.protocol });
    this.#env.events.publish(evtUplinkReceive, {
      identifiers: [this.#entity],
      data: uplink,
      correlationIds: uplink.correlationIds,
    });
    if (await this.#env.upstream.handleUplink(uplink)) return true;
    return this.#drop("network_server", uplink.correlationIds);
  }

  /** A status message: kept for the stats, published, and the location updated from it. */
  async handleStatus(
    status: GatewayStatus,
    options: { receivedAtMs?: number } = {},
  ): Promise<void> {
    if (!this.#open) return;
    const receivedAtMs = options.receivedAtMs ?? this.#env.now();
    this.stats.lastStatus = status;
    this.stats.lastStatusMs = receivedAtMs;
    this.#env.metrics.statusMessages.inc({ protocol: this.protocol });
    this.#env.events.publish(evtStatusReceive, {
      identifiers: [this.#entity],
      data: status,
      correlationIds: [this.correlationId],
    });
    await this.#updateLocation(status, receivedAtMs);
  }

  /**
   * The gateway's answer to a downlink, with the downlink's correlation ids (and the downlink,
   * when the frontend kept it): counted, published and reported to the Network Server.
   */
  async handleTxAcknowledgment(
    ack: TxAcknowledgment,
    options: { receivedAtMs?: number } = {},
  ): Promise<void> {
    if (!this.#open) return;
    this.stats.txAcknowledgmentCount++;
    this.stats.lastTxAcknowledgmentMs = options.receivedAtMs ?? this.#env.now();
    const result = TxAcknowledgment_Result[ack.result] ?? "UNKNOWN_ERROR";
    this.#env.metrics.txAcknowledgments.inc({ result });
    const success = ack.result === TxAcknowledgment_Result.SUCCESS;
    this.#env.events.publish(success ? evtDownlinkTxSuccess : evtDownlinkTxFail, {
      identifiers: [this.#entity],
      data: ack,
      correlationIds: [...ack.correlationIds, this.correlationId],
    });
    await this.#env.upstream.reportTxAcknowledgment({
      $typeName: "ttn.lorawan.v3.GatewayTxAcknowledgment",
      gatewayIds: this.gateway.ids,
      txAck: ack,
    });
  }

  /**
   * Schedules a Network Server's downlink on this gateway (one of its paths) and hands it to
   * the frontend. Throws the scheduler's error, or `send` when the frontend cannot send it.
   */
  async scheduleDownlink(
    downlink: DownlinkMessage,
    path: DownlinkPath,
    token: UplinkTokenFields | undefined,
  ): Promise<ScheduleDownlinkResponse> {
    const request = downlink.settings.case === "request" ? downlink.settings.value : undefined;
    if (!request) throw new Error("scheduleDownlink needs a Tx request");
    const nowMs = this.#env.now();
    const antennaIndex =
      token?.antennaIndex ?? (path.path.case === "fixed" ? path.path.value.antennaIndex : 0);
    const outcome = this.#scheduler.schedule({
      request,
      token,
      antennaIndex,
      gateway: this.gateway,
      nowMs,
    });
    if ("error" in outcome) throw outcome.error;
    const scheduled = create(DownlinkMessageSchema, {
      rawPayload: downlink.rawPayload,
      endDeviceIds: downlink.endDeviceIds,
      correlationIds: [...downlink.correlationIds, this.correlationId],
      sessionKeyId: downlink.sessionKeyId,
      settings: { case: "scheduled", value: outcome.settings },
    });
    try {
      await this.#frontend.sink.send(scheduled);
    } catch (error) {
      throw errSend.create({}, error);
    }
    this.stats.downlinkCount++;
    this.stats.lastDownlinkMs = nowMs;
    this.#env.metrics.downlinks.inc({ protocol: this.protocol });
    this.#env.events.publish(evtDownlinkSend, {
      identifiers: [this.#entity],
      data: scheduled,
      correlationIds: scheduled.correlationIds,
    });
    return create(ScheduleDownlinkResponseSchema, {
      delay: durationFromMs(Math.max(0, outcome.delayMs)),
      downlinkPath: path,
      rx1: outcome.rx1,
      rx2: outcome.rx2,
    });
  }

  /** The frontend lost the gateway (socket closed, keep-alives missed). */
  disconnect(reason?: DefinedError): void {
    this.#end(reason);
  }

  /** The Gateway Server ends the connection: the frontend is told to close its side. */
  close(reason: DefinedError): void {
    if (!this.#open) return;
    this.#end(reason);
    try {
      this.#frontend.sink.close(reason);
    } catch (error) {
      this.#env.logger.warn({ err: error, gateway_id: this.gatewayId }, "frontend close failed");
    }
  }

  #end(reason: DefinedError | undefined): void {
    if (!this.#open) return;
    this.#open = false;
    this.stats.disconnectedAtMs = this.#env.now();
    this.#close(reason);
  }

  #uplinkDrop(uplink: UplinkMessage): UplinkDropReason | undefined {
    if (!this.#open) return "closed";
    if (uplink.rawPayload.length === 0) return "no_payload";
    if (uplink.crcStatus === false) return "crc_failed";
    if (uplink.rxMetadata.length === 0) return "no_metadata";
    return undefined;
  }

  #drop(reason: UplinkDropReason, correlationIds: readonly string[]): false {
    this.#env.metrics.drops.inc({ reason: `uplink_${reason}` });
    this.#env.events.publish(evtUplinkDrop, {
      identifiers: [this.#entity],
      data: { reason },
      correlationIds: [...correlationIds, this.correlationId],
    });
    return false;
  }

  async #updateLocation(status: GatewayStatus, nowMs: number): Promise<void> {
    // As The Things Stack: only gateways that ask for it, over authenticated connections.
    const { gateway } = this;
    if (!gateway.updateLocationFromStatus || !this.authenticated) return;
    if (status.antennaLocations.length === 0) return;
    if (nowMs - this.#lastLocationUpdateMs < this.#env.locationDebounceMs) return;
    this.#lastLocationUpdateMs = nowMs;
    const count = Math.max(gateway.antennas.length, status.antennaLocations.length);
    const antennas: GatewayAntenna[] = [];
    for (let index = 0; index < count; index++) {
      const current = gateway.antennas[index];
      const location = status.antennaLocations[index] ?? current?.location;
      antennas.push({
        $typeName: "ttn.lorawan.v3.GatewayAntenna",
        gain: current?.gain ?? 0,
        attributes: current?.attributes ?? {},
        placement: current?.placement ?? 0,
        location,
      });
    }
    try {
      await this.#env.registry.updateAntennas(gateway, antennas, this.#frontend.authorization);
      gateway.antennas = antennas;
    } catch (error) {
      this.#env.logger.warn(
        { err: error, gateway_id: this.gatewayId },
        "could not update the gateway's location from its status",
      );
    }
  }
}
