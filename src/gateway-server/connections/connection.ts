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
import { errNoFrequencyPlan, errSend } from "../errors.ts";
import {
  evtDownlinkSend,
  evtDownlinkTxFail,
  evtDownlinkTxSuccess,
  evtStatusReceive,
  evtUplinkDrop,
  evtUplinkReceive,
} from "../events.ts";
import type { GatewayServerMetrics } from "../metrics.ts";
import type { DownlinkScheduler, EmissionHandle } from "../scheduling/index.ts";
import { encodeUplinkToken, type UplinkTokenFields } from "../uplink-token.ts";
import type { Upstream } from "../upstream.ts";
import type { FrontendConnection, SentDownlink } from "./frontend.ts";
import type { GatewayRegistry } from "./gateway-registry.ts";
import { downlinkRequest, refusalError, scheduledTxSettings } from "./scheduling.ts";
import { ConnectionStats } from "./stats.ts";

/** What connections share: set up once by the Gateway Server. */
export interface ConnectionEnvironment {
  events: EventBus;
  metrics: GatewayServerMetrics;
  logger: Logger;
  upstream: Upstream;
  registry: GatewayRegistry;
  /**
   * The scheduler of a new connection (one per connection: it keeps the gateway's clock and
   * timeline); undefined when the gateway has no known frequency plan.
   */
  scheduler: (gateway: Gateway, frontend: FrontendConnection) => DownlinkScheduler | undefined;
  /** The server's monotonic clock in µs: the one time source of every scheduler. */
  monotonicUs: () => number;
  /**
   * How late the server's event loop ran between two server times (µs; see LoopLag): a round
   * trip measured while it lagged is the server's delay, not the network's, and is dropped.
   */
  serverLagUs?: (fromUs: number, toUs: number) => number;
  /** Minimum time between two location updates from status messages (ms). */
  locationDebounceMs: number;
  now: () => number;
}

/**
 * A reading of the gateway's concentrator clock that came with an uplink (or a time sync):
 * Semtech UDP's 32-bit `tmst` or Basics Station's 64-bit `xtime`, the server's monotonic time
 * of receipt ({@link Connection.nowUs}; default: now), and the GPS time of the same instant
 * when the gateway knows it (UDP `tmms`, Basics Station `gpstime`; µs since the GPS epoch).
 */
export type ClockSample = ({ timestamp: number } | { xtime: bigint }) & {
  serverUs?: number | undefined;
  gpsTimeUs?: number | undefined;
};

