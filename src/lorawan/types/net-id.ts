import { assertBytes } from "./bytes.ts";
import { formatHex, parseHexBytes } from "./hex.ts";
import { lowMask, type NetIdType, netIdIdBits, nwkIdBits } from "./net-id-types.ts";

/** A 24-bit LoRaWAN network identifier, in display order (`000013` is The Things Network). */
export type NetId = Uint8Array;

export const NET_ID_LENGTH = 3;

/** Parses a NetID as users type it: `000013`, `00-00-13`, `00:00:13`. */
export function parseNetId(text: string, kind = "NetID"): NetId {
  return parseHexBytes(text, NET_ID_LENGTH, kind, "000013");
}

/** Upper-case hex, e.g. `000013`. */
export function formatNetId(netId: NetId): string {
  assertBytes(netId, NET_ID_LENGTH, "NetID");
  return formatHex(netId);
}

/** The NetID as a number (0 to 0xFFFFFF). */
export function netIdToUint24(netId: NetId): number {
  assertBytes(netId, NET_ID_LENGTH, "NetID");
  return ((netId[0] ?? 0) << 16) | ((netId[1] ?? 0) << 8) | (netId[2] ?? 0);
}

/** The NetID of a number (its 24 least significant bits). */
export function netIdFromUint24(value: number): NetId {
  return new Uint8Array([(value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff]);
}

/** The NetID type: its 3 most significant bits. */
export function netIdType(netId: NetId): NetIdType {
  assertBytes(netId, NET_ID_LENGTH, "NetID");
  return ((netId[0] ?? 0) >>> 5) as NetIdType;
}

/** The NetID-ID: 6 bits for types 0 and 1, 9 bits for type 2, 21 bits for types 3 to 7. */
export function netIdId(netId: NetId): number {
  return netIdToUint24(netId) & lowMask(netIdIdBits(netIdType(netId)));
}

/** The NwkID that DevAddrs of this NetID carry: the NetID's least significant NwkID bits. */
export function netIdNwkId(netId: NetId): number {
  return netIdToUint24(netId) & lowMask(nwkIdBits(netIdType(netId)));
}
