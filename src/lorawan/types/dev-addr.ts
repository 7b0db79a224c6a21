import { assertBytes } from "./bytes.ts";
import { formatHex, parseHexBytes } from "./hex.ts";
import { lowMask, type NetIdType, nwkAddrBits, nwkIdBits } from "./net-id-types.ts";

/** A 32-bit end-device address, in display order (`260B1234`). */
export type DevAddr = Uint8Array;

export const DEV_ADDR_LENGTH = 4;

/** Parses a DevAddr as users type it: `260B1234`, `26-0B-12-34`, `26:0b:12:34`. */
export function parseDevAddr(text: string, kind = "DevAddr"): DevAddr {
  return parseHexBytes(text, DEV_ADDR_LENGTH, kind, "260B1234");
}

/** Upper-case hex, e.g. `260B1234`. */
export function formatDevAddr(devAddr: DevAddr): string {
  assertBytes(devAddr, DEV_ADDR_LENGTH, "DevAddr");
  return formatHex(devAddr);
}

/** The DevAddr as an unsigned 32-bit number, handy as a map key on the uplink path. */
export function devAddrToUint32(devAddr: DevAddr): number {
  assertBytes(devAddr, DEV_ADDR_LENGTH, "DevAddr");
  return (
    (((devAddr[0] ?? 0) << 24) |
      ((devAddr[1] ?? 0) << 16) |
      ((devAddr[2] ?? 0) << 8) |
      (devAddr[3] ?? 0)) >>>
    0
  );
}

/** The DevAddr of an unsigned 32-bit number. */
export function devAddrFromUint32(value: number): DevAddr {
  return new Uint8Array([value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff]);
}

/**
 * The NetID type a DevAddr belongs to: the number of one bits before its first zero bit.
 * `undefined` for addresses starting with 0xFF, which belong to no type.
 */
export function devAddrNetIdType(devAddr: DevAddr): NetIdType | undefined {
  assertBytes(devAddr, DEV_ADDR_LENGTH, "DevAddr");
  const leadingOnes = Math.clz32(~((devAddr[0] ?? 0) << 24));
  return leadingOnes >= 8 ? undefined : (leadingOnes as NetIdType);
}

/** The NwkID carried by a DevAddr (after its type prefix), `undefined` if it has no type. */
export function devAddrNwkId(devAddr: DevAddr): number | undefined {
  const type = devAddrNetIdType(devAddr);
  if (type === undefined) return undefined;
  return (devAddrToUint32(devAddr) >>> nwkAddrBits(type)) & lowMask(nwkIdBits(type));
}

/** The NwkAddr of a DevAddr (the bits after type prefix and NwkID), `undefined` if no type. */
export function devAddrNwkAddr(devAddr: DevAddr): number | undefined {
  const type = devAddrNetIdType(devAddr);
  if (type === undefined) return undefined;
  return (devAddrToUint32(devAddr) & lowMask(nwkAddrBits(type))) >>> 0;
}
