import { create } from "@bufbuild/protobuf";
import { DownlinkPathConstraint } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import type { GatewayIdentifiers } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { type DownlinkPath, DownlinkPathSchema } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";

/** What path ordering reads of a gateway's reception (RxMetadata, whole or as kept in MACState). */
export interface ReceptionMetadata {
  readonly gatewayIds?: GatewayIdentifiers | undefined;
  readonly snr: number;
  readonly channelRssi: number;
  readonly downlinkPathConstraint: DownlinkPathConstraint;
  readonly uplinkToken: Uint8Array;
  /** Set when the uplink came through Packet Broker. */
  readonly packetBroker?: unknown;
}

/** A downlink path with the gateway it leads to (none through Packet Broker). */
export interface OrderedDownlinkPath {
  readonly gatewayIds: GatewayIdentifiers | undefined;
  readonly path: DownlinkPath;
}

/**
 * The RSSI the wanted signal had: the channel RSSI, less the noise share that a low SNR shows
 * (at or below −5 dB all of the SNR, up to 10 dB a third of it, above nothing).
 */
export function wantedRssi(snr: number, channelRssi: number): number {
  if (snr <= -5) return channelRssi + snr;
  if (snr < 10) return channelRssi + snr / 3 - 10 / 3;
  return channelRssi;
}

// Where a reception goes in the order: gateways without constraint first, those that prefer
// another gateway next, Packet Broker last; NEVER is not a path at all.
const groupOf = (md: ReceptionMetadata): number | undefined => {
  if (md.downlinkPathConstraint === DownlinkPathConstraint.NEVER) return undefined;
  if (md.packetBroker !== undefined) return 2;
  return md.downlinkPathConstraint === DownlinkPathConstraint.PREFER_OTHER ? 1 : 0;
};

/**
 * The downlink paths of an uplink's receptions, best first, as The Things Stack orders them:
 * by wanted RSSI (strongest first; receptions reporting no SNR or no RSSI last), grouped by
 * downlink path constraint and Packet Broker; receptions without an uplink token are skipped.
 */
export function orderDownlinkPaths(metadata: readonly ReceptionMetadata[]): OrderedDownlinkPath[] {
  const invalid = (md: ReceptionMetadata) => md.snr === 0 || md.channelRssi === 0;
  const ranked = metadata
    .map((md, index) => ({ md, index, group: groupOf(md) }))
    .filter((entry) => entry.group !== undefined && entry.md.uplinkToken.length > 0)
    .sort((a, b) => {
      return (
        (a.group as number) - (b.group as number) ||
        Number(invalid(a.md)) - Number(invalid(b.md)) ||
        wantedRssi(b.md.snr, b.md.channelRssi) - wantedRssi(a.md.snr, a.md.channelRssi) ||
        a.index - b.index
      );
    });
  return ranked.map(({ md }) => ({
    gatewayIds: md.packetBroker === undefined ? md.gatewayIds : undefined,
    path: create(DownlinkPathSchema, { path: { case: "uplinkToken", value: md.uplinkToken } }),
  }));
}
