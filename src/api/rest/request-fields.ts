/**
 * Setting request fields from path variables and query parameters. Both arrive as text; they
 * are resolved against the request message's descriptor and placed into the same JSON tree as
 * the body, so that one pass of {@link messageFromJson} checks everything and names the field
 * of any bad value.
 */
import {
  type DescField,
  type DescMessage,
  type JsonObject,
  type JsonValue,
  ScalarType,
} from "@bufbuild/protobuf";
import { errInvalidFieldValue } from "./errors.ts";
import { fieldsByJsonKey, wrappedField } from "./json.ts";

/** What a dotted field path names: its fields, an unknown name, or a step into a non-message. */
type FieldPathLookup =
  | { fields: DescField[] }
  | { unknown: string }
  | { notMessage: DescField; fields: DescField[] };

function lookUpFieldPath(desc: DescMessage, path: string): FieldPathLookup {
  const fields: DescField[] = [];
  let current: DescMessage = desc;
  for (const name of path.split(".")) {
    const previous = fields.at(-1);
    if (previous !== undefined && previous.fieldKind !== "message") {
      return { notMessage: previous, fields };
    }
    const field = fieldsByJsonKey(current).get(name);
    if (field === undefined) return { unknown: name };
    fields.push(field);
    if (field.fieldKind === "message") current = field.message;
  }
  return { fields };
}

/**
 * Resolves a dotted field path (`collaborator.user_ids.user_id`; proto or JSON names) to the
 * fields along it, or `undefined` when a name does not exist or a step is not a singular
 * message field.
 */
export function resolveFieldPath(desc: DescMessage, path: string): DescField[] | undefined {
  const lookup = lookUpFieldPath(desc, path);
  return "unknown" in lookup || "notMessage" in lookup ? undefined : lookup.fields;
}

/** The canonical (proto name) form of a resolved field path. */
export function fieldPathName(fields: readonly DescField[]): string {
  return fields.map((field) => field.name).join(".");
}

/**
 * Sets `value` at the field path in a JSON tree, creating objects on the way. A key already
 * present under the field's JSON name is reused, so that a body written in lowerCamelCase and
 * a path variable in snake_case end up in one place. With `append`, arrays are extended.
 */
export function setJsonAtPath(
  tree: JsonObject,
  fields: readonly DescField[],
  value: JsonValue,
  append = false,
): void {
  let node = tree;
  fields.forEach((field, index) => {
    const key = field.jsonName in node && !(field.name in node) ? field.jsonName : field.name;
    if (index === fields.length - 1) {
      const existing = node[key];
      if (append && Array.isArray(existing) && Array.isArray(value)) existing.push(...value);
      else node[key] = value;
      return;
    }
    const next = node[key];
    if (typeof next === "object" && next !== null && !Array.isArray(next)) node = next;
    else {
      const created: JsonObject = {};
      node[key] = created;
      node = created;
    }
  });
}

const WRAPPER_SCALARS: Record<string, ScalarType> = {
  "google.protobuf.DoubleValue": ScalarType.DOUBLE,
  "google.protobuf.FloatValue": ScalarType.FLOAT,
  "google.protobuf.Int64Value": ScalarType.INT64,
  "google.protobuf.UInt64Value": ScalarType.UINT64,
  "google.protobuf.Int32Value": ScalarType.INT32,
  "google.protobuf.UInt32Value": ScalarType.UINT32,
  "google.protobuf.BoolValue": ScalarType.BOOL,
  "google.protobuf.StringValue": ScalarType.STRING,
  "google.protobuf.BytesValue": ScalarType.BYTES,
};

/** Message types whose JSON form is a single string or scalar, so they can come from text. */
const TEXT_MESSAGES = new Set([
  "google.protobuf.Timestamp",
  "google.protobuf.Duration",
  "google.protobuf.FieldMask",
  ...Object.keys(WRAPPER_SCALARS),
]);

/** Whether a field can be given as text (in a path variable or a query parameter). */
export function isTextField(field: DescField): boolean {
  const kind = field.fieldKind === "list" ? field.listKind : field.fieldKind;
  if (kind === "scalar" || kind === "enum") return true;
  if (field.fieldKind === "message")
    return TEXT_MESSAGES.has(field.message.typeName) || wrappedField(field.message) !== undefined;
  return false;
}

/**
 * Converts text to the JSON value that the field's JSON decoder expects; the decoder does the
 * checking (numbers are left as strings, which proto3 JSON accepts).
 */
export function textToJson(field: DescField, text: string): JsonValue {
  const wrapped = field.fieldKind === "message" ? wrappedField(field.message) : undefined;
  if (wrapped) return textToJson(wrapped, text);
  const kind = field.fieldKind === "list" ? field.listKind : field.fieldKind;
  if (kind === "enum") return /^-?[0-9]+$/.test(text) ? Number(text) : text;
  const scalar =
    field.fieldKind === "message" ? WRAPPER_SCALARS[field.message.typeName] : field.scalar;
  if (scalar === ScalarType.BOOL) {
    if (text === "true") return true;
    if (text === "false") return false;
  }
  return text;
}

/**
 * Converts query parameters into a JSON tree for the request message. `skip` tells which
 * field paths (canonical names) are bound by the path or the body: parameters naming them, or
 * fields inside them, are ignored, as in gRPC transcoding. Parameters that name no field are
 * ignored too, as The Things Stack's gateway ignores them, and told to `onUnknown`; a path
 * that goes on past a field that is not a message is an error, as there.
 * `field_mask=a,b` and repeated `field_mask.paths=a` both fill a FieldMask. A repeated message
 * field gets one element per value of a parameter naming a text field inside it
 * (`gateway_ids.gateway_id=a&gateway_ids.gateway_id=b`), which gRPC transcoding has no other
 * way to express. A map of scalar or enum values takes entries as `name[key]=value`, as The
 * Things Stack's gateway reads them (`attributes_contain[floor]=ground`).
 */
