/**
 * JSON as The Things Stack writes it, on top of @bufbuild/protobuf's reflection:
 *
 * - field names are the proto names (`dev_eui`); on input the lowerCamelCase JSON names are
 *   accepted too, as every proto3 JSON parser (and The Things Stack) does;
 * - fields with their default value are left out (TTS never emits defaults);
 * - enums by name, 64-bit integers as strings, timestamps and durations as RFC 3339 / `1.5s`
 *   strings (these well-known types are delegated to protobuf-es `toJson`/`fromJson`);
 * - `google.protobuf.FieldMask` as `{"paths": ["name", "ids.dev_eui"]}` (TTS's "legacy" field
 *   mask form, which its scripts send in PUT bodies); on input the canonical comma-separated
 *   string is accepted as well;
 * - bytes as base64, except fields marked `(lorastack.options.hex)`: upper-case hex out, hex in
 *   (either case);
 * - The Things Stack's own optional-value messages, marked `(lorastack.options.wrapper)`
 *   (`RxDelayValue`, `FrequencyValue`, `BoolValue`, ...), as their bare value
 *   (`"rx1_delay": 5`, `"desired_rx2_frequency": "869525000"`), as protobuf JSON writes
 *   google.protobuf's wrappers; on input `{"value": 5}` is accepted too;
 * - enums marked `(lorastack.options.json_number)` (DataRateIndex, DataRateOffset, RxDelay) as
 *   their number, as TTS writes them; names are accepted on input as for every enum.
 *
 * JSON is read as The Things Stack reads it, because scripts written for TTS depend on it:
 * - fields the message does not have are skipped (TTS's generated readers end in "ignore
 *   unknown field"; its own documentation sends `field_mask` in bodies that have none); the
 *   caller hears of each through `onUnknownField`, to log it;
 * - enums by name, by number, as numeric strings and by TTS's aliases (`"1.0.3"`,
 *   `"APPLICATION_INFO"`; see enum-aliases.ts), on every field of the enum's type.
 *
 * Every problem with a value of a known field becomes a typed `api/rest` error naming the field
 * path (`end_device.ids.dev_eui`, `attributes["key"]`, `parts[2].code`), never a raw exception:
 * also a string that is not valid Unicode (a lone surrogate such as `"\ud800"`, which JSON's
 * escapes can express and UTF-8 cannot).
 * The message structure is walked here rather than handed to protobuf-es `fromJson` whole
 * because that one names fields by type, not by path, and knows neither hex nor TTS masks.
 */
import {
  create,
  type DescEnum,
  type DescField,
  type DescMessage,
  fromJson,
  getOption,
  type JsonObject,
  type JsonValue,
  type Message,
  type MessageShape,
  protoInt64,
  type Registry,
  ScalarType,
  toJson,
} from "@bufbuild/protobuf";
import { type ReflectMessage, reflect } from "@bufbuild/protobuf/reflect";
import { base64Decode, base64Encode } from "@bufbuild/protobuf/wire";
import { anyPack, anyUnpack, type FieldMask } from "@bufbuild/protobuf/wkt";
import type { DefinedError } from "../../errors/index.ts";
import { hex, json_number, wrapper } from "../../gen/lorastack/options_pb.js";
import { enumNumberFromText, enumValueNamed, isEnumValue } from "./enum-json.ts";
import { errInvalidFieldValue, errInvalidHex, errMalformedJson } from "./errors.ts";

/** Options of the JSON codec. */
export interface JsonOptions {
  /** Message types that `google.protobuf.Any` values may hold. */
  registry?: Registry;
}

/** Options of {@link messageFromJson}. */
export interface ReadOptions extends JsonOptions {
  /** Told the path (`end_device.colour`) of every field that was skipped as unknown. */
  onUnknownField?: (path: string) => void;
}

