/**
 * NetIDs as the LoRaWAN Backend Interfaces 1.0 specification defines them (§13): the three top
 * bits are the type; the type fixes how many low bits are the NwkID and how the NwkID sits in
 * a DevAddr, behind a prefix of `type + 1` bits (`0`, `10`, `110`, ... `11111110`).
 */

/** NwkID length in bits, by NetID type 0 to 7. */
const nwkIdBits = [6, 6, 9, 10, 11, 13, 15, 17] as const;

/** A DevAddr range: the addresses whose first `length` bits equal `devAddr`'s. */
export interface DevAddrPrefix {
  /** The first address (bits below `length` are zero), as an unsigned 32-bit number. */
  readonly devAddr: number;
  /** 0 to 32. */
  readonly length: number;
}

/** The type (0 to 7) of a 24-bit NetID. */
export function netIdType(netId: number): number {
  return (netId >>> 21) & 0b111;
}

/** The NwkID of a NetID: its low bits, as many as its type says. */
export function nwkId(netId: number): number {
  const bits = nwkIdBits[netIdType(netId)] as number;
  return netId & ((1 << bits) - 1);
}

/** The DevAddr range a NetID owns: the type's prefix followed by the NwkID. */
export function netIdPrefix(netId: number): DevAddrPrefix {
  const type = netIdType(netId);
  const typeBits = type + 1;
  const idBits = nwkIdBits[type] as number;
  // `type` ones then a zero, e.g. type 2 → 110.
  const typePrefix = ((1 << typeBits) - 2) >>> 0;
  const length = typeBits + idBits;
  const value = ((typePrefix << idBits) | nwkId(netId)) >>> 0;
  return { devAddr: (value << (32 - length)) >>> 0, length };
}

/** Whether `inner` lies within `outer` (same first `outer.length` bits, at least as long). */
export function prefixWithin(inner: DevAddrPrefix, outer: DevAddrPrefix): boolean {
  if (inner.length < outer.length) return false;
  return (inner.devAddr & mask(outer.length)) >>> 0 === outer.devAddr;
}

/** Whether `devAddr` lies within `prefix`. */
export function hasPrefix(devAddr: number, prefix: DevAddrPrefix): boolean {
  return (devAddr & mask(prefix.length)) >>> 0 === prefix.devAddr;
}

/** The 32-bit mask of the first `length` bits. */
export function mask(length: number): number {
  return length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
}
