/**
 * An OpenAPI 3.1 document of the REST API, built from the same service descriptors and
 * `google.api.http` bindings that the transcoder serves, with the JSON conventions of
 * json.ts: snake_case names, hex fields as strings with a pattern, other bytes as base64,
 * enums by name (those marked `json_number` by number), 64-bit integers as strings, field
 * masks as `{"paths": [...]}`, The Things Stack's optional-value wrappers as their bare value.
 */
import {
  type DescEnum,
  type DescField,
  type DescMessage,
  type DescService,
  ScalarType,
} from "@bufbuild/protobuf";
import type { RestBinding } from "./http-rules.ts";
import { isHexField, isNumberEnum, wrappedField } from "./json.ts";
import { isTextField } from "./request-fields.ts";
import { listRestRoutes } from "./transcoder.ts";

type Schema = Record<string, unknown>;

export interface OpenApiOptions {
  /** The mount point of the REST API, e.g. `/api/v3`; paths are written with it. */
  prefix: string;
  title?: string;
  version?: string;
}

/** The pattern of hex fields in the document (and accepted on input: either case). */
export const HEX_PATTERN = "^([0-9A-Fa-f]{2})*$";

const ERROR_SCHEMA_NAME = "lorastack.Error";

/** Builds the OpenAPI document of the services' REST bindings. */
export function buildOpenApiDocument(
  services: readonly DescService[],
  options: OpenApiOptions,
): Record<string, unknown> {
  const schemas = new SchemaCollector();
  const paths: Record<string, Record<string, unknown>> = {};
  const operationIds = new Set<string>();
  const routes = listRestRoutes(
    services.map((service) => ({ service, implementation: {} })),
    options.prefix,
  );
  for (const route of routes) {
    const binding = route.binding;
    let operationId = `${binding.service.name}_${binding.method.name}`;
    for (let n = 2; operationIds.has(operationId); n++) {
      operationId = `${binding.service.name}_${binding.method.name}${n}`;
    }
    operationIds.add(operationId);
    const operation: Record<string, unknown> = {
      operationId,
      tags: [binding.service.name],
      parameters: [...pathParameters(binding, schemas), ...queryParameters(binding, schemas)],
      responses: responses(binding, route.streaming, schemas),
    };
    if (binding.body !== "") {
      const schema =
        binding.bodyField === undefined
          ? schemas.message(binding.method.input)
          : schemas.field(binding.bodyField);
      operation.requestBody = { required: true, content: { "application/json": { schema } } };
    }
    const item = paths[route.path] ?? {};
    item[route.httpMethod.toLowerCase()] = operation;
    paths[route.path] = item;
  }
  schemas.components[ERROR_SCHEMA_NAME] = {
    type: "object",
    description: "The error body of every failed request.",
    properties: {
      code: { type: "integer", description: "gRPC status code" },
      message: { type: "string" },
      details: { type: "array", items: { type: "object" } },
    },
  };
  return {
    openapi: "3.1.0",
    info: { title: options.title ?? "lorastack API", version: options.version ?? "v3" },
    paths,
    components: {
      schemas: schemas.components,
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          description: "An API key (`NNSXS.<ID>.<SECRET>`) or an OAuth access token.",
        },
      },
    },
    security: [{ bearer: [] }],
  };
}

function pathParameters(binding: RestBinding, schemas: SchemaCollector): Schema[] {
  return [...binding.pathFields].map(([name, fields]) => ({
    name,
    in: "path",
    required: true,
    schema: schemas.field(fields.at(-1) as DescField),
  }));
}

/** Every text field reachable through singular messages, except those bound elsewhere. */
function queryParameters(binding: RestBinding, schemas: SchemaCollector): Schema[] {
  if (binding.body === "*") return [];
  const bound = [...binding.pathFields.keys()];
  if (binding.bodyField !== undefined) bound.push(binding.bodyField.name);
  const parameters: Schema[] = [];
  const visit = (desc: DescMessage, prefix: string, seen: Set<DescMessage>) => {
    for (const field of desc.fields) {
      const name = prefix + field.name;
      if (bound.some((b) => name === b || name.startsWith(`${b}.`))) continue;
      if (isTextField(field)) {
        const schema =
          field.fieldKind === "message" && field.message.typeName === "google.protobuf.FieldMask"
            ? { type: "string", description: "Comma-separated field paths." }
            : schemas.field(field);
        parameters.push({ name, in: "query", required: false, schema, explode: true });
      } else if (field.fieldKind === "message" && !seen.has(field.message)) {
        if (field.message.typeName.startsWith("google.protobuf.")) continue;
        visit(field.message, `${name}.`, new Set([...seen, field.message]));
      }
    }
  };
  visit(binding.method.input, "", new Set([binding.method.input]));
  return parameters;
}