// Options are read once per descriptor: reading one builds an extension container each time,
// and the uplink path writes every message of every integration as JSON.
const hexFields = new WeakMap<DescField, boolean>();
const wrappedFields = new WeakMap<DescMessage, DescField | null>();
const numberEnums = new WeakMap<DescEnum, boolean>();
const enumNames = new WeakMap<DescEnum, Map<number, string>>();

/** Whether a field is marked `(lorastack.options.hex)`: its bytes are written as hex. */
export function isHexField(field: DescField): boolean {
  let known = hexFields.get(field);
  if (known === undefined) {
    known = field.fieldKind !== "map" && getOption(field, hex) === true;
    hexFields.set(field, known);
  }
  return known;
}

/**
 * The `value` field of a message marked `(lorastack.options.wrapper)`, whose JSON form is that
 * field's; `undefined` for other messages.
 */
export function wrappedField(desc: DescMessage): DescField | undefined {
  let known = wrappedFields.get(desc);
  if (known === undefined) {
    const field =
      getOption(desc, wrapper) === true
        ? desc.fields.find((candidate) => candidate.name === "value")
        : undefined;
    known = field?.fieldKind === "scalar" || field?.fieldKind === "enum" ? field : null;
    wrappedFields.set(desc, known);
  }
  return known ?? undefined;
}

/** Whether an enum is marked `(lorastack.options.json_number)`: written as its number. */
export function isNumberEnum(descEnum: DescEnum): boolean {
  let known = numberEnums.get(descEnum);
  if (known === undefined) {
    known = getOption(descEnum, json_number) === true;
    numberEnums.set(descEnum, known);
  }
  return known;
}

/** An enum value's name by number (the first of aliases, as the descriptor lists them). */
function enumNameOf(descEnum: DescEnum, value: number): string | undefined {
  let names = enumNames.get(descEnum);
  if (names === undefined) {
    names = new Map();
    for (const v of descEnum.values) if (!names.has(v.number)) names.set(v.number, v.name);
    enumNames.set(descEnum, names);
  }
  return names.get(value);
}

/** Serializes a message to a JSON value as The Things Stack writes it. */
export function messageToJson<Desc extends DescMessage>(
  schema: Desc,
  message: MessageShape<Desc>,
  options: JsonOptions = {},
): JsonValue {
  return encodeMessage(reflect(schema, message), options);
}

/**
 * Serializes one field of a message (a method's `response_body`); an unset field is written
 * as its empty value (`[]`, `{}`, `""`, 0).
 */
export function encodeFieldOf<Desc extends DescMessage>(
  schema: Desc,
  message: MessageShape<Desc>,
  field: DescField,
  options: JsonOptions = {},
): JsonValue {
  return encodeField(field, reflect(schema, message).get(field), options);
}

/**
 * Builds a message from a parsed JSON value (see {@link parseJson}), skipping unknown fields.
 * Throws an `api/rest` invalid-argument error naming the field path on invalid values.
 */
export function messageFromJson<Desc extends DescMessage>(
  schema: Desc,
  json: unknown,
  options: ReadOptions = {},
): MessageShape<Desc> {
  return decodeMessage(schema, json, "", options).message as MessageShape<Desc>;
}

/** Parses JSON text; malformed text becomes an `api/rest:malformed_json` error. */
export function parseJson(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw errMalformedJson.create({ reason: (error as Error).message }, error);
  }
}

// ---- encoding -------------------------------------------------------------------------------

function encodeMessage(message: ReflectMessage, options: JsonOptions): JsonValue {
  const typeName = message.desc.typeName;
  if (typeName === "google.protobuf.FieldMask") {
    return { paths: [...(message.message as FieldMask).paths] };
  }
  if (typeName === "google.protobuf.Any") return encodeAny(message, options);
  const wrapped = wrappedField(message.desc);
  if (wrapped) return encodeField(wrapped, message.get(wrapped), options);
  if (typeName.startsWith("google.protobuf.")) {
    // Timestamp, Duration, wrappers, Struct/Value/ListValue, Empty: protobuf's JSON forms.
    return toJson(message.desc, message.message, {
      useProtoFieldName: true,
      registry: options.registry,
    });
  }
  const json: JsonObject = {};
  for (const field of message.fields) {
    if (!message.isSet(field)) continue;
    json[field.name] = encodeField(field, message.get(field), options);
  }
  return json;
}

