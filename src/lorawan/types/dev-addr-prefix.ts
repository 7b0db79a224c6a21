import {
  DEV_ADDR_LENGTH,
  type DevAddr,
  devAddrFromUint32,
  devAddrToUint32,
  formatDevAddr,
  parseDevAddr,
} from "./dev-addr.ts";
import { errInvalidDevAddrPrefix, errNwkAddrOutOfRange } from "./errors.ts";
import { type NetId, netIdNwkId, netIdType } from "./net-id.ts";
import { lowMask, nwkAddrBits, nwkIdBits, typePrefixBits } from "./net-id-types.ts";

/** The first `length` bits of `devAddr`: a block of addresses, written `26000000/7`. */
export interface DevAddrPrefix {
  readonly devAddr: DevAddr;
  /** Number of significant leading bits, 0 to 32. */
  readonly length: number;
}

/** The DevAddr block of a NetID: its type prefix followed by its NwkID. */
export function devAddrPrefixForNetId(netId: NetId): DevAddrPrefix {
  const type = netIdType(netId);
  const value = (typePrefixBits(type) | (netIdNwkId(netId) << nwkAddrBits(type))) >>> 0;
  return { devAddr: devAddrFromUint32(value), length: type + 1 + nwkIdBits(type) };
}

/** The DevAddr with `nwkAddr` in the block of `netId`; a typed error if it does not fit. */
export function makeDevAddr(netId: NetId, nwkAddr: number): DevAddr {
  const type = netIdType(netId);
  const bits = nwkAddrBits(type);
  if (!Number.isInteger(nwkAddr) || nwkAddr < 0 || nwkAddr > lowMask(bits)) {
    throw errNwkAddrOutOfRange.create({ nwk_addr: nwkAddr, bits, net_id_type: type });
  }
  const prefix = devAddrPrefixForNetId(netId);
  return devAddrFromUint32((devAddrToUint32(prefix.devAddr) | nwkAddr) >>> 0);
}

/** Whether the first `prefix.length` bits of `devAddr` are those of `prefix.devAddr`. */
export function devAddrHasPrefix(devAddr: DevAddr, prefix: DevAddrPrefix): boolean {
  if (prefix.length <= 0) return true;
  const mask = prefix.length >= 32 ? 0xffffffff : (0xffffffff << (32 - prefix.length)) >>> 0;
  return ((devAddrToUint32(devAddr) ^ devAddrToUint32(prefix.devAddr)) & mask) === 0;
}

/** Whether `devAddr` lies in the DevAddr block of `netId`. */
export function devAddrBelongsToNetId(devAddr: DevAddr, netId: NetId): boolean {
  return devAddrHasPrefix(devAddr, devAddrPrefixForNetId(netId));
}

/** Parses `26000000/7`; without `/length` the prefix is the whole address (32 bits). */
export function parseDevAddrPrefix(text: string): DevAddrPrefix {
  const trimmed = typeof text === "string" ? text.trim() : "";
  const slash = trimmed.indexOf("/");
  const lengthText = slash < 0 ? "32" : trimmed.slice(slash + 1).trim();
  if (!/^\d{1,2}$/.test(lengthText) || Number(lengthText) > DEV_ADDR_LENGTH * 8) {
    throw errInvalidDevAddrPrefix.create({ input: String(text).slice(0, 64) });
  }
  const devAddr = parseDevAddr(slash < 0 ? trimmed : trimmed.slice(0, slash), "DevAddr prefix");
  return { devAddr, length: Number(lengthText) };
}

/** Formats a prefix as `26000000/7`. */
export function formatDevAddrPrefix(prefix: DevAddrPrefix): string {
  return `${formatDevAddr(prefix.devAddr)}/${prefix.length}`;
}
