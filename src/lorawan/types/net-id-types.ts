/**
 * The eight NetID types of the LoRaWAN Backend Interfaces specification (TS002), with the
 * NwkID lengths of its errata for types 3 and 4 (11 and 12 bits, was 10 and 11 in 1.0).
 * A DevAddr of NetID type t starts with t one bits and a zero bit (the type prefix), then
 * the NwkID (the least significant bits of the NetID), then the NwkAddr chosen by the network.
 */
const nwkIdBitsByType = [6, 6, 9, 11, 12, 13, 15, 17] as const;

/** NetID-ID bits per type: the bits after the 3-bit type that carry the identity. */
const netIdIdBitsByType = [6, 6, 9, 21, 21, 21, 21, 21] as const;

/** The NetID types, 0 to 7. */
export type NetIdType = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** Length in bits of the NwkID that DevAddrs of this NetID type carry. */
export function nwkIdBits(type: NetIdType): number {
  return nwkIdBitsByType[type];
}

/** Length in bits of the NwkAddr (the part a network assigns) of this NetID type. */
export function nwkAddrBits(type: NetIdType): number {
  return 32 - (type + 1) - nwkIdBitsByType[type];
}

/** Length in bits of the NetID-ID of this NetID type. */
export function netIdIdBits(type: NetIdType): number {
  return netIdIdBitsByType[type];
}

/** The type prefix (t ones then a zero) in the top bits of a 32-bit DevAddr. */
export function typePrefixBits(type: NetIdType): number {
  return ((0xfe << (7 - type)) & 0xff) << 24;
}

/** A mask of the `bits` least significant bits (0 to 32) as an unsigned 32-bit number. */
export function lowMask(bits: number): number {
  return bits >= 32 ? 0xffffffff : (1 << bits) - 1;
}