function encodeField(field: DescField, value: unknown, options: JsonOptions): JsonValue {
  switch (field.fieldKind) {
    case "list": {
      const items: JsonValue[] = [];
      for (const item of value as Iterable<unknown>) {
        items.push(encodeSingular(field, field.listKind, item, options));
      }
      return items;
    }
    case "map": {
      const entries: JsonObject = {};
      for (const [key, item] of value as ReadonlyMap<unknown, unknown>) {
        entries[String(key)] = encodeSingular(field, field.mapKind, item, options);
      }
      return entries;
    }
    default:
      return encodeSingular(field, field.fieldKind, value, options);
  }
}

function encodeSingular(
  field: DescField,
  kind: "scalar" | "enum" | "message",
  value: unknown,
  options: JsonOptions,
): JsonValue {
  switch (kind) {
    case "message":
      return encodeMessage(value as ReflectMessage, options);
    case "enum":
      return encodeEnum(field.enum as DescEnum, value as number);
    default:
      return encodeScalar(field.scalar as ScalarType, value, isHexField(field));
  }
}

function encodeEnum(descEnum: DescEnum, value: number): JsonValue {
  if (descEnum.typeName === "google.protobuf.NullValue") return null;
  if (isNumberEnum(descEnum)) return value;
  return enumNameOf(descEnum, value) ?? value;
}

function encodeScalar(type: ScalarType, value: unknown, asHex: boolean): JsonValue {
  switch (type) {
    case ScalarType.BYTES:
      return asHex
        ? Buffer.from(value as Uint8Array)
            .toString("hex")
            .toUpperCase()
        : base64Encode(value as Uint8Array);
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.SINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return String(value);
    case ScalarType.FLOAT:
    case ScalarType.DOUBLE: {
      const number = value as number;
      if (Number.isNaN(number)) return "NaN";
      if (number === Number.POSITIVE_INFINITY) return "Infinity";
      if (number === Number.NEGATIVE_INFINITY) return "-Infinity";
      return number;
    }
    default:
      return value as string | number | boolean;
  }
}

function encodeAny(message: ReflectMessage, options: JsonOptions): JsonValue {
  const any = message.message as Message & { typeUrl: string; value: Uint8Array };
  if (any.typeUrl === "") return {};
  const packed = options.registry ? anyUnpack(any as never, options.registry) : undefined;
  if (packed === undefined) {
    throw new Error(`cannot write google.protobuf.Any holding unregistered ${any.typeUrl}`);
  }
  const desc = options.registry?.getMessage(packed.$typeName) as DescMessage;
  const inner = encodeMessage(reflect(desc, packed), options);
  const isObject = typeof inner === "object" && inner !== null && !Array.isArray(inner);
  return isObject && !desc.typeName.startsWith("google.protobuf.")
    ? { "@type": any.typeUrl, ...inner }
    : { "@type": any.typeUrl, value: inner };
}

// ---- decoding -------------------------------------------------------------------------------

const fieldsByKey = new WeakMap<DescMessage, Map<string, DescField>>();

/** The fields of a message by proto name and by lowerCamelCase JSON name. */
export function fieldsByJsonKey(desc: DescMessage): Map<string, DescField> {
  let map = fieldsByKey.get(desc);
  if (map === undefined) {
    map = new Map();
    for (const field of desc.fields) map.set(field.name, field).set(field.jsonName, field);
    fieldsByKey.set(desc, map);
  }
  return map;
}

/** Joins a field path: `ids` + `dev_eui` → `ids.dev_eui`. */
function join(path: string, name: string): string {
  return path === "" ? name : `${path}.${name}`;
}

