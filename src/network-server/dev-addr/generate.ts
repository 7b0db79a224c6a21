import { randomInt } from "node:crypto";
import { errNoDevAddrPrefixes } from "../errors.ts";
import { type DevAddrPrefix, mask } from "./net-id.ts";

/** Random integers in [0, max) (`max` ≤ 2^32); `crypto.randomInt` unless a test gives one. */
export type RandomBelow = (max: number) => number;

const cryptoRandom: RandomBelow = (max) =>
  // randomInt takes ranges below 2^48; a whole 32-bit space is two 16-bit halves.
  max > 0xffff ? randomInt(0, 0x10000) * 0x10000 + randomInt(0, 0x10000) : randomInt(0, max);

/**
 * A random DevAddr in one of `prefixes` (chosen uniformly, as The Things Stack does), as 4
 * bytes big-endian.
 */
export function generateDevAddr(
  prefixes: readonly DevAddrPrefix[],
  random: RandomBelow = cryptoRandom,
): Uint8Array {
  if (prefixes.length === 0) throw errNoDevAddrPrefixes.create();
  const prefix = prefixes[random(prefixes.length)] as DevAddrPrefix;
  const free = 32 - prefix.length;
  const low = free === 0 ? 0 : random(2 ** free) & ~mask(prefix.length);
  const value = (prefix.devAddr | low) >>> 0;
  return new Uint8Array([value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff]);
}

/** A DevAddr's 4 bytes as an unsigned number. */
export function devAddrNumber(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
}
