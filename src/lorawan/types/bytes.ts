import { errInvalidBytes } from "./errors.ts";

/**
 * LoRaWAN puts EUIs, DevAddr and NetID on the air least significant byte first, while users
 * read and write them most significant byte first. Values in this library are kept in that
 * display order; these helpers move between the two.
 */

/** A reversed copy of `bytes`: display order to wire order and back. */
export function reverseBytes(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0, j = bytes.length - 1; j >= 0; i++, j--) out[i] = bytes[j] ?? 0;
  return out;
}

/** The wire (little-endian) bytes of a value held in display order. */
export const toWireOrder: (displayOrder: Uint8Array) => Uint8Array = reverseBytes;

/** The display (big-endian) bytes of a value received in wire order. */
export const fromWireOrder: (wireOrder: Uint8Array) => Uint8Array = reverseBytes;

/** Reads `length` wire-order bytes at `offset` of `source` into a new display-order array. */
export function readWireOrder(source: Uint8Array, offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0, j = offset + length - 1; i < length; i++, j--) out[i] = source[j] ?? 0;
  return out;
}

/** Writes display-order `value` at `offset` of `target` in wire order. */
export function writeWireOrder(target: Uint8Array, offset: number, value: Uint8Array): void {
  for (let i = 0, j = offset + value.length - 1; i < value.length; i++, j--) {
    target[j] = value[i] ?? 0;
  }
}

/** Whether `a` and `b` hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Throws a typed error unless `value` is a Uint8Array of `size` bytes. */
export function assertBytes(
  value: unknown,
  size: number,
  kind: string,
): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array) || value.length !== size) {
    throw errInvalidBytes.create({
      kind,
      expected: size,
      actual: value instanceof Uint8Array ? `${value.length} bytes` : typeof value,
    });
  }
}