function invalid(path: string, reason: string, cause?: unknown): DefinedError {
  return errInvalidFieldValue.create({ field: path === "" ? "(root)" : path, reason }, cause);
}

function describe(json: unknown): string {
  if (json === null) return "null";
  if (Array.isArray(json)) return "an array";
  if (typeof json === "object") return "an object";
  return `${typeof json} ${JSON.stringify(json)}`;
}

function isObject(json: unknown): json is Record<string, unknown> {
  return typeof json === "object" && json !== null && !Array.isArray(json);
}

function decodeMessage(
  desc: DescMessage,
  json: unknown,
  path: string,
  options: ReadOptions,
): ReflectMessage {
  switch (desc.typeName) {
    case "google.protobuf.FieldMask":
      return reflect(desc, create(desc, { paths: decodeFieldMask(json, path) }) as never);
    case "google.protobuf.Any":
      return decodeAny(desc, json, path, options);
  }
  const wrapped = wrappedField(desc);
  if (wrapped && !isObject(json)) {
    // The bare value; `{"value": ...}` is read below as the message it is.
    const message = reflect(desc);
    const kind = wrapped.fieldKind as "scalar" | "enum";
    message.set(wrapped, decodeSingular(wrapped, kind, json, path, options));
    return message;
  }
  if (desc.typeName.startsWith("google.protobuf.")) {
    try {
      const read = { registry: options.registry, ignoreUnknownFields: true };
      return reflect(desc, fromJson(desc, json as JsonValue, read));
    } catch (error) {
      throw invalid(path, (error as Error).message, error);
    }
  }
  if (!isObject(json)) throw invalid(path, `expected an object, got ${describe(json)}`);
  const message = reflect(desc);
  const fields = fieldsByJsonKey(desc);
  for (const [key, value] of Object.entries(json)) {
    const field = fields.get(key);
    if (field === undefined) {
      options.onUnknownField?.(join(path, key));
      continue;
    }
    const fieldPath = join(path, field.name);
    if (message.isSet(field)) {
      throw invalid(fieldPath, "the field is given twice (by proto name and by JSON name)");
    }
    if (field.oneof !== undefined) {
      const other = message.oneofCase(field.oneof);
      if (other !== undefined && value !== null) {
        throw invalid(fieldPath, `only one of the fields of ${field.oneof.name} may be set`);
      }
    }
    if (value === null && !acceptsNull(field)) continue; // null means "default"
    decodeField(message, field, value, fieldPath, options);
  }
  return message;
}

function acceptsNull(field: DescField): boolean {
  return (
    (field.fieldKind === "message" && field.message.typeName === "google.protobuf.Value") ||
    (field.fieldKind === "enum" && field.enum.typeName === "google.protobuf.NullValue")
  );
}

function decodeField(
  message: ReflectMessage,
  field: DescField,
  json: unknown,
  path: string,
  options: ReadOptions,
): void {
  switch (field.fieldKind) {
    case "list": {
      if (!Array.isArray(json)) throw invalid(path, `expected an array, got ${describe(json)}`);
      const list = message.get(field);
      json.forEach((item, index) => {
        const itemPath = `${path}[${index}]`;
        if (item === null) throw invalid(itemPath, "null is not allowed in a list");
        list.add(decodeSingular(field, field.listKind, item, itemPath, options));
      });
      return;
    }
    case "map": {
      if (!isObject(json)) throw invalid(path, `expected an object, got ${describe(json)}`);
      const map = message.get(field);
      for (const [key, item] of Object.entries(json)) {
        const itemPath = `${path}[${JSON.stringify(key)}]`;
        if (item === null) throw invalid(itemPath, "null is not allowed as a map value");
        const mapKey = decodeMapKey(field.mapKey, key, itemPath);
        map.set(mapKey, decodeSingular(field, field.mapKind, item, itemPath, options));
      }
      return;
    }
    default:
      message.set(field, decodeSingular(field, field.fieldKind, json, path, options));
  }
}