/** A round trip measured while the event loop ran later than this is not recorded (µs). */
const MAX_SERVER_LAG_US = 50_000;

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
  readonly #scheduler: DownlinkScheduler | undefined;
  /** Which counter the gateway's uplinks carry: set by the first clock sample. */
  #clockKind: "timestamp" | "xtime" | undefined;
  /** Bookings of the downlinks handed to the frontend, for their TX acknowledgments. */
  readonly #bookings = new WeakMap<DownlinkMessage, EmissionHandle>();
  /** Timers of late-scheduled downlinks not sent yet (schedule_downlink_late). */
  readonly #lateSends = new Set<NodeJS.Timeout>();
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
    this.#scheduler = env.scheduler(gateway, frontend);
    const scheduler = this.#scheduler;
    if (scheduler) {
      this.stats.roundTrips = () => scheduler.roundTripTimes.stats(env.monotonicUs());
      this.stats.subBands = () =>
        scheduler.subBandUtilization(env.monotonicUs()).map((band) => ({
          minFrequency: BigInt(band.minFrequency),
          maxFrequency: BigInt(band.maxFrequency),
          limit: band.dutyCycle,
          utilization: band.utilization,
        }));
    }
    this.#entity = { kind: "gateway", id: this.gatewayId };
    this.#closed = new Promise((resolve) => {
      this.#close = resolve;
    });
  }

  get isOpen(): boolean {
    return this.#open;
  }

  /** The server's monotonic clock (µs) that this connection's scheduler runs on. */
  nowUs(): number {
    return this.#env.monotonicUs();
  }

  /**
   * Synchronises the scheduler's view of the gateway's clock (frontends call it through
   * `handleUplink`, or directly for a time sync without uplink). Returns the concentrator time
   * of the sample on the scheduler's continuous scale (µs), undefined without a scheduler.
   */
  syncClock(sample: ClockSample): number | undefined {
    const scheduler = this.#scheduler;
    if (!scheduler) return undefined;
    const serverUs = sample.serverUs ?? this.#env.monotonicUs();
    let concentratorUs: number;
    if ("xtime" in sample) {
      this.#clockKind = "xtime";
      concentratorUs = scheduler.clock.syncXtime(sample.xtime, serverUs);
    } else {
      this.#clockKind = "timestamp";
      concentratorUs = scheduler.clock.syncTimestamp(sample.timestamp, serverUs);
    }
    if (sample.gpsTimeUs !== undefined && sample.gpsTimeUs > 0)
      scheduler.clock.syncGpsTime(concentratorUs, sample.gpsTimeUs);
    return concentratorUs;
  }

  /**
   * One measured round trip between the server and the gateway (µs), at server time `atUs`
   * (default now): UDP PULL_RESP → TX_ACK, Basics Station RefTime/MuxTime. Their 90th percentile
   * sets how early a downlink must leave; the stats show them. One measured while the server's
   * event loop lagged is dropped (counted as `round_trip_server_busy`).
   */
  recordRoundTrip(rttUs: number, atUs: number = this.#env.monotonicUs()): void {
    const lagUs = this.#env.serverLagUs?.(atUs - rttUs, atUs) ?? 0;
    if (lagUs > MAX_SERVER_LAG_US) {
      this.#env.metrics.drops.inc({ reason: "round_trip_server_busy" });
      return;
    }
    this.#scheduler?.roundTripTimes.record(rttUs, atUs);
  }

  /** Resolves when the connection ends, with the reason (undefined: the gateway went away). */
  get closed(): Promise<DefinedError | undefined> {
    return this.#closed;
  }

  /**
   * An uplink from the gateway. The frontend fills `raw_payload`, `settings` and, per antenna,
   * the Rx metadata it knows (timestamp, time, RSSI, SNR, channel, ...); this adds the gateway
   * ids, uplink token, location, received_at and correlation ids, publishes `gs.up.receive`
   * and hands it to the Network Server. `clock` is the uplink's reading of the concentrator
   * clock: it syncs the scheduler (also for uplinks dropped later, e.g. with a bad CRC) and its
   * concentrator time goes into the token (the xtime itself for Basics Station, the time with
   * wraps counted for UDP). Resolves when handled (never rejects); false: dropped.
   */
  async handleUplink(
    uplink: UplinkMessage,
    options: { receivedAtMs?: number; clock?: ClockSample } = {},
  ): Promise<boolean> {
    const receivedAtMs = options.receivedAtMs ?? this.#env.now();
    let concentratorTime: bigint | undefined;
    if (options.clock && this.#open) {
      const concentratorUs = this.syncClock(options.clock);
      if ("xtime" in options.clock) concentratorTime = options.clock.xtime;
      else if (concentratorUs !== undefined) concentratorTime = BigInt(Math.round(concentratorUs));
    }
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
        concentratorTime,
        serverTimeMs: receivedAtMs,
        gatewayTimeMs: metadata.time ? timestampMs(metadata.time) : undefined,
      };
      metadata.uplinkToken = encodeUplinkToken(token);
    }
    this.stats.countUplink(receivedAtMs);
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
   * The gateway's answer to a downlink, with the downlink's correlation ids (and the downlink
   * message handed to the sink, when the frontend kept it): counted, published and reported to
   * the Network Server. A failure frees the downlink's booked emission (its time and duty
   * cycle).
   */
  async handleTxAcknowledgment(
    ack: TxAcknowledgment,
    options: { receivedAtMs?: number; downlink?: DownlinkMessage } = {},
  ): Promise<void> {
    if (!this.#open) return;
    const handle = options.downlink ? this.#bookings.get(options.downlink) : undefined;
    if (handle && ack.result !== TxAcknowledgment_Result.SUCCESS) this.#scheduler?.cancel(handle);
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
   * the frontend: at once, or at the scheduler's `sendAtServerUs` for a gateway with
   * `schedule_downlink_late`. Throws the scheduler's refusal (TTS's `too_late`, `conflict`,
   * `duty_cycle`, ... of the last window tried), `no_frequency_plan`, or `send` when the
   * frontend cannot send it (the booking is then freed).
   */
  async scheduleDownlink(
    downlink: DownlinkMessage,
    path: DownlinkPath,
    token: UplinkTokenFields | undefined,
  ): Promise<ScheduleDownlinkResponse> {
    const request = downlink.settings.case === "request" ? downlink.settings.value : undefined;
    if (!request) throw new Error("scheduleDownlink needs a Tx request");
    const scheduler = this.#scheduler;
    if (!scheduler) throw errNoFrequencyPlan.create({ gateway_uid: this.gatewayId });
    const nowMs = this.#env.now();
    const nowUs = this.#env.monotonicUs();
    const antennaIndex =
      token?.antennaIndex ?? (path.path.case === "fixed" ? path.path.value.antennaIndex : 0);
    const wanted = downlinkRequest(request, token, downlink.rawPayload.length, this.#clockKind);
    if (wanted instanceof Error) throw wanted;
    const outcome = scheduler.schedule(wanted, nowUs);
    if (!outcome.ok) throw refusalError(outcome.failures);
    const scheduled = create(DownlinkMessageSchema, {
      rawPayload: downlink.rawPayload,
      endDeviceIds: downlink.endDeviceIds,
      correlationIds: [...downlink.correlationIds, this.correlationId],
      sessionKeyId: downlink.sessionKeyId,
      settings: {
        case: "scheduled",
        value: scheduledTxSettings(outcome, this.gateway, antennaIndex),
      },
    });
    this.#bookings.set(scheduled, outcome.handle);
    const sent = { request, token, scheduled: outcome };
    const laterUs = outcome.sendAtServerUs - nowUs;
    if (laterUs > 0) this.#sendLate(scheduled, sent, laterUs);
    else {
      try {
        await this.#frontend.sink.send(scheduled, sent);
      } catch (error) {
        scheduler.cancel(outcome.handle);
        throw errSend.create({}, error);
      }
    }
    this.stats.countDownlink(nowMs);
    this.#env.metrics.downlinks.inc({ protocol: this.protocol });
    this.#env.events.publish(evtDownlinkSend, {
      identifiers: [this.#entity],
      data: scheduled,
      correlationIds: scheduled.correlationIds,
    });
    return create(ScheduleDownlinkResponseSchema, {
      delay: durationFromMs(Math.max(0, Math.round((outcome.startsAtServerUs - nowUs) / 1000))),
      downlinkPath: path,
      rx1: outcome.window === "rx1",
      rx2: outcome.window === "rx2" || outcome.window === "asap" || outcome.window === "absolute",
    });
  }

  /** Hands a downlink to the sink later (schedule_downlink_late); cancelled when the connection ends. */
  #sendLate(scheduled: DownlinkMessage, sent: SentDownlink, afterUs: number): void {
    const timer = setTimeout(() => {
      this.#lateSends.delete(timer);
      if (!this.#open) return;
      this.#frontend.sink.send(scheduled, sent).catch((error: unknown) => {
        this.#scheduler?.cancel(sent.scheduled.handle);
        this.#env.metrics.drops.inc({ reason: "downlink_send_late" });
        this.#env.logger.debug(
          { err: error, gateway_id: this.gatewayId },
          "a late-scheduled downlink could not be sent",
        );
      });
    }, afterUs / 1000);
    timer.unref();
    this.#lateSends.add(timer);
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
    for (const timer of this.#lateSends) clearTimeout(timer);
    this.#lateSends.clear();
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
