import { create } from "@bufbuild/protobuf";
import { durationFromMs, timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  type GatewayConnectionStats,
  GatewayConnectionStatsSchema,
  type GatewayStatus,
} from "../../gen/ttn/lorawan/v3/gateway_pb.js";

/** Round trips kept for the statistics (TTS keeps a window of recent ones). */
const roundTripWindow = 20;

/** A sub-band's downlink use, as the scheduler reports it. */
export interface SubBandUse {
  minFrequency: bigint;
  maxFrequency: bigint;
  limit: number;
  utilization: number;
}

/**
 * The counters and times of one gateway connection, turned into TTS's
 * `GatewayConnectionStats` on demand. Times are ms since the epoch, passed in.
 */
export class ConnectionStats {
  readonly protocol: string;
  readonly connectedAtMs: number;
  readonly remoteAddress: string | undefined;
  disconnectedAtMs: number | undefined;
  uplinkCount = 0n;
  lastUplinkMs: number | undefined;
  downlinkCount = 0n;
  lastDownlinkMs: number | undefined;
  txAcknowledgmentCount = 0n;
  lastTxAcknowledgmentMs: number | undefined;
  lastStatusMs: number | undefined;
  lastStatus: GatewayStatus | undefined;
  /** Filled by the scheduler (src/gateway-server/scheduling) when it is wired. */
  subBands: () => readonly SubBandUse[] = () => [];
  readonly #roundTrips: number[] = [];

  constructor(protocol: string, connectedAtMs: number, remoteAddress?: string) {
    this.protocol = protocol;
    this.connectedAtMs = connectedAtMs;
    this.remoteAddress = remoteAddress;
  }

  /** One measured round trip between the Gateway Server and the gateway (ms). */
  recordRoundTrip(ms: number): void {
    this.#roundTrips.push(ms);
    if (this.#roundTrips.length > roundTripWindow) this.#roundTrips.shift();
  }

  toMessage(): GatewayConnectionStats {
    const at = (ms: number | undefined) => (ms === undefined ? undefined : timestampFromMs(ms));
    const trips = [...this.#roundTrips].sort((a, b) => a - b);
    const median =
      trips.length === 0
        ? 0
        : trips.length % 2 === 1
          ? (trips[(trips.length - 1) / 2] as number)
          : ((trips[trips.length / 2 - 1] as number) + (trips[trips.length / 2] as number)) / 2;
    return create(GatewayConnectionStatsSchema, {
      connectedAt: at(this.connectedAtMs),
      disconnectedAt: at(this.disconnectedAtMs),
      protocol: this.protocol,
      lastStatusReceivedAt: at(this.lastStatusMs),
      lastStatus: this.lastStatus,
      lastUplinkReceivedAt: at(this.lastUplinkMs),
      uplinkCount: this.uplinkCount,
      lastDownlinkReceivedAt: at(this.lastDownlinkMs),
      downlinkCount: this.downlinkCount,
      lastTxAcknowledgmentReceivedAt: at(this.lastTxAcknowledgmentMs),
      txAcknowledgmentCount: this.txAcknowledgmentCount,
      roundTripTimes:
        trips.length === 0
          ? undefined
          : {
              min: durationFromMs(trips[0] as number),
              max: durationFromMs(trips[trips.length - 1] as number),
              median: durationFromMs(median),
              count: trips.length,
            },
      subBands: this.subBands().map((band) => ({
        minFrequency: band.minFrequency,
        maxFrequency: band.maxFrequency,
        downlinkUtilizationLimit: band.limit,
        downlinkUtilization: band.utilization,
      })),
      gatewayRemoteAddress: this.remoteAddress ? { ip: this.remoteAddress } : undefined,
    });
  }
}
