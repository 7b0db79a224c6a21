/**
 * Turns what a script returned (already JSON, parsed) into the formatter results, the way The
 * Things Stack reads them: a non-empty `errors` means the call failed; `warnings` and `errors`
 * are arrays of strings; `data` is an object; `bytes` are integers 0–255; `fPort` is an
 * application port. Anything else is junk and becomes an error naming what was wrong.
 */
import type { JsonObject, JsonValue } from "@bufbuild/protobuf";
import type { DecodedDownlink, DecodedUplink, EncodedDownlink } from "./payload-formatters.ts";

/** The application FPorts (0 carries MAC commands, 224 the test protocol). */
const minFPort = 1;
const maxFPort = 223;

type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

function isObject(value: unknown): value is Record<string, JsonValue> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

function strings(value: unknown, name: string): Checked<string[]> {
  if (value === undefined || value === null) return { ok: true, value: [] };
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    return { ok: false, error: `${name} must be an array of strings` };
  }
  return { ok: true, value };
}

/** The `data` of a result: an object, or absent. */
function dataOf(value: unknown, name: string): Checked<JsonObject | undefined> {
  if (value === undefined || value === null) return { ok: true, value: undefined };
  if (!isObject(value))
    return { ok: false, error: `${name} must be an object, not ${describe(value)}` };
  return { ok: true, value };
}

/** The common part of every Payload Codec API result. */
function messages(
  result: unknown,
  fn: string,
): Checked<{ result: Record<string, JsonValue>; warnings: string[]; errors: string[] }> {
  if (!isObject(result))
    return { ok: false, error: `${fn} must return an object, not ${describe(result)}` };
  const warnings = strings(result.warnings, `${fn} warnings`);
  if (!warnings.ok) return warnings;
  const errors = strings(result.errors, `${fn} errors`);
  if (!errors.ok) return errors;
  return { ok: true, value: { result, warnings: warnings.value, errors: errors.value } };
}

/** Reads the wrapper's `{decoded, normalized?, normalizeError?, legacy?}`. */
export function readDecodedUplink(output: Record<string, unknown>): DecodedUplink {
  const fn = output.legacy === true ? "Decoder" : "decodeUplink";
  if (output.legacy === true) {
    const data = dataOf((output.decoded as { data?: unknown } | null)?.data, "Decoder's result");
    if (!data.ok) return { warnings: [], errors: [data.error] };
    if (data.value === undefined) return { warnings: [], errors: ["Decoder returned no object"] };
    return { data: data.value, warnings: [], errors: [] };
  }
  const read = messages(output.decoded, fn);
  if (!read.ok) return { warnings: [], errors: [read.error] };
  const { result, warnings, errors } = read.value;
  if (errors.length > 0) return { warnings, errors };
  const data = dataOf(result.data, "decodeUplink data");
  if (!data.ok) return { warnings, errors: [data.error] };
  const decoded: DecodedUplink = { warnings, errors: [] };
  if (data.value !== undefined) decoded.data = data.value;
  if (typeof output.normalizeError === "string") {
    decoded.normalized = { data: [], warnings: [], errors: [output.normalizeError] };
  } else if ("normalized" in output) {
    decoded.normalized = readNormalized(output.normalized);
  }
  return decoded;
}

function readNormalized(output: unknown): NonNullable<DecodedUplink["normalized"]> {
  const read = messages(output, "normalizeUplink");
  if (!read.ok) return { data: [], warnings: [], errors: [read.error] };
  const { result, warnings, errors } = read.value;
  if (errors.length > 0) return { data: [], warnings, errors };
  const data = result.data;
  if (data === undefined || data === null) return { data: [], warnings, errors: [] };
  // One measurement or an array of them, as TTS accepts.
  const measurements = Array.isArray(data) ? data : [data];
  if (!measurements.every(isObject)) {
    return {
      data: [],
      warnings,
      errors: ["normalizeUplink data must be an object or an array of objects"],
    };
  }
  return { data: measurements as JsonObject[], warnings, errors: [] };
}

function bytesOf(value: unknown, fn: string): Checked<Uint8Array> {
  if (!Array.isArray(value))
    return { ok: false, error: `${fn} bytes must be an array, not ${describe(value)}` };
  for (let i = 0; i < value.length; i++) {
    const byte = value[i];
    if (typeof byte !== "number" || !Number.isInteger(byte) || byte < 0 || byte > 255) {
      return {
        ok: false,
        error: `${fn} bytes[${i}] must be an integer 0-255, not ${JSON.stringify(byte)}`,
      };
    }
  }
  return { ok: true, value: Uint8Array.from(value as number[]) };
}

/** Reads the wrapper's `{encoded, legacy?}`. */
export function readEncodedDownlink(output: Record<string, unknown>): EncodedDownlink {
  const fn = output.legacy === true ? "Encoder" : "encodeDownlink";
  const read = messages(output.encoded, fn);
  if (!read.ok) return { warnings: [], errors: [read.error] };
  const { result, warnings, errors } = read.value;
  if (errors.length > 0) return { warnings, errors };
  const bytes = bytesOf(result.bytes, fn);
  if (!bytes.ok) return { warnings, errors: [bytes.error] };
  const encoded: EncodedDownlink = { bytes: bytes.value, warnings, errors: [] };
  const fPort = result.fPort;
  if (fPort !== undefined && fPort !== null) {
    if (
      typeof fPort !== "number" ||
      !Number.isInteger(fPort) ||
      fPort < minFPort ||
      fPort > maxFPort
    ) {
      return {
        warnings,
        errors: [
          `${fn} fPort must be an integer ${minFPort}-${maxFPort}, not ${JSON.stringify(fPort)}`,
        ],
      };
    }
    encoded.fPort = fPort;
  }
  return encoded;
}

/** Reads the wrapper's `{decoded}` of a downlink decoder. */
export function readDecodedDownlink(output: Record<string, unknown>): DecodedDownlink {
  const read = messages(output.decoded, "decodeDownlink");
  if (!read.ok) return { warnings: [], errors: [read.error] };
  const { result, warnings, errors } = read.value;
  if (errors.length > 0) return { warnings, errors };
  const data = dataOf(result.data, "decodeDownlink data");
  if (!data.ok) return { warnings, errors: [data.error] };
  return data.value === undefined
    ? { warnings, errors: [] }
    : { data: data.value, warnings, errors: [] };
}
