import type { DefinedError } from "../../errors/index.ts";
import type { TxRequest } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import type { DownlinkMessage } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import type { ScheduledDownlink } from "../scheduling/index.ts";
import type { UplinkTokenFields } from "../uplink-token.ts";

/**
 * What a protocol frontend (Semtech UDP, Basics Station, ...) gives the Gateway Server for each
 * gateway connection: how the gateway is reached, how its downlinks are timed, and where they
 * go.
 */
export interface FrontendConnection {
  /** TTS's protocol name: `udp`, `semtechws/lbslns`, `mqtt`, `grpc`. */
  protocol: string;
  /** The gateway's address as the frontend sees it (IP, no port), for the stats. */
  remoteAddress?: string | undefined;
  /**
   * Whether the gateway proved who it is (Basics Station with its `lbs_lns_secret`, an API
   * key); UDP never does. Gateways with `require_authenticated_connection` refuse otherwise,
   * and only authenticated connections update the location from status messages.
   */
  authenticated: boolean;
  /** The gateway's credential (`Bearer NNSXS...`), when it authenticated with one. */
  authorization?: string | undefined;
  /**
   * Lead the protocol needs at the gateway before a transmission (µs):
   * `gatewayProtocolLeadsUs["semtech-udp"]` or `["basic-station"]` (scheduling/scheduler.ts).
   * Default: the scheduler's (30 ms).
   */
  protocolLeadUs?: number | undefined;
  /**
   * The frontend's schedule-late time (ms; `gs.udp.schedule_late_time`,
   * `gs.basic_station.schedule_late_time`): for a gateway with `schedule_downlink_late`, each
   * downlink is handed to `send` this long before its transmission instead of at once.
   */
  scheduleLateMs?: number | undefined;
  sink: DownlinkSink;
}

/** What the Gateway Server knows of a downlink it hands to a sink, besides the message. */
export interface SentDownlink {
  /** The Network Server's request (class, RX1 delay, RX1/RX2 parameters, paths). */
  request: TxRequest;
  /** The uplink token of the path (class A), decoded. */
  token: UplinkTokenFields | undefined;
  /**
   * The scheduler's booking: `window` (rx1, rx2, asap, absolute), `timestamp` (u32 tmst),
   * `xtime` (Basics Station), `gpsTimeUs`, `startsAtServerUs` (on the connection's
   * monotonic clock, `Connection.nowUs()`), airtime.
   */
  scheduled: ScheduledDownlink;
}

/**
 * Where a connection's downlinks go: the frontend encodes each for its protocol and sends it
 * (UDP `PULL_RESP`, Basics Station `dnmsg`). The Gateway Server calls `send` only with
 * scheduled downlinks (`settings.case === "scheduled"`): `TxSettings` with frequency, data
 * rate, `downlink` (antenna, power, inverted polarization), `timestamp` (u32: the UDP tmst)
 * and `concentrator_timestamp` (the exact 64-bit value: the xtime for Basics Station),
 * `time` when the gateway has a GPS reference. For `schedule_downlink_late` gateways `send`
 * is called only at the scheduler's `sendAtServerUs`. The frontend passes the same message
 * object back with the gateway's answer (`Connection.handleTxAcknowledgment(ack,
 * {downlink})`): a failure then frees the booked emission.
 */
export interface DownlinkSink {
  /** Sends the downlink to the gateway; rejects when it cannot (no downlink path yet). */
  send(downlink: DownlinkMessage, sent: SentDownlink): Promise<void>;
  /**
   * Told when the Gateway Server ends the connection (another connection of the gateway
   * replaced it, the Gateway Server stops): the frontend closes its side.
   */
  close(reason: DefinedError): void;
}