function responses(binding: RestBinding, streaming: boolean, schemas: SchemaCollector): Schema {
  const output =
    binding.responseField === undefined
      ? schemas.message(binding.method.output)
      : schemas.field(binding.responseField);
  const error = { $ref: `#/components/schemas/${ERROR_SCHEMA_NAME}` };
  const ok = streaming
    ? {
        description:
          "A stream of JSON objects, one per line (blank-line separated with Accept: text/event-stream).",
        content: Object.fromEntries(
          ["application/json", "text/event-stream"].map((type) => [
            type,
            {
              schema: {
                type: "object",
                properties: { result: output, error },
              },
            },
          ]),
        ),
      }
    : { description: "OK", content: { "application/json": { schema: output } } };
  return {
    "200": ok,
    default: { description: "Error", content: { "application/json": { schema: error } } },
  };
}

/** JSON schemas of fields, with messages and enums as shared components. */
class SchemaCollector {
  readonly components: Record<string, Schema> = {};

  field(field: DescField): Schema {
    switch (field.fieldKind) {
      case "list":
        return { type: "array", items: this.singular(field, field.listKind) };
      case "map":
        return { type: "object", additionalProperties: this.singular(field, field.mapKind) };
      default:
        return this.singular(field, field.fieldKind);
    }
  }

  private singular(field: DescField, kind: "scalar" | "enum" | "message"): Schema {
    if (kind === "message") return this.message(field.message as DescMessage);
    if (kind === "enum") return this.enum(field.enum as DescEnum);
    return scalarSchema(field.scalar as ScalarType, isHexField(field));
  }

  message(desc: DescMessage): Schema {
    const known = wellKnownSchema(desc);
    if (known !== undefined) return known;
    const wrapped = wrappedField(desc);
    if (wrapped !== undefined) {
      return {
        ...this.field(wrapped),
        description: `${desc.typeName}: its value alone; \`{"value": ...}\` is accepted too.`,
      };
    }
    const ref = { $ref: `#/components/schemas/${desc.typeName}` };
    if (desc.typeName in this.components) return ref;
    const properties: Record<string, Schema> = {};
    const schema: Schema = { type: "object", properties, additionalProperties: false };
    this.components[desc.typeName] = schema; // before the fields: messages may recurse
    for (const field of desc.fields) properties[field.name] = this.field(field);
    return ref;
  }

  private enum(desc: DescEnum): Schema {
    if (desc.typeName === "google.protobuf.NullValue") return { type: "null" };
    this.components[desc.typeName] ??= isNumberEnum(desc)
      ? {
          type: "integer",
          enum: desc.values.map((v) => v.number),
          description: `Written as its number; names such as ${desc.values[0]?.name} are accepted too.`,
        }
      : { type: "string", enum: desc.values.map((v) => v.name) };
    return { $ref: `#/components/schemas/${desc.typeName}` };
  }
}

function scalarSchema(type: ScalarType, hex: boolean): Schema {
  switch (type) {
    case ScalarType.STRING:
      return { type: "string" };
    case ScalarType.BOOL:
      return { type: "boolean" };
    case ScalarType.BYTES:
      return hex
        ? { type: "string", pattern: HEX_PATTERN, description: "Upper-case hexadecimal bytes." }
        : { type: "string", format: "byte" };
    case ScalarType.DOUBLE:
      return { type: "number", format: "double" };
    case ScalarType.FLOAT:
      return { type: "number", format: "float" };
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return { type: "string", format: "int64" };
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return { type: "string", format: "uint64" };
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return { type: "integer", format: "int64", minimum: 0, maximum: 2 ** 32 - 1 };
    default:
      return { type: "integer", format: "int32" };
  }
}

const WRAPPERS: Record<string, ScalarType> = {
  DoubleValue: ScalarType.DOUBLE,
  FloatValue: ScalarType.FLOAT,
  Int64Value: ScalarType.INT64,
  UInt64Value: ScalarType.UINT64,
  Int32Value: ScalarType.INT32,
  UInt32Value: ScalarType.UINT32,
  BoolValue: ScalarType.BOOL,
  StringValue: ScalarType.STRING,
  BytesValue: ScalarType.BYTES,
};

function wellKnownSchema(desc: DescMessage): Schema | undefined {
  if (!desc.typeName.startsWith("google.protobuf.")) return undefined;
  const name = desc.name;
  const wrapped = WRAPPERS[name];
  if (wrapped !== undefined) return scalarSchema(wrapped, false);
  switch (name) {
    case "Timestamp":
      return { type: "string", format: "date-time" };
    case "Duration":
      return { type: "string", pattern: "^-?[0-9]+(\\.[0-9]{1,9})?s$" };
    case "FieldMask":
      return {
        type: "object",
        properties: { paths: { type: "array", items: { type: "string" } } },
        additionalProperties: false,
      };
    case "Empty":
      return { type: "object", additionalProperties: false };
    case "Struct":
      return { type: "object" };
    case "ListValue":
      return { type: "array" };
    case "Value":
      return {};
    case "Any":
      return { type: "object", properties: { "@type": { type: "string" } }, required: ["@type"] };
    default:
      return { type: "object" };
  }
}
