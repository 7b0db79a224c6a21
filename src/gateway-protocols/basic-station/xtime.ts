/**
 * Basics Station's `xtime` (src/ral.h): bit 63 is 0, bits 62–56 the radio unit (txunit),
 * bits 55–48 a random session id that changes when station restarts its radio, bits 47–0
 * the concentrator's microsecond counter. A downlink's xtime must carry the session and unit
 * of the uplinks it answers, or station refuses it.
 */

const TICKS_BITS = 48n;
const TICKS_MASK = (1n << TICKS_BITS) - 1n;

/** The 48-bit microsecond counter of an xtime. */
export function xtimeTicks(xtime: bigint): bigint {
  return xtime & TICKS_MASK;
}

/** The session id (bits 55–48). */
export function xtimeSession(xtime: bigint): number {
  return Number((xtime >> 48n) & 0xffn);
}

/** The radio unit (bits 62–56): the `rctx` station uses when a dnmsg has none. */
export function xtimeTxUnit(xtime: bigint): number {
  return Number((xtime >> 56n) & 0x7fn);
}

/**
 * The xtime of concentrator time `ticks` (µs, taken modulo 2^48) in the session and unit of
 * `reference` (an xtime the gateway sent).
 */
export function xtimeAt(reference: bigint, ticks: bigint): bigint {
  return (reference & ~TICKS_MASK) | (ticks & TICKS_MASK);
}

/** The xtime `microseconds` after (or, negative, before) `reference`, in the same session. */
export function xtimeAfter(reference: bigint, microseconds: number | bigint): bigint {
  return xtimeAt(reference, xtimeTicks(reference) + BigInt(microseconds));
}

/**
 * The 32-bit concentrator timestamp of an xtime: what a Semtech UDP gateway would report as
 * `tmst`, and what The Things Stack puts in `rx_metadata.timestamp`.
 */
export function xtimeTimestamp(xtime: bigint): number {
  return Number(xtime & 0xffffffffn);
}
