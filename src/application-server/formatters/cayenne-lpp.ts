/**
 * Cayenne Low Power Payload, as The Things Stack reads and writes it.
 *
 * Uplinks carry records `channel, type, value…`; each becomes the key `{name}_{channel}` of the
 * decoded object (`temperature_1: 23.5`, `gps_3: {latitude, longitude, altitude}`). The types
 * and scales are those of TTS (go-cayenne-lib): the Cayenne set plus voltage, current,
 * frequency and energy; barometric pressure is read signed, as TTS reads it. Downlinks in TTS's
 * own form carry `channel, int16 value × 100` records written from `value_{channel}` keys.
 * Pure code: no I/O.
 */
import type { JsonObject, JsonValue } from "@bufbuild/protobuf";

/** The outcome of a CayenneLPP conversion: a failure names the record or key at fault. */
export type LppResult<T> =
  | { ok: true; value: T; warnings: string[] }
  | { ok: false; error: string };

interface Field {
  /** Bytes of the field, big-endian two's complement when signed. */
  size: 1 | 2 | 3;
  signed: boolean;
  /** Raw units per unit of the JSON value (10 for 0.1 °C). */
  scale: number;
}

interface LppType {
  code: number;
  name: string;
  /** One field for a number; several named fields for an object value. */
  fields: Field | Record<string, Field>;
}

const u8: Field = { size: 1, signed: false, scale: 1 };
const s16 = (scale: number): Field => ({ size: 2, signed: true, scale });
const s24 = (scale: number): Field => ({ size: 3, signed: true, scale });

/** Every type TTS decodes, by LPP type code (IPSO object id − 3200). */
const types: LppType[] = [
  { code: 0, name: "digital_in", fields: u8 },
  { code: 1, name: "digital_out", fields: u8 },
  { code: 2, name: "analog_in", fields: s16(100) },
  { code: 3, name: "analog_out", fields: s16(100) },
  { code: 101, name: "luminosity", fields: { size: 2, signed: false, scale: 1 } },
  { code: 102, name: "presence", fields: u8 },
  { code: 103, name: "temperature", fields: s16(10) },
  { code: 104, name: "relative_humidity", fields: { size: 1, signed: false, scale: 2 } },
  { code: 113, name: "accelerometer", fields: { x: s16(1000), y: s16(1000), z: s16(1000) } },
  { code: 115, name: "barometric_pressure", fields: s16(10) },
  { code: 116, name: "voltage", fields: s16(100) },
  { code: 117, name: "current", fields: s16(100) },
  { code: 118, name: "frequency", fields: s16(100) },
  { code: 131, name: "energy", fields: s24(100) },
  { code: 134, name: "gyrometer", fields: { x: s16(100), y: s16(100), z: s16(100) } },
  {
    code: 136,
    name: "gps",
    fields: { latitude: s24(10000), longitude: s24(10000), altitude: s24(100) },
  },
];

const typesByCode = new Map(types.map((type) => [type.code, type]));
const typesByName = new Map(types.map((type) => [type.name, type]));

function isField(fields: LppType["fields"]): fields is Field {
  return typeof (fields as Field).size === "number";
}

function fieldList(type: LppType): Array<[string | undefined, Field]> {
  return isField(type.fields) ? [[undefined, type.fields]] : Object.entries(type.fields);
}

function typeSize(type: LppType): number {
  return fieldList(type).reduce((sum, [, field]) => sum + field.size, 0);
}

function readField(bytes: Uint8Array, offset: number, field: Field): number {
  let raw = 0;
  for (let i = 0; i < field.size; i++) raw = raw * 256 + (bytes[offset + i] as number);
  const span = 2 ** (8 * field.size);
  if (field.signed && raw >= span / 2) raw -= span;
  return raw / field.scale;
}

/** The raw integer of `value`, or why it does not fit the field. */
function rawOf(value: number, field: Field): number | string {
  const raw = Math.round(value * field.scale);
  const span = 2 ** (8 * field.size);
  const [min, max] = field.signed ? [-span / 2, span / 2 - 1] : [0, span - 1];
  if (raw < min || raw > max) {
    return `${value} is out of range [${min / field.scale}, ${max / field.scale}]`;
  }
  return raw;
}

function writeField(out: number[], raw: number, field: Field): void {
  let unsigned = raw < 0 ? raw + 2 ** (8 * field.size) : raw;
  const start = out.length;
  for (let i = field.size - 1; i >= 0; i--) {
    out[start + i] = unsigned % 256;
    unsigned = Math.floor(unsigned / 256);
  }
}

/** Decodes an uplink's records into TTS's object (`{name}_{channel}` keys; a later record of the same key wins). */
export function decodeLppUplink(bytes: Uint8Array): LppResult<JsonObject> {
  const data: JsonObject = {};
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + 2 > bytes.length) {
      return { ok: false, error: `CayenneLPP: truncated record header at byte ${offset}` };
    }
    const channel = bytes[offset] as number;
    const code = bytes[offset + 1] as number;
    const type = typesByCode.get(code);
    if (type === undefined) {
      return { ok: false, error: `CayenneLPP: unknown type ${code} at byte ${offset + 1}` };
    }
    offset += 2;
    if (offset + typeSize(type) > bytes.length) {
      return { ok: false, error: `CayenneLPP: truncated ${type.name} value on channel ${channel}` };
    }
    let value: JsonValue;
    if (isField(type.fields)) {
      value = readField(bytes, offset, type.fields);
      offset += type.fields.size;
    } else {
      const object: JsonObject = {};
      for (const [name, field] of Object.entries(type.fields)) {
        object[name] = readField(bytes, offset, field);
        offset += field.size;
      }
      value = object;
    }
    data[`${type.name}_${channel}`] = value;
  }
  return { ok: true, value: data, warnings: [] };
}

