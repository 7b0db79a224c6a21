/**
 * The order in which the devices sharing a DevAddr are tried: most recently active first, as
 * The Things Stack does, so that the device that is talking is usually found by the first MIC.
 */
import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { EndDevice, MACState } from "../../gen/ttn/lorawan/v3/end_device_pb.js";

/** The devices, most recently active first; equally active ones keep their order. */
export function orderCandidates(devices: readonly EndDevice[]): EndDevice[] {
  return devices
    .map((device, index) => ({ device, index, at: lastActivityMs(device) }))
    .sort((a, b) => b.at - a.at || a.index - b.index)
    .map(({ device }) => device);
}

/**
 * When the device was last heard of: its latest recent uplink (the join-request of a pending
 * session included) or the start of a session; -Infinity when never.
 */
export function lastActivityMs(device: EndDevice): number {
  let at = Number.NEGATIVE_INFINITY;
  for (const time of [
    lastUplinkAt(device.macState),
    lastUplinkAt(device.pendingMacState),
    device.session?.startedAt,
    device.pendingSession?.startedAt,
  ]) {
    if (time !== undefined) at = Math.max(at, timestampMs(time));
  }
  return at;
}

function lastUplinkAt(macState: MACState | undefined) {
  const uplinks = macState?.recentUplinks;
  return uplinks?.[uplinks.length - 1]?.receivedAt;
}
