import type { DefinedError } from "../../errors/index.ts";
import type { DownlinkMessage } from "../../gen/ttn/lorawan/v3/messages_pb.js";

/**
 * What a protocol frontend (Semtech UDP, Basics Station, ...) gives the Gateway Server for each
 * gateway connection: how the gateway is reached, and where its downlinks go.
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
  sink: DownlinkSink;
}

/**
 * Where a connection's downlinks go: the frontend encodes each for its protocol and sends it
 * (UDP `PULL_RESP`, Basics Station `dnmsg`). The Gateway Server calls `send` only with
 * scheduled downlinks (`settings.case === "scheduled"`: frequency, data rate, power,
 * concentrator timestamp or time); the TX acknowledgment comes back through the connection's
 * `handleTxAcknowledgment`, with the downlink's correlation ids.
 */
export interface DownlinkSink {
  /** Sends the downlink to the gateway; rejects when it cannot (no downlink path yet). */
  send(downlink: DownlinkMessage): Promise<void>;
  /**
   * Told when the Gateway Server ends the connection (another connection of the gateway
   * replaced it, the Gateway Server stops): the frontend closes its side.
   */
  close(reason: DefinedError): void;
}
