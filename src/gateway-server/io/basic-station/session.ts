/**
 * One station's traffic connection (`/traffic/<id>`): the gateway looked up and connected
 * through `Connections`, then station's frames turned into calls on the `Connection`
 * (uplinks, status, TX acknowledgments) and the Gateway Server's downlinks into `dnmsg`.
 */
import { create } from "@bufbuild/protobuf";
import type { RawData, WebSocket } from "ws";
import type { DefinedError } from "../../../errors/index.ts";
import {
  buildRouterConfig,
  type DataRateEntry,
  encodeRouterConfig,
  encodeTimeSyncReply,
  parseUpstream,
  type RouterConfig,
  type TxConfirmationMessage,
  type UpstreamMessage,
  type VersionMessage,
} from "../../../gateway-protocols/basic-station/index.ts";
import type { Gateway } from "../../../gen/ttn/lorawan/v3/gateway_pb.js";
import { GatewayStatusSchema } from "../../../gen/ttn/lorawan/v3/gateway_pb.js";
import {
  type DownlinkMessage,
  DownlinkMessageSchema,
  TxAcknowledgment_Result,
  TxAcknowledgmentSchema,
} from "../../../gen/ttn/lorawan/v3/messages_pb.js";
import type { Logger } from "../../../log/logger.ts";
import { type Band, latestBand } from "../../../lorawan/band/index.ts";
import type { FrequencyPlan } from "../../../lorawan/frequency-plans/index.ts";
import type { Connection } from "../../connections/connection.ts";
import type { Connections } from "../../connections/connections.ts";
import type { DownlinkSink, SentDownlink } from "../../connections/frontend.ts";
import type { GatewayRegistry } from "../../connections/gateway-registry.ts";
import { errGatewayEuiNotFound } from "../../errors.ts";
import type { LogLimiter } from "../../log-limiter.ts";
import { gatewayProtocolLeadsUs, roundTripFromRefTime } from "../../scheduling/index.ts";
import { presentedSecret, secretMatches } from "./authorization.ts";
import { dataRateOfIndex } from "./data-rates.ts";
import { downlinkFailures, encodeScheduledDownlink } from "./downlink.ts";
import type { DropCounter, FrontendDropReason } from "./drops.ts";
import {
  errDownlink,
  errMissedTooManyPongs,
  errNoAuthProvided,
  errRouterConfig,
  errStationGone,
} from "./errors.ts";
import { gpsTimeUsFromUnixMs } from "./gps-time.ts";
import { type StationUplink, uplinkMessage } from "./uplink.ts";

/** TTS's protocol name for Basics Station connections. */
export const basicStationProtocol = "semtechws/lbslns";

/** What every station session shares. */
export interface StationEnvironment {
  connections: Connections;
  /** Stations without credentials are accepted (their gateway must not require any). */
  allowUnauthenticated: boolean;
  /** Interval of websocket pings (ms). */
  pingIntervalMs: number;
  /** Pings in a row without pong after which a station that once answered is disconnected. */
  missedPongThreshold: number;
  /** Interval of time transfers (`timesync` with MuxTime) to a station without PPS; 0: none. */
  timeSyncIntervalMs: number;
  frequencyPlans: { find(id: string): FrequencyPlan | undefined };
  /**
   * The cached registry: a station with credentials is looked up here first, so a flood of
   * unknown EUIs costs a cache hit, not an Identity Server read with secrets each.
   */
  registry: GatewayRegistry;
  logger: Logger;
  drops: DropCounter;
  /** Rate-limits the log lines of dropped frames (one per gateway and reason per interval). */
  logLimiter: LogLimiter;
  now: () => number;
  /** The Gateway Server's monotonic clock (µs), the schedulers' time source. */
  monotonicUs: () => number;
  /** `gs.basic_station.schedule_late_time` (ms), for gateways with schedule_downlink_late. */
  scheduleLateMs: number;
}

/** Frames kept while the gateway's connection is being set up (station sends `version` at once). */
const maxBacklog = 16;
/** Downlinks whose dntxed is awaited, per connection (oldest forgotten first). */
const maxPendingDownlinks = 256;
/** The longest reason a websocket close frame carries (125 bytes less the code). */
const maxCloseReason = 123;

