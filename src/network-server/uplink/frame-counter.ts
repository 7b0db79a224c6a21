/**
 * The full frame counters a data uplink may carry, given the session's last accepted one:
 * the reconstructed 32-bit counter (or the 16-bit field itself for devices without 32-bit
 * counters, as The Things Stack's FullFCnt), and for devices that reset their counter on
 * reboot (`mac_settings.resets_f_cnt`) also the field as it is. A field below the last
 * counter is also tried in the last counter's epoch, so that a replayed frame verifies and is
 * refused as a replay instead of looking like a frame of another device.
 */
import { reconstructFCnt } from "../../lorawan/crypto/index.ts";

export interface FCntCandidate {
  fCnt: number;
  /** The counter was taken as it is because the device may have reset it. */
  reset: boolean;
}

export interface FCntOptions {
  supports32BitFCnt: boolean;
  resetsFCnt: boolean;
}

/**
 * The candidates, most likely first; empty when the 32-bit counter would pass 2^32-1 and
 * the device does not reset its counter.
 */
export function fCntCandidates(
  fCnt16: number,
  lastFCnt: number,
  options: FCntOptions,
): FCntCandidate[] {
  const candidates: FCntCandidate[] = [];
  const full = fullFCnt(fCnt16, lastFCnt, options.supports32BitFCnt);
  if (full !== undefined) candidates.push({ fCnt: full, reset: false });
  // A replay of an older frame of this counter epoch: reconstruction took it for a rollover,
  // whose MIC fails. Tried after it, so that a replay is told apart from a wrong key (a device
  // that resets its counter gets the same value as the reset candidate below).
  if (options.supports32BitFCnt && !options.resetsFCnt && full !== undefined && full > lastFCnt) {
    const sameEpoch = lastFCnt - (lastFCnt % 0x10000) + fCnt16;
    if (sameEpoch < lastFCnt) candidates.push({ fCnt: sameEpoch, reset: false });
  }
  if (options.resetsFCnt && full !== fCnt16) candidates.push({ fCnt: fCnt16, reset: true });
  return candidates;
}

/** The full counter, `undefined` past 2^32-1 (32-bit counters never wrap). */
export function fullFCnt(
  fCnt16: number,
  lastFCnt: number,
  supports32BitFCnt: boolean,
): number | undefined {
  // A 16-bit device's counter wraps to 0 itself, so the field is the whole counter.
  if (!supports32BitFCnt) return fCnt16;
  try {
    return reconstructFCnt(lastFCnt, fCnt16);
  } catch {
    return undefined;
  }
}