const keyPattern = /^([a-z_]+)_(\d{1,3})$/;

/** Splits `temperature_1` into its name and channel; undefined when it is not of that form. */
function parseKey(key: string): { name: string; channel: number } | undefined {
  const match = keyPattern.exec(key);
  if (match === null) return undefined;
  const channel = Number(match[2]);
  if (channel > 255) return undefined;
  return { name: match[1] as string, channel };
}

/** Appends `header` and `value` written as `fields` to `out`; returns why it cannot, if so. */
function encodeRecord(
  key: string,
  header: number[],
  fields: LppType["fields"],
  value: JsonValue,
  out: number[],
): string | undefined {
  const record = [...header];
  for (const [name, field] of isField(fields)
    ? [[undefined, fields] as const]
    : Object.entries(fields)) {
    const part =
      name === undefined
        ? value
        : typeof value === "object" && value !== null && !Array.isArray(value)
          ? value[name]
          : undefined;
    if (typeof part !== "number" || !Number.isFinite(part)) {
      return name === undefined
        ? `CayenneLPP: ${key} must be a number`
        : `CayenneLPP: ${key}.${name} must be a number`;
    }
    const raw = rawOf(part, field);
    if (typeof raw === "string")
      return `CayenneLPP: ${name === undefined ? key : `${key}.${name}`}: ${raw}`;
    writeField(record, raw, field);
  }
  out.push(...record);
  return undefined;
}

/**
 * Encodes an object of TTS's uplink shape back into LPP records (the inverse of
 * {@link decodeLppUplink}); keys of no LPP type are skipped with a warning, as TTS skips them.
 */
export function encodeLppUplink(data: JsonObject): LppResult<Uint8Array> {
  const out: number[] = [];
  const warnings: string[] = [];
  for (const [key, value] of Object.entries(data)) {
    const parsed = parseKey(key);
    const type = parsed && typesByName.get(parsed.name);
    if (parsed === undefined || type === undefined) {
      warnings.push(`CayenneLPP: key ${key} skipped: not {type}_{channel}`);
      continue;
    }
    const error = encodeRecord(key, [parsed.channel, type.code], type.fields, value, out);
    if (error !== undefined) return { ok: false, error };
  }
  return { ok: true, value: Uint8Array.from(out), warnings };
}

const valueField = s16(100);

/** Decodes TTS's downlink form (`channel, int16 × 100` records, 0xFF ends) into `value_{channel}` keys. */
export function decodeLppDownlink(bytes: Uint8Array): LppResult<JsonObject> {
  const data: JsonObject = {};
  let offset = 0;
  while (offset < bytes.length) {
    const channel = bytes[offset] as number;
    if (channel === 0xff) break;
    if (offset + 3 > bytes.length) {
      return { ok: false, error: `CayenneLPP: truncated value on channel ${channel}` };
    }
    data[`value_${channel}`] = readField(bytes, offset + 1, valueField);
    offset += 3;
  }
  return { ok: true, value: data, warnings: [] };
}

/**
 * Encodes a downlink: `value_{channel}` keys in TTS's downlink form, or keys of LPP types as
 * uplink-style records for devices that take those; a mix of both forms is refused because the
 * device could not tell them apart.
 */
export function encodeLppDownlink(data: JsonObject): LppResult<Uint8Array> {
  const keys = Object.keys(data);
  const isValueKey = (key: string) => parseKey(key)?.name === "value";
  const valueKeys = keys.filter(isValueKey);
  if (valueKeys.length === 0) return encodeLppUplink(data);
  const typed = keys.filter(
    (key) => !isValueKey(key) && typesByName.has(parseKey(key)?.name ?? ""),
  );
  if (typed.length > 0) {
    return {
      ok: false,
      error: `CayenneLPP: value_{channel} keys cannot be mixed with typed keys (${typed[0]})`,
    };
  }
  const out: number[] = [];
  const warnings: string[] = [];
  for (const key of keys) {
    if (!valueKeys.includes(key)) {
      warnings.push(`CayenneLPP: key ${key} skipped: not value_{channel}`);
      continue;
    }
    const channel = (parseKey(key) as { channel: number }).channel;
    // 0xFF ends the record list in this form.
    if (channel === 0xff)
      return {
        ok: false,
        error: "CayenneLPP: value_255 cannot be encoded (channel 255 ends the list)",
      };
    const error = encodeRecord(key, [channel], valueField, data[key] as JsonValue, out);
    if (error !== undefined) return { ok: false, error };
  }
  return { ok: true, value: Uint8Array.from(out), warnings };
}
