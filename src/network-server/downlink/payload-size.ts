import { maxMacPayloadSize } from "../../lorawan/band/index.ts";
import type { ClassAWindows, ReceiveWindow } from "./windows.ts";

// FHDR without FOpts (DevAddr 4, FCtrl 1, FCnt 2) and FPort: the MACPayload bytes that are not
// FRMPayload.
const frameOverhead = 8;

/**
 * The largest FRMPayload (bytes) a downlink at `dataRateIndex` may carry next to `fOptsLength`
 * bytes of FOpts; undefined where the band does not define the data rate or it carries nothing.
 */
export function maxFrmPayloadSize(
  band: Parameters<typeof maxMacPayloadSize>[0],
  dataRateIndex: number,
  dwellTime: boolean,
  fOptsLength = 0,
): number | undefined {
  const m = maxMacPayloadSize(band, dataRateIndex, dwellTime);
  if (!m) return undefined;
  return Math.max(0, m - frameOverhead - fOptsLength);
}

/**
 * The FRMPayload limit of a class A downlink offered in the windows `use` selects: the smaller
 * of their limits, as the Gateway Server may send it in either.
 */
export function classAMaxFrmPayloadSize(
  band: Parameters<typeof maxMacPayloadSize>[0],
  windows: ClassAWindows,
  use: { readonly rx1: boolean; readonly rx2: boolean },
  dwellTime: boolean,
  fOptsLength = 0,
): number | undefined {
  const chosen: ReceiveWindow[] = [];
  if (use.rx1 && windows.rx1) chosen.push(windows.rx1);
  if (use.rx2) chosen.push(windows.rx2);
  const sizes = chosen.map((w) => maxFrmPayloadSize(band, w.dataRateIndex, dwellTime, fOptsLength));
  if (sizes.length === 0 || sizes.some((size) => size === undefined)) return undefined;
  return Math.min(...(sizes as number[]));
}

/** What is left over after a downlink was filled. */
export interface LeftOver {
  /** Application downlinks still queued after this one. */
  readonly applicationDownlinks: number;
  /** MAC commands that did not fit in this downlink. */
  readonly macCommands: number;
}

/** FPending: the network has more for the device, so it should send again soon. */
export function framePending(left: LeftOver): boolean {
  return left.applicationDownlinks > 0 || left.macCommands > 0;
}
