/**
 * Small wire helpers shared by the command codecs: little-endian integers (LoRaWAN's octet order
 * for every multi-octet field), the 24-bit ×100 Hz frequency and checked field values.
 */
import { errInvalidField } from "./errors.ts";

/** The largest frequency a 24-bit ×100 Hz field can carry: 1,677,721,500 Hz. */
export const MAX_WIRE_FREQUENCY = 0xffffff * 100;

/** Checks that `value` is an integer in [min, max] and returns it. */
export function checkInt(
  command: string,
  field: string,
  value: unknown,
  min: number,
  max: number,
): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw errInvalidField.create({
      command,
      field,
      value: describe(value),
      expected: `an integer from ${min} to ${max}`,
    });
  }
  return value;
}

/** Checks that `value` is a boolean and returns it as 0 or 1. */
export function checkBit(command: string, field: string, value: unknown): number {
  if (typeof value !== "boolean") {
    throw errInvalidField.create({ command, field, value: describe(value), expected: "a boolean" });
  }
  return value ? 1 : 0;
}

/** Whether bit `n` of `byte` is set. */
export function bit(byte: number, n: number): boolean {
  return ((byte >> n) & 1) === 1;
}

/** Reads the 24-bit little-endian frequency field at `offset`, in Hz. */
export function readFrequency(bytes: Uint8Array, offset: number): number {
  return readUint24(bytes, offset) * 100;
}

/** Checks a frequency in Hz (a multiple of 100 that fits 24 bits) and writes it at `offset`. */
export function writeFrequency(
  command: string,
  field: string,
  hz: unknown,
  out: Uint8Array,
  offset: number,
): void {
  if (
    typeof hz !== "number" ||
    !Number.isInteger(hz) ||
    hz < 0 ||
    hz > MAX_WIRE_FREQUENCY ||
    hz % 100 !== 0
  ) {
    throw errInvalidField.create({
      command,
      field,
      value: describe(hz),
      expected: `a frequency in Hz, a multiple of 100 from 0 to ${MAX_WIRE_FREQUENCY}`,
    });
  }
  writeUint24(hz / 100, out, offset);
}

export function readUint16(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] ?? 0) | ((bytes[offset + 1] ?? 0) << 8);
}

export function writeUint16(value: number, out: Uint8Array, offset: number): void {
  out[offset] = value & 0xff;
  out[offset + 1] = (value >>> 8) & 0xff;
}

export function readUint24(bytes: Uint8Array, offset: number): number {
  return readUint16(bytes, offset) | ((bytes[offset + 2] ?? 0) << 16);
}

export function writeUint24(value: number, out: Uint8Array, offset: number): void {
  writeUint16(value & 0xffff, out, offset);
  out[offset + 2] = (value >>> 16) & 0xff;
}

export function readUint32(bytes: Uint8Array, offset: number): number {
  // Multiplication, not `<< 24`, keeps the result unsigned.
  return readUint24(bytes, offset) + (bytes[offset + 3] ?? 0) * 0x1000000;
}

export function writeUint32(value: number, out: Uint8Array, offset: number): void {
  writeUint24(value % 0x1000000, out, offset);
  out[offset + 3] = Math.floor(value / 0x1000000) & 0xff;
}

/** A short, safe rendering of a bad value for an error message. */
function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.slice(0, 40));
  if (typeof value === "object" && value !== null) return Array.isArray(value) ? "array" : "object";
  return String(value);
}
