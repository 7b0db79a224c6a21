// Readers of JSON fields that answer `undefined` for anything unexpected, so that callers
// turn a bad value into a drop reason instead of an exception.

/** A JSON object (not an array, not null) as parsed. */
export type JsonObject = { readonly [key: string]: unknown };

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An integer in [min, max] (both within the safe range). */
export function readInteger(value: unknown, min: number, max: number): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max
    ? value
    : undefined;
}

/** A signed 64-bit integer, given as a JSON number or (beyond 2^53) a bigint. */
export function readInt64(value: unknown): bigint | undefined {
  let number: bigint;
  if (typeof value === "bigint") number = value;
  else if (typeof value === "number" && Number.isInteger(value)) number = BigInt(value);
  else return undefined;
  return number >= INT64_MIN && number <= INT64_MAX ? number : undefined;
}

export function readFinite(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

/** Bytes of a hex string (either case, even length, at most `maxBytes`); else undefined. */
export function readHex(value: unknown, maxBytes: number): Uint8Array | undefined {
  if (typeof value !== "string" || value.length % 2 !== 0 || value.length > maxBytes * 2)
    return undefined;
  const bytes = new Uint8Array(value.length / 2);
  for (let index = 0; index < bytes.length; index++) {
    const high = hexValue(value.charCodeAt(2 * index));
    const low = hexValue(value.charCodeAt(2 * index + 1));
    if (high < 0 || low < 0) return undefined;
    bytes[index] = (high << 4) | low;
  }
  return bytes;
}

/** Upper-case hex, as station writes FOpts and FRMPayload. */
export function formatUpperHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString("hex")
    .toUpperCase();
}