interface PendingDownlink {
  readonly downlink: DownlinkMessage;
  readonly dataRate: number;
  readonly frequency: number;
}

/** The websocket close code and reason text for an error told to station. */
export function closeReason(error: DefinedError): string {
  const text = `${error.definition.name}: ${error.message}`;
  const bytes = Buffer.from(text);
  return bytes.length <= maxCloseReason
    ? text
    : bytes
        .subarray(0, maxCloseReason)
        .toString()
        .replace(/\uFFFD+$/, "");
}

/** The gateway's frequency plans, in its order; undefined when one is unknown. */
function plansOf(
  gateway: Gateway,
  plans: StationEnvironment["frequencyPlans"],
): FrequencyPlan[] | { unknown: string } {
  const ids =
    gateway.frequencyPlanIds.length > 0
      ? gateway.frequencyPlanIds
      : gateway.frequencyPlanId
        ? [gateway.frequencyPlanId]
        : [];
  const found: FrequencyPlan[] = [];
  for (const id of ids) {
    const plan = plans.find(id);
    if (plan === undefined) return { unknown: id };
    found.push(plan);
  }
  return found;
}

/**
 * A station's traffic session. Created on the websocket's upgrade; `start` looks the gateway
 * up and authenticates it, frames that arrive meanwhile wait (at most {@link maxBacklog}).
 */
export class StationSession implements DownlinkSink {
  readonly #ws: WebSocket;
  readonly #env: StationEnvironment;
  readonly #eui: Uint8Array;
  readonly #euiHex: string;
  #state: "connecting" | "open" | "closed" = "connecting";
  #backlog: string[] = [];
  #connection: Connection | undefined;
  #band: Band | undefined;
  #plans: FrequencyPlan[] = [];
  #routerConfig: RouterConfig | undefined;
  #dataRates: readonly DataRateEntry[] = [];
  #nextDiid = 1n;
  readonly #pending = new Map<bigint, PendingDownlink>();
  #missedPongs = -1;
  #ping: NodeJS.Timeout | undefined;
  #timeTransfer: NodeJS.Timeout | undefined;

