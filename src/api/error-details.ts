import { create, type JsonObject, type JsonValue } from "@bufbuild/protobuf";
import {
  DefinedError,
  type ErrorAttributes,
  type ErrorCode,
  ErrorDefinition,
  errorCodes,
  findErrorDefinition,
} from "../errors/index.ts";
import { type ErrorDetails, ErrorDetailsSchema } from "../gen/ttn/lorawan/v3/error_pb.js";

// The correlation id an error was logged and answered under, kept beside the error (not in
// it) so that an error that crossed processes is answered under the id its origin logged.
const correlationIds = new WeakMap<DefinedError, string>();

/** The correlation id the error already carries (it came from a peer), if any. */
export function correlationIdOf(error: DefinedError): string | undefined {
  return correlationIds.get(error);
}

/** Causes deeper than this are left out: a chain is for people to read, not unbounded. */
const maxCauseDepth = 4;
/** Bounds what attribute conversion walks, so that a cyclic or huge value cannot hang it. */
const maxAttributeDepth = 6;

/**
 * The error as The Things Stack's `ErrorDetails` message: namespace, name, message format,
 * attributes, correlation id and gRPC code, with its cause when that is a defined error too.
 */
export function errorDetailsMessage(
  error: DefinedError,
  correlationId: string,
  depth = 0,
): ErrorDetails {
  const { definition } = error;
  const attributes = attributesToJson(error.attributes);
  const cause = error.cause;
  return create(ErrorDetailsSchema, {
    namespace: definition.namespace,
    name: definition.name,
    messageFormat: definition.messageFormat,
    attributes,
    correlationId,
    code: errorCodes[definition.code].grpc,
    cause:
      cause instanceof DefinedError && depth < maxCauseDepth
        ? errorDetailsMessage(cause, correlationId, depth + 1)
        : undefined,
  });
}

/**
 * A defined error from the details a peer sent: of this process's definition when it has one
 * with that namespace and name (so `errX.matches(error)` holds across processes), of an ad-hoc
 * definition with the same namespace, name and code otherwise.
 */
export function definedErrorFromDetails(
  details: ErrorDetails,
  fallbackCode: ErrorCode,
  depth = 0,
): DefinedError {
  const definition =
    findErrorDefinition(details.namespace, details.name) ??
    adHocDefinition(details, codeOfGrpc(details.code) ?? fallbackCode);
  const cause =
    details.cause && depth < maxCauseDepth
      ? definedErrorFromDetails(details.cause, fallbackCode, depth + 1)
      : undefined;
  const error = new DefinedError(definition, { ...(details.attributes ?? {}) }, cause);
  if (details.correlationId !== "") correlationIds.set(error, details.correlationId);
  return error;
}

const grpcCodeNames = new Map<number, ErrorCode>(
  (Object.entries(errorCodes) as [ErrorCode, { grpc: number }][]).map(([name, row]) => [
    row.grpc,
    name,
  ]),
);

/** The name of a gRPC status code, or `undefined` for a number that is none. */
export function codeOfGrpc(grpc: number): ErrorCode | undefined {
  return grpcCodeNames.get(grpc);
}

// Definitions this process does not have, made once per namespace:name. Bounded, because the
// names come from another process: past the bound a definition is made per error instead.
const adHoc = new Map<string, ErrorDefinition>();
const maxAdHocDefinitions = 1000;

function adHocDefinition(details: ErrorDetails, code: ErrorCode): ErrorDefinition {
  const key = `${details.namespace}:${details.name}:${code}`;
  const known = adHoc.get(key);
  if (known) return known;
  const definition = new ErrorDefinition(
    details.namespace,
    details.name,
    code,
    details.messageFormat,
  );
  if (adHoc.size < maxAdHocDefinitions) adHoc.set(key, definition);
  return definition;
}

/**
 * Error attributes as JSON, as the API shows them: bytes as upper-case hex, dates as RFC 3339,
 * big integers as strings; `undefined` when there are none. Values JSON cannot hold become
 * their text.
 */
export function attributesToJson(attributes: ErrorAttributes): JsonObject | undefined {
  const entries = Object.entries(attributes).filter(([, value]) => value !== undefined);
  if (entries.length === 0) return undefined;
  return Object.fromEntries(entries.map(([key, value]) => [key, toJson(value, 0)]));
}

function toJson(value: unknown, depth: number): JsonValue {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("hex").toUpperCase();
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if (depth >= maxAttributeDepth || typeof value !== "object") return String(value);
  if (Array.isArray(value)) return value.map((item) => toJson(item, depth + 1));
  if (value instanceof Set) return [...value].map((item) => toJson(item, depth + 1));
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return String(value);
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .map(([key, item]) => [key, toJson(item, depth + 1)]),
  );
}
