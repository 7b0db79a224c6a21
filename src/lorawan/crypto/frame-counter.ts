/**
 * Frame counters: the FCnt field carries the low 16 bits of a 32-bit counter and the receiver
 * infers the high 16 bits from the last counter it accepted (LoRaWAN 1.0.x/1.1 §4.3.1.5).
 * The full counter is what the MIC and the encryption blocks use.
 */
import { errFCntExhausted } from "./errors.ts";
import { checkUint } from "./fields.ts";

/** MAX_FCNT_GAP of LoRaWAN 1.0.0–1.0.3; later versions leave the limit to the network. */
export const MAX_FCNT_GAP_10 = 16384;

const MAX_FCNT = 0xffffffff;

/**
 * The full 32-bit counter of a frame whose FCnt field holds `fCnt16`, given `last`, the last
 * full counter accepted: the smallest counter not below `last` whose low 16 bits are
 * `fCnt16`. It equals `last` for a retransmission and rolls over into the next block of
 * 65,536 when `fCnt16` is below the low bits of `last`. Throws {@link errFCntExhausted} when
 * that would pass 2^32-1 (the session must end: 32-bit counters never wrap).
 */
export function reconstructFCnt(last: number, fCnt16: number): number {
  checkUint("last FCnt", last, MAX_FCNT);
  checkUint("FCnt", fCnt16, 0xffff);
  const high = last - (last % 0x10000);
  let full = high + fCnt16;
  if (full < last) full += 0x10000;
  if (full > MAX_FCNT) throw errFCntExhausted.create({ f_cnt: fCnt16, last });
  return full;
}

/** How far `next` is ahead of `last` (0 for a retransmission, negative for an older frame). */
export function fCntGap(last: number, next: number): number {
  checkUint("last FCnt", last, MAX_FCNT);
  checkUint("FCnt", next, MAX_FCNT);
  return next - last;
}

/**
 * Whether `next` is more than `maxGap` ahead of `last`: too many frames were lost (or the
 * counter was reset) and LoRaWAN 1.0.0–1.0.3 say to drop the frame (see {@link MAX_FCNT_GAP_10}).
 */
export function fCntGapExceeds(last: number, next: number, maxGap: number): boolean {
  checkUint("max FCnt gap", maxGap, MAX_FCNT);
  return fCntGap(last, next) > maxGap;
}
