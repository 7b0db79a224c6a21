/**
 * The receive window of a class B downlink: the device's next ping slot (ping-slots.ts) from its
 * MAC state (periodicity from PingSlotInfoReq, or the settings for a multicast group that never
 * sends one), at the ping slot data rate and frequency. Pure.
 */
import type { EndDevice } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import type { Band } from "../../lorawan/band/index.ts";
import { nextPingSlot, pingSlotFrequency } from "./ping-slots.ts";
import type { ReceiveWindow } from "./windows.ts";

/** The ping slot at or after `earliestMs`; undefined when the device has no periodicity or channel. */
export function classBWindow(
  device: EndDevice,
  band: Band,
  earliestMs: number,
): ReceiveWindow | undefined {
  const macState = device.macState;
  const params = macState?.currentParameters;
  const devAddr = device.session?.devAddr;
  const periodicity =
    macState?.pingSlotPeriodicity?.value ?? device.macSettings?.pingSlotPeriodicity?.value;
  if (params === undefined || devAddr?.length !== 4 || periodicity === undefined) return undefined;
  const slot = nextPingSlot(devAddr, periodicity, earliestMs);
  const frequency = pingSlotFrequency(
    Number(params.pingSlotFrequency),
    band.pingSlotFrequencies,
    slot,
    devAddr,
  );
  if (frequency === undefined) return undefined;
  return {
    frequency,
    dataRateIndex: params.pingSlotDataRateIndexValue?.value ?? params.rx2DataRateIndex,
    delaySeconds: 0,
    atMs: slot.atMs,
  };
}
