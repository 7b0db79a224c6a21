import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { durationFromMicroseconds } from "../../api/durations.ts";
import {
  type GatewayConnectionStats,
  GatewayConnectionStatsSchema,
  type GatewayStatus,
} from "../../gen/ttn/lorawan/v3/gateway_pb.js";
import type { RoundTripStats } from "../scheduling/index.ts";
import { HourlyTraffic } from "./hourly-traffic.ts";

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
  /** Uplinks and downlinks per UTC hour over the last 24 hours (`hourly_traffic`). */
  readonly hourly: HourlyTraffic;
  /** The scheduler's sub-band use (set by the connection). */
  subBands: () => readonly SubBandUse[] = () => [];
  /** The scheduler's recent round-trip times (µs; set by the connection). */
  roundTrips: () => RoundTripStats | undefined = () => undefined;

  constructor(protocol: string, connectedAtMs: number, remoteAddress?: string) {
    this.protocol = protocol;
    this.connectedAtMs = connectedAtMs;
    this.remoteAddress = remoteAddress;
    this.hourly = new HourlyTraffic(connectedAtMs);
  }

  /** Counts an uplink received at `atMs`. */
  countUplink(atMs: number): void {
    this.uplinkCount++;
    this.lastUplinkMs = atMs;
    this.hourly.uplink(atMs);
  }

  /** Counts a downlink sent at `atMs`. */
  countDownlink(atMs: number): void {
    this.downlinkCount++;
    this.lastDownlinkMs = atMs;
    this.hourly.downlink(atMs);
  }

  /**
   * The stats as of `nowMs`. The hourly traffic ends with the hour of `nowMs` while connected,
   * with the hour of the disconnection once disconnected.
   */
  toMessage(nowMs: number): GatewayConnectionStats {
    const at = (ms: number | undefined) => (ms === undefined ? undefined : timestampFromMs(ms));
    const trips = this.roundTrips();
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
        trips === undefined
          ? undefined
          : {
              min: durationFromMicroseconds(trips.minUs),
              max: durationFromMicroseconds(trips.maxUs),
              median: durationFromMicroseconds(trips.medianUs),
              count: trips.count,
            },
      subBands: this.subBands().map((band) => ({
        minFrequency: band.minFrequency,
        maxFrequency: band.maxFrequency,
        downlinkUtilizationLimit: band.limit,
        downlinkUtilization: band.utilization,
      })),
      gatewayRemoteAddress: this.remoteAddress ? { ip: this.remoteAddress } : undefined,
      hourlyTraffic: this.hourly.hours(this.disconnectedAtMs ?? nowMs).map((hour) => ({
        start: timestampFromMs(hour.startMs),
        uplinkCount: BigInt(hour.uplinks),
        downlinkCount: BigInt(hour.downlinks),
      })),
    });
  }
}