  constructor(ws: WebSocket, eui: Uint8Array, env: StationEnvironment) {
    this.#ws = ws;
    this.#env = env;
    this.#eui = eui;
    this.#euiHex = Buffer.from(eui).toString("hex").toUpperCase();
    ws.on("message", (data, isBinary) => this.#onFrame(data, isBinary));
    ws.on("pong", () => {
      this.#missedPongs = 0;
    });
    ws.on("error", (error: Error & { code?: string }) => {
      if (error.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") this.#drop("frame_too_large");
      else this.#logOnce("socket_error", { err: error }, "station socket error");
    });
    ws.on("close", () => this.#closed());
  }

  /** Connects the gateway with the credentials of the upgrade request, or closes the socket. */
  async start(authorization: string | undefined, remoteAddress: string | undefined): Promise<void> {
    const env = this.#env;
    const secret = presentedSecret(authorization);
    if (secret === undefined && !env.allowUnauthenticated) {
      env.drops.inc({ reason: "basic_station_no_auth" });
      return this.#refuse(errNoAuthProvided.create({ eui: this.#euiHex }));
    }
    if (secret !== undefined) {
      try {
        await env.registry.byEui(this.#eui);
      } catch (error) {
        // Unknown: refused here. Anything else: the connection attempt below tells.
        if (errGatewayEuiNotFound.matches(error)) {
          env.drops.inc({ reason: "connect_unknown_gateway" });
          return this.#refuse(error as DefinedError);
        }
      }
    }
    const result = await env.connections.connect(
      { eui: this.#eui },
      {
        protocol: basicStationProtocol,
        remoteAddress,
        authenticated: false,
        authorization: secret === undefined ? undefined : `Bearer ${secret}`,
        protocolLeadUs: gatewayProtocolLeadsUs["basic-station"],
        scheduleLateMs: env.scheduleLateMs,
        sink: this,
      },
      secret === undefined
        ? {}
        : { authenticate: (gateway) => secretMatches(secret, gateway.lbsLnsSecret?.value) },
    );
    if (!result.ok) return this.#refuse(result.error);
    const { connection } = result;
    if (this.#state === "closed") {
      connection.disconnect();
      return;
    }
    this.#connection = connection;
    const setup = this.#setUp(connection.gateway);
    if (setup !== undefined) {
      connection.disconnect(setup);
      return this.#refuse(setup);
    }
    this.#state = "open";
    this.#ping = setInterval(() => this.#pingStation(), this.#env.pingIntervalMs);
    this.#ping.unref();
    if (this.#env.timeSyncIntervalMs > 0) {
      this.#timeTransfer = setInterval(() => this.#transferTime(), this.#env.timeSyncIntervalMs);
      this.#timeTransfer.unref();
    }
    const backlog = this.#backlog;
    this.#backlog = [];
    for (const text of backlog) this.#handle(text);
  }

  // The band, plans and DR table of the gateway; an error when station cannot be configured.
  #setUp(gateway: Gateway): DefinedError | undefined {
    const gatewayUid = gateway.ids?.gatewayId ?? "";
    const plans = plansOf(gateway, this.#env.frequencyPlans);
    if ("unknown" in plans)
      return errRouterConfig.create({
        gateway_uid: gatewayUid,
        reason: `unknown frequency plan ${plans.unknown}`,
      });
    try {
      // Built once to check it; `version` gets a fresh one with the MuxTime of its answer.
      this.#routerConfig = buildRouterConfig(plans, { muxTime: 0 });
    } catch (error) {
      return errRouterConfig.create({
        gateway_uid: gatewayUid,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
    this.#plans = plans;
    this.#band = latestBand(plans[0]?.bandId ?? "");
    this.#dataRates = this.#routerConfig.DRs;
    return undefined;
  }

  #refuse(error: DefinedError): void {
    this.#state = "closed";
    this.#backlog = [];
    this.#env.logger.info(
      { gateway_eui: this.#euiHex, reason: error.definition.name },
      "station refused",
    );
    // 1008: policy violation, with the error's name and message for station's log.
    if (this.#ws.readyState === this.#ws.OPEN) this.#ws.close(1008, closeReason(error));
  }

  #onFrame(data: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.#drop("binary_frame");
      return;
    }
    const text = Buffer.isBuffer(data)
      ? data.toString()
      : Array.isArray(data)
        ? Buffer.concat(data).toString()
        : Buffer.from(data).toString();
    if (this.#state === "open") this.#handle(text);
    else if (this.#state === "closed") this.#drop("not_ready");
    else if (this.#backlog.length >= maxBacklog) this.#drop("backlog");
    else this.#backlog.push(text);
  }

  #handle(text: string): void {
    const receivedAtMs = this.#env.now();
    const receivedAtUs = this.#env.monotonicUs();
    const parsed = parseUpstream(text);
    if (!parsed.ok) {
      this.#env.drops.inc({ reason: `basic_station_${parsed.reason}` });
      this.#logOnce(
        parsed.reason,
        { reason: parsed.reason, field: parsed.field, msgtype: parsed.msgtype },
        "station frame dropped",
      );
      return;
    }
    try {
      this.#dispatch(parsed.message, receivedAtMs, receivedAtUs).catch((error: unknown) =>
        this.#internal(error),
      );
    } catch (error) {
      this.#internal(error);
    }
  }

  async #dispatch(
    message: UpstreamMessage,
    receivedAtMs: number,
    receivedAtUs: number,
  ): Promise<void> {
    switch (message.msgtype) {
      case "version":
        return this.#version(message, receivedAtMs);
      case "jreq":
      case "rejoin":
      case "updf":
      case "propdf":
        return this.#uplink(message, receivedAtMs, receivedAtUs);
      case "dntxed":
        return this.#txConfirmation(message, receivedAtMs);
      case "timesync":
        // As TTS: a station that asks for the time has PPS, and needs no time transfers.
        if (this.#timeTransfer) clearInterval(this.#timeTransfer);
        this.#timeTransfer = undefined;
        this.#send(
          encodeTimeSyncReply({
            txtime: message.txtime,
            gpstime: gpsTimeUsFromUnixMs(receivedAtMs),
            muxTime: this.#env.now() / 1000,
          }),
        );
        return;
    }
  }

  async #version(message: VersionMessage, receivedAtMs: number): Promise<void> {
    const connection = this.#connection;
    if (!connection) return;
    const { gateway } = connection;
    const config = buildRouterConfig(this.#plans, {
      muxTime: this.#env.now() / 1000,
      production: message.production,
      antennaGain: gateway.antennas[0]?.gain ?? 0,
    });
    // Station's own duty-cycle check is off (`nodc`) only when the Gateway Server enforces the
    // duty cycle itself; a production station ignores the flag (the codec leaves it out).
    const routerConfig =
      config.nodc === undefined ? config : { ...config, nodc: gateway.enforceDutyCycle };
    this.#routerConfig = routerConfig;
    this.#dataRates = routerConfig.DRs;
    this.#send(encodeRouterConfig(routerConfig));
    await connection.handleStatus(
      create(GatewayStatusSchema, {
        time: {
          seconds: BigInt(Math.floor(receivedAtMs / 1000)),
          nanos: (receivedAtMs % 1000) * 1e6,
        },
        versions: {
          station: message.station,
          firmware: message.firmware,
          package: message.package,
          model: message.model,
          protocol: String(message.protocol),
          features: message.features,
          // TTS's summary line.
          platform: `${message.model} - Firmware ${message.firmware} - Protocol ${message.protocol}`,
        },
      }),
      { receivedAtMs },
    );
  }

  async #uplink(message: StationUplink, receivedAtMs: number, receivedAtUs: number): Promise<void> {
    const connection = this.#connection;
    const band = this.#band;
    if (!connection || !band) return;
    const uplink = uplinkMessage(message, band);
    if (uplink === undefined) return this.#drop("data_rate");
    if (message.refTime > 0) {
      const roundTripUs = roundTripFromRefTime(message.refTime, receivedAtMs / 1000);
      if (roundTripUs !== undefined) connection.recordRoundTrip(roundTripUs, receivedAtUs);
    }
    const { xtime, gpstime } = message.upInfo;
    await connection.handleUplink(uplink, {
      receivedAtMs,
      clock: {
        xtime,
        serverUs: receivedAtUs,
        gpsTimeUs: gpstime > 0n ? Number(gpstime) : undefined,
      },
    });
  }

  async #txConfirmation(message: TxConfirmationMessage, receivedAtMs: number): Promise<void> {
    const connection = this.#connection;
    const pending = this.#pending.get(message.diid);
    if (!connection || pending === undefined) return this.#drop("dntxed_unknown");
    this.#pending.delete(message.diid);
    let { downlink } = pending;
    // Station reports the channel it used: tell the Network Server if it was not the one asked.
    const usedDataRate = message.dataRate ?? pending.dataRate;
    const usedFrequency = message.frequency ?? pending.frequency;
    if (
      downlink.settings.case === "scheduled" &&
      (usedDataRate !== pending.dataRate || usedFrequency !== pending.frequency)
    ) {
      const dataRate = this.#band ? dataRateOfIndex(this.#band, usedDataRate) : undefined;
      downlink = create(DownlinkMessageSchema, {
        ...downlink,
        settings: {
          case: "scheduled",
          value: {
            ...downlink.settings.value,
            frequency: BigInt(usedFrequency),
            dataRate: dataRate ?? downlink.settings.value.dataRate,
          },
        },
      });
    }
    await connection.handleTxAcknowledgment(
      create(TxAcknowledgmentSchema, {
        correlationIds: downlink.correlationIds,
        result: TxAcknowledgment_Result.SUCCESS,
        downlinkMessage: downlink,
      }),
      { receivedAtMs, downlink: pending.downlink },
    );
  }

  /**
   * DownlinkSink: the scheduled downlink as a dnmsg, at the scheduler's exact xtime (its
   * `concentrator_timestamp`: session and radio unit of the station's uplinks included).
   */
  async send(downlink: DownlinkMessage, sent: SentDownlink): Promise<void> {
    if (this.#state !== "open" || this.#ws.readyState !== this.#ws.OPEN)
      throw errStationGone.create();
    const settings = downlink.settings.case === "scheduled" ? downlink.settings.value : undefined;
    const xtime =
      sent.scheduled.xtime ??
      (settings !== undefined && settings.concentratorTimestamp > 0n
        ? settings.concentratorTimestamp
        : undefined);
    if (xtime === undefined) {
      this.#env.drops.inc({ reason: "basic_station_downlink_no_clock" });
      throw errDownlink.create({ reason: downlinkFailures.no_clock });
    }
    const diid = this.#nextDiid++;
    const result = encodeScheduledDownlink({
      downlink,
      xtime,
      diid,
      dataRates: this.#dataRates,
      muxTime: this.#env.now() / 1000,
    });
    if (!result.ok) {
      this.#env.drops.inc({ reason: `basic_station_downlink_${result.reason}` });
      throw errDownlink.create({ reason: downlinkFailures[result.reason] });
    }
    this.#pending.set(diid, {
      downlink,
      dataRate: result.dataRate,
      frequency: result.frequency,
    });
    if (this.#pending.size > maxPendingDownlinks) {
      const oldest = this.#pending.keys().next().value;
      if (oldest !== undefined) this.#pending.delete(oldest);
    }
    await new Promise<void>((resolve, reject) =>
      this.#ws.send(result.text, (error) =>
        error ? reject(errStationGone.create({}, error)) : resolve(),
      ),
    );
  }

  /** DownlinkSink: the Gateway Server ended the connection (replaced, stopping, deleted). */
  close(reason: DefinedError): void {
    this.#state = "closed";
    if (this.#ws.readyState === this.#ws.OPEN || this.#ws.readyState === this.#ws.CONNECTING)
      this.#ws.close(1000, closeReason(reason));
  }

  #pingStation(): void {
    if (this.#ws.readyState !== this.#ws.OPEN) return;
    this.#ws.ping();
    // As TTS: a station that never answered a ping is not held to it (not every one does).
    if (this.#missedPongs < 0) return;
    this.#missedPongs++;
    if (this.#missedPongs >= this.#env.missedPongThreshold) {
      const error = errMissedTooManyPongs.create();
      this.#env.logger.info({ gateway_eui: this.#euiHex }, "station missed too many pongs");
      this.#state = "closed";
      this.#connection?.disconnect(error);
      this.#ws.terminate();
    }
  }

  /**
   * A time transfer as The Things Stack sends it without a GPS reference: the MuxTime alone,
   * which keeps station's RefTime (and so the round trips) current.
   */
  #transferTime(): void {
    this.#send(`{"msgtype":"timesync","MuxTime":${this.#env.now() / 1000}}`);
  }

  #send(text: string): void {
    if (this.#ws.readyState === this.#ws.OPEN) this.#ws.send(text);
  }

  #closed(): void {
    this.#state = "closed";
    this.#backlog = [];
    this.#pending.clear();
    if (this.#ping) clearInterval(this.#ping);
    if (this.#timeTransfer) clearInterval(this.#timeTransfer);
    this.#connection?.disconnect();
  }

  #drop(reason: FrontendDropReason): void {
    this.#env.drops.inc({ reason: `basic_station_${reason}` });
    this.#logOnce(reason, { reason }, "station frame dropped");
  }

  #internal(error: unknown): void {
    this.#env.drops.inc({ reason: "basic_station_internal" });
    this.#logOnce("internal", { err: error }, "handling a station frame failed");
  }

  #logOnce(key: string, fields: Record<string, unknown>, message: string): void {
    if (this.#env.logLimiter.allow(`${this.#euiHex}:${key}`, this.#env.now()))
      this.#env.logger.debug({ gateway_eui: this.#euiHex, ...fields }, message);
  }
}
