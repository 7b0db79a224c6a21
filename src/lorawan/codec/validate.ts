import { errField, errNotBytes, errTooShort } from "./errors.ts";

// Encoders take frames that may come from JSON or JavaScript callers: every field is checked
// so that a bad frame gives a typed error, never a TypeError or silently truncated bytes.

/** An integer from 0 to `max`. */
export function checkUint(field: string, value: unknown, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > max) {
    throw errField.create({ field, expected: `an integer from 0 to ${max}`, value: show(value) });
  }
  return value;
}

/** A Uint8Array of `min` to `max` bytes. */
export function checkBytes(field: string, value: unknown, min: number, max = min): Uint8Array {
  if (!(value instanceof Uint8Array) || value.length < min || value.length > max) {
    const expected = min === max ? `${min} bytes` : `${min} to ${max} bytes`;
    throw errField.create({ field, expected: `a Uint8Array of ${expected}`, value: show(value) });
  }
  return value;
}

export function checkBoolean(field: string, value: unknown): boolean {
  if (typeof value !== "boolean") {
    throw errField.create({ field, expected: "true or false", value: show(value) });
  }
  return value;
}

export function checkObject(field: string, value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null) {
    throw errField.create({ field, expected: "an object", value: show(value) });
  }
  return value as Record<string, unknown>;
}

/** Checks what a decoder was given and that it has at least `min` bytes. */
export function checkInput(bytes: unknown, what: string, min: number): Uint8Array {
  if (!(bytes instanceof Uint8Array)) {
    throw errNotBytes.create({ what, actual: describe(bytes) });
  }
  if (bytes.length < min) {
    throw errTooShort.create({ message_type: what, length: bytes.length, min });
  }
  return bytes;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return value.constructor?.name ?? "object";
  return typeof value;
}

function show(value: unknown): string {
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (typeof value === "string") return JSON.stringify(value.slice(0, 32));
  if (typeof value === "number" || typeof value === "boolean" || value === undefined) {
    return String(value);
  }
  return describe(value);
}