function decodeSingular(
  field: DescField,
  kind: "scalar" | "enum" | "message",
  json: unknown,
  path: string,
  options: ReadOptions,
): unknown {
  switch (kind) {
    case "message":
      return decodeMessage(field.message as DescMessage, json, path, options);
    case "enum":
      return decodeEnum(field.enum as DescEnum, json, path);
    default:
      return decodeScalar(field.scalar as ScalarType, json, path, isHexField(field));
  }
}

/** An enum value: a name, an alias or a numeric string, or a number; it must be declared. */
function decodeEnum(descEnum: DescEnum, json: unknown, path: string): number {
  const typeName = descEnum.typeName;
  if (json === null && typeName === "google.protobuf.NullValue") return 0;
  let number: number | undefined;
  if (typeof json === "string") {
    number = enumNumberFromText(typeName, json, enumValueNamed(descEnum));
    if (number === undefined) {
      throw invalid(path, `unknown value ${JSON.stringify(json)} of ${typeName}`);
    }
  } else if (typeof json === "number" && Number.isInteger(json) && Math.abs(json) < 2 ** 31) {
    number = json === 0 ? 0 : json;
  } else {
    throw invalid(
      path,
      `expected the name or number of a ${typeName} value, got ${describe(json)}`,
    );
  }
  // TTS reads any int32 and then rejects undeclared values (`defined_only`) when it validates.
  if (!isEnumValue(descEnum, number))
    throw invalid(path, `${number} is not a value of ${typeName}`);
  return number;
}

const INT_TEXT = /^-?(0|[1-9][0-9]*)$/;
const HEX_TEXT = /^(?:[0-9a-fA-F]{2})*$/;
const BASE64_TEXT = /^[A-Za-z0-9+/_-]*={0,2}$/;
const FLOAT32_MAX = 3.4028234663852886e38;

function decodeScalar(type: ScalarType, json: unknown, path: string, asHex: boolean): unknown {
  switch (type) {
    case ScalarType.STRING:
      if (typeof json !== "string") throw invalid(path, `expected a string, got ${describe(json)}`);
      return wellFormed(json, path);
    case ScalarType.BOOL:
      if (typeof json !== "boolean")
        throw invalid(path, `expected true or false, got ${describe(json)}`);
      return json;
    case ScalarType.BYTES:
      if (asHex) {
        if (typeof json !== "string" || !HEX_TEXT.test(json))
          throw errInvalidHex.create({ field: path });
        return new Uint8Array(Buffer.from(json, "hex"));
      }
      if (typeof json !== "string" || !BASE64_TEXT.test(json)) {
        throw invalid(path, `expected base64 bytes, got ${describe(json)}`);
      }
      return base64Decode(json);
    case ScalarType.FLOAT:
    case ScalarType.DOUBLE:
      return decodeFloat(type, json, path);
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return decodeInt64(type, json, path);
    default:
      return decodeInt32(type, json, path);
  }
}

function integerText(json: unknown, path: string): string {
  const text = typeof json === "number" ? String(json) : json;
  if (typeof text !== "string" || !INT_TEXT.test(text)) {
    throw invalid(path, `expected an integer, got ${describe(json)}`);
  }
  return text;
}

function decodeInt32(type: ScalarType, json: unknown, path: string): number {
  const value = Number(integerText(json, path));
  const unsigned = type === ScalarType.UINT32 || type === ScalarType.FIXED32;
  const [min, max] = unsigned ? [0, 2 ** 32 - 1] : [-(2 ** 31), 2 ** 31 - 1];
  if (value < min || value > max) throw invalid(path, `${value} is out of range`);
  return value;
}

