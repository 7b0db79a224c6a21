import {
  errDevAddrPrefixOutsideNetId,
  errInvalidDevAddrPrefix,
  errInvalidNetId,
} from "../errors.ts";
import { type DevAddrPrefix, mask, netIdPrefix, prefixWithin } from "./net-id.ts";

const prefixPattern = /^([0-9a-fA-F]{8})\/([0-9]|[12][0-9]|3[0-2])$/;

/** A 24-bit NetID from 6 hexadecimal digits. */
export function parseNetId(text: string): number {
  if (!/^[0-9a-fA-F]{6}$/.test(text)) throw errInvalidNetId.create({ net_id: text });
  return Number.parseInt(text, 16);
}

/** `"26000000/7"`: the address in 8 upper-case hexadecimal digits and the length. */
export function formatDevAddrPrefix(prefix: DevAddrPrefix): string {
  return `${prefix.devAddr.toString(16).toUpperCase().padStart(8, "0")}/${prefix.length}`;
}

/** Parses `"<DevAddr>/<length>"`; bits below the length are cleared, as a range means. */
export function parseDevAddrPrefix(text: string): DevAddrPrefix {
  const match = prefixPattern.exec(text);
  if (!match) throw errInvalidDevAddrPrefix.create({ prefix: text });
  const length = Number(match[2]);
  return { devAddr: (Number.parseInt(match[1] as string, 16) & mask(length)) >>> 0, length };
}

/**
 * The configured DevAddr prefixes (`ns.dev_addr_prefixes`) checked against the NetID: each
 * must lie in the NetID's range, since the network is routed only that range. None given: the
 * NetID's whole range.
 */
export function devAddrPrefixesOf(netId: number, texts: readonly string[]): DevAddrPrefix[] {
  const own = netIdPrefix(netId);
  if (texts.length === 0) return [own];
  return texts.map((text) => {
    const prefix = parseDevAddrPrefix(text);
    if (!prefixWithin(prefix, own))
      throw errDevAddrPrefixOutsideNetId.create({
        prefix: text,
        net_id_prefix: formatDevAddrPrefix(own),
        net_id: netId.toString(16).toUpperCase().padStart(6, "0"),
      });
    return prefix;
  });
}