export function queryToJson(
  desc: DescMessage,
  query: URLSearchParams,
  skip: (fieldPath: string) => boolean,
  onUnknown: (parameter: string) => void = () => {},
): JsonObject {
  const tree: JsonObject = {};
  for (const key of new Set(query.keys())) {
    const values = query.getAll(key);
    const entry = /^([^[\]]+)\[([^[\]]*)\]$/.exec(key);
    if (entry) {
      mapEntryFromText(tree, desc, entry[1] as string, entry[2] as string, values, skip, onUnknown);
      continue;
    }
    const lookup = lookUpFieldPath(desc, key);
    if ("unknown" in lookup) {
      onUnknown(key);
      continue;
    }
    if ("notMessage" in lookup) {
      const elements = listElementsFromText(desc, key, values);
      if (elements) {
        if (!skip(fieldPathName(elements.list)))
          setJsonAtPath(tree, elements.list, elements.values, true);
        continue;
      }
      throw errInvalidFieldValue.create({
        field: fieldPathName(lookup.fields),
        reason: `\`${key}\` goes on past a field that is not a message`,
      });
    }
    const fields = lookup.fields;
    const canonical = fieldPathName(fields);
    if (skip(canonical)) continue;
    const field = fields.at(-1) as DescField;
    if (!isTextField(field)) {
      throw errInvalidFieldValue.create({
        field: canonical,
        reason: "this field cannot be set from the query string",
      });
    }
    if (field.fieldKind === "message" && field.message.typeName === "google.protobuf.FieldMask") {
      const paths = values.flatMap((value) => value.split(",")).filter((path) => path !== "");
      setJsonAtPath(tree, [...fields, pathsField(field.message)], paths, true);
    } else if (field.fieldKind === "list") {
      setJsonAtPath(
        tree,
        fields,
        values.map((value) => textToJson(field, value)),
        true,
      );
    } else {
      if (values.length > 1) {
        throw errInvalidFieldValue.create({
          field: canonical,
          reason: "the parameter is given more than once but the field is not repeated",
        });
      }
      setJsonAtPath(tree, fields, textToJson(field, values[0] as string));
    }
  }
  return tree;
}

function pathsField(fieldMask: DescMessage): DescField {
  return fieldMask.fields[0] as DescField;
}

/**
 * The elements of a repeated message field from the values of a parameter that names a text
 * field inside the element (`gateway_ids.gateway_id`), one element per value; `undefined` when
 * the parameter does not have that shape.
 */
function listElementsFromText(
  desc: DescMessage,
  key: string,
  values: readonly string[],
): { list: DescField[]; values: JsonObject[] } | undefined {
  const names = key.split(".");
  const list: DescField[] = [];
  let current: DescMessage = desc;
  for (const [index, name] of names.entries()) {
    const field = fieldsByJsonKey(current).get(name);
    if (field === undefined) return undefined;
    list.push(field);
    if (field.fieldKind === "list" && field.listKind === "message") {
      const inner = resolveFieldPath(field.message, names.slice(index + 1).join("."));
      const last = inner?.at(-1);
      if (!inner || !last || last.fieldKind === "list" || !isTextField(last)) return undefined;
      return {
        list,
        values: values.map((value) => {
          const element: JsonObject = {};
          setJsonAtPath(element, inner, textToJson(last, value));
          return element;
        }),
      };
    }
    if (field.fieldKind !== "message") return undefined;
    current = field.message;
  }
  return undefined;
}

/** Sets the entry `key` of the map field at `path` from a `path[key]=value` parameter. */
function mapEntryFromText(
  tree: JsonObject,
  desc: DescMessage,
  path: string,
  key: string,
  values: readonly string[],
  skip: (fieldPath: string) => boolean,
  onUnknown: (parameter: string) => void,
): void {
  const parameter = `${path}[${key}]`;
  const lookup = lookUpFieldPath(desc, path);
  if ("unknown" in lookup) {
    onUnknown(parameter);
    return;
  }
  const fields = "notMessage" in lookup ? undefined : lookup.fields;
  const field = fields?.at(-1);
  if (!fields || field?.fieldKind !== "map" || field.mapKind === "message") {
    throw errInvalidFieldValue.create({
      field: fields ? fieldPathName(fields) : path,
      reason: `\`${parameter}\` names an entry of a field that is not a map of scalars or enums`,
    });
  }
  const canonical = fieldPathName(fields);
  if (skip(canonical)) return;
  if (values.length > 1) {
    throw errInvalidFieldValue.create({
      field: `${canonical}[${key}]`,
      reason: "the parameter is given more than once but a map entry has one value",
    });
  }
  const text = values[0] as string;
  const value: JsonValue =
    field.mapKind === "enum"
      ? /^-?[0-9]+$/.test(text)
        ? Number(text)
        : text
      : textToJson(field, text);
  setJsonAtPath(tree, fields, { ...mapAt(tree, fields), [key]: value });
}

/** The entries already set for a map field in the JSON tree. */
function mapAt(tree: JsonObject, fields: readonly DescField[]): JsonObject {
  let node: JsonValue | undefined = tree;
  for (const field of fields) {
    if (typeof node !== "object" || node === null || Array.isArray(node)) return {};
    node = (node as JsonObject)[field.name] ?? (node as JsonObject)[field.jsonName];
  }
  return typeof node === "object" && node !== null && !Array.isArray(node) ? node : {};
}