function decodeInt64(type: ScalarType, json: unknown, path: string): bigint | string {
  const text = integerText(json, path);
  if (typeof json === "number" && !Number.isSafeInteger(json)) {
    throw invalid(path, "integers beyond 2^53 must be given as strings");
  }
  const unsigned = type === ScalarType.UINT64 || type === ScalarType.FIXED64;
  try {
    return unsigned ? protoInt64.uParse(text) : protoInt64.parse(text);
  } catch (error) {
    throw invalid(path, `${text} is out of range`, error);
  }
}

function decodeFloat(type: ScalarType, json: unknown, path: string): number {
  let value: number;
  if (typeof json === "number") value = json;
  else if (json === "NaN") return Number.NaN;
  else if (json === "Infinity") return Number.POSITIVE_INFINITY;
  else if (json === "-Infinity") return Number.NEGATIVE_INFINITY;
  else if (typeof json === "string" && json.trim() !== "" && Number.isFinite(Number(json))) {
    value = Number(json);
  } else throw invalid(path, `expected a number, got ${describe(json)}`);
  if (type === ScalarType.FLOAT && Math.abs(value) > FLOAT32_MAX) {
    throw invalid(path, `${value} is out of range`);
  }
  return value;
}

/**
 * A string that can be written as UTF-8 (protobuf strings must be): JSON's `\ud800` escapes
 * can give a lone surrogate, which is the caller's error, not ours.
 */
function wellFormed(text: string, path: string): string {
  if (!text.isWellFormed())
    throw invalid(
      path,
      "the string holds a lone surrogate (such as \\ud800), which is not Unicode",
    );
  return text;
}

function decodeMapKey(type: ScalarType, key: string, path: string): unknown {
  switch (type) {
    case ScalarType.STRING:
      return wellFormed(key, path);
    case ScalarType.BOOL:
      if (key === "true") return true;
      if (key === "false") return false;
      throw invalid(path, "map key must be true or false");
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return decodeInt64(type, key, path);
    default:
      return decodeInt32(type, key, path);
  }
}

function decodeFieldMask(json: unknown, path: string): string[] {
  let paths: unknown[];
  if (typeof json === "string") {
    paths = json === "" ? [] : json.split(",");
  } else if (isObject(json)) {
    // Strict, as in TTS: a field mask object has `paths` and nothing else.
    for (const key of Object.keys(json)) {
      if (key !== "paths") throw invalid(join(path, key), "a field mask has only `paths`");
    }
    const value = json.paths ?? [];
    if (!Array.isArray(value)) throw invalid(join(path, "paths"), "expected an array of strings");
    paths = value;
  } else {
    throw invalid(
      path,
      `expected {"paths": [...]} or a comma-separated string, got ${describe(json)}`,
    );
  }
  return paths.map((item, index) => {
    if (typeof item !== "string" || !/^[A-Za-z0-9_.]+$/.test(item)) {
      throw invalid(`${join(path, "paths")}[${index}]`, `invalid field path ${describe(item)}`);
    }
    return item;
  });
}

function decodeAny(
  desc: DescMessage,
  json: unknown,
  path: string,
  options: ReadOptions,
): ReflectMessage {
  if (!isObject(json)) throw invalid(path, `expected an object, got ${describe(json)}`);
  if (Object.keys(json).length === 0) return reflect(desc);
  const typeUrl = json["@type"];
  if (typeof typeUrl !== "string" || typeUrl === "") {
    throw invalid(join(path, "@type"), "expected the type URL of the packed message");
  }
  const typeName = typeUrl.slice(typeUrl.lastIndexOf("/") + 1);
  const inner = options.registry?.getMessage(typeName);
  if (inner === undefined) throw invalid(join(path, "@type"), `unknown message type ${typeName}`);
  const { "@type": _, ...rest } = json;
  const body = inner.typeName.startsWith("google.protobuf.") ? rest.value : rest;
  const packed = decodeMessage(inner, body, path, options);
  const any = anyPack(inner, packed.message as never);
  any.typeUrl = typeUrl;
  return reflect(desc, any as never);
}
