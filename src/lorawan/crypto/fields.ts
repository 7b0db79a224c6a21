/**
 * Internal helpers shared by the crypto modules: argument checks that throw this module's
 * typed errors, and writers that put display-order (big-endian) identifiers and numbers into
 * wire-order (little-endian) blocks.
 */
import { errInvalidFieldLength, errInvalidFieldValue } from "./errors.ts";

/** Throws unless `bytes` is exactly `expected` bytes long. */
export function checkLength(field: string, bytes: Uint8Array, expected: number): void {
  if (bytes.length !== expected) {
    throw errInvalidFieldLength.create({ field, expected, length: bytes.length });
  }
}

/** Throws unless `bytes` is at most `max` bytes long. */
export function checkMaxLength(field: string, bytes: Uint8Array, max: number): void {
  if (bytes.length > max) {
    throw errInvalidFieldLength.create({ field, expected: `at most ${max}`, length: bytes.length });
  }
}

/** Throws unless `value` is an integer from 0 to `max` (at most 2^32-1). */
export function checkUint(field: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw errInvalidFieldValue.create({ field, min: 0, max, value });
  }
}

/** Writes `source` (display order, MSB first) reversed, i.e. in wire order, at `offset`. */
export function writeReversed(target: Uint8Array, offset: number, source: Uint8Array): void {
  const last = source.length - 1;
  for (let i = 0; i <= last; i++) target[offset + i] = source[last - i] ?? 0;
}

/** Writes the low `size` (at most 4) bytes of the uint32 `value` little-endian at `offset`. */
export function writeUintLE(target: Uint8Array, offset: number, value: number, size: number): void {
  for (let i = 0; i < size; i++) target[offset + i] = (value >>> (8 * i)) & 0xff;
}

/** Compares `length` bytes without an early exit, so timing does not reveal where they differ. */
export function equalBytes(
  a: Uint8Array,
  aOffset: number,
  b: Uint8Array,
  bOffset: number,
  length: number,
): boolean {
  let diff = 0;
  for (let i = 0; i < length; i++) diff |= (a[aOffset + i] ?? 0) ^ (b[bOffset + i] ?? 0);
  return diff === 0;
}
