import { randomUUID } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import { DefinedError, ErrorDefinition, errorCodes, errorNamespace } from "../errors/index.ts";

const errors = errorNamespace("api");

/** An error that is not one of ours: callers learn only that something failed. */
export const errInternal = errors.internal("internal", "internal error");
export const errRequestTooLarge = errors.resourceExhausted(
  "request_too_large",
  "request body is larger than {limit} bytes",
  { httpStatus: 413 },
);
export const errMalformedBody = errors.invalidArgument(
  "malformed_body",
  "request body is not valid JSON: {reason}",
);
export const errRouteNotFound = errors.notFound(
  "route_not_found",
  "no API route for {method} {path}",
);

/** One entry of `details` in the JSON error body, as The Things Stack writes it. */
export interface ErrorDetailsJson {
  "@type": "type.googleapis.com/ttn.lorawan.v3.ErrorDetails";
  namespace: string;
  name: string;
  message_format: string;
  attributes?: Record<string, unknown>;
  correlation_id: string;
  code: number;
}

/** The JSON body of an API error: `{code, message, details}`, `code` being the gRPC status. */
export interface ErrorBodyJson {
  code: number;
  message: string;
  details: ErrorDetailsJson[];
}

const grpcCodeNames = Object.fromEntries(
  Object.entries(errorCodes).map(([name, row]) => [row.grpc, name]),
) as Record<number, keyof typeof errorCodes>;

/**
 * Any error as one of ours: a DefinedError stays as it is; a Connect error keeps its code; anything
 * else becomes `api:internal`, its cause kept for the log but never shown to the caller.
 */
export function asDefinedError(error: unknown): DefinedError {
  if (error instanceof DefinedError) return error;
  if (error instanceof ConnectError) {
    const code = grpcCodeNames[error.code] ?? "unknown";
    return new DefinedError(connectErrorDefinition(code), { message: error.rawMessage }, error);
  }
  const fastifyCode = (error as { code?: unknown; statusCode?: unknown })?.code;
  if (fastifyCode === "FST_ERR_CTP_BODY_TOO_LARGE")
    return errRequestTooLarge.create({ limit: bodyLimitOf(error) }, error);
  if (fastifyCode === "FST_ERR_CTP_INVALID_JSON_BODY" || error instanceof SyntaxError) {
    return errMalformedBody.create({ reason: (error as Error).message }, error);
  }
  return errInternal.create({}, error);
}

/** Errors raised by Connect itself (malformed gRPC requests, ...), one per code, keeping their message. */
const connectDefinitions = Object.fromEntries(
  (Object.keys(errorCodes) as (keyof typeof errorCodes)[]).map((code) => [
    code,
    new ErrorDefinition("api/connect", code, code, "{message}"),
  ]),
) as Record<keyof typeof errorCodes, ErrorDefinition>;

function connectErrorDefinition(code: keyof typeof errorCodes): ErrorDefinition {
  return connectDefinitions[code];
}

function bodyLimitOf(error: unknown): string {
  const match = /(\d+)/.exec(String((error as Error).message));
  return match?.[1] ?? "the limit of";
}

/** The HTTP status and JSON body for an error, with a fresh correlation id. */
export function errorToHttp(
  error: unknown,
  correlationId = newCorrelationId(),
): { status: number; body: ErrorBodyJson } {
  const defined = asDefinedError(error);
  const { definition } = defined;
  const grpc = errorCodes[definition.code].grpc;
  const attributes = jsonAttributes(defined.attributes);
  return {
    status: defined.httpStatus,
    body: {
      code: grpc,
      message: `error:${definition.namespace}:${definition.name} (${defined.message})`,
      details: [
        {
          "@type": "type.googleapis.com/ttn.lorawan.v3.ErrorDetails",
          namespace: definition.namespace,
          name: definition.name,
          message_format: definition.messageFormat,
          ...(attributes ? { attributes } : {}),
          correlation_id: correlationId,
          code: grpc,
        },
      ],
    },
  };
}

/** The error as a Connect error (gRPC status and message) for the gRPC, gRPC-Web and Connect transports. */
export function errorToConnect(error: unknown): ConnectError {
  if (error instanceof ConnectError) return error;
  const defined = asDefinedError(error);
  const { definition } = defined;
  return new ConnectError(
    `error:${definition.namespace}:${definition.name} (${defined.message})`,
    errorCodes[definition.code].grpc as Code,
  );
}

/** A correlation id in The Things Stack's form: 32 lower-case hex digits. */
export function newCorrelationId(): string {
  return randomUUID().replaceAll("-", "");
}

function jsonAttributes(attributes: Record<string, unknown>): Record<string, unknown> | undefined {
  const entries = Object.entries(attributes);
  if (entries.length === 0) return undefined;
  return Object.fromEntries(
    entries.map(([key, value]) => [
      key,
      value instanceof Uint8Array ? Buffer.from(value).toString("hex").toUpperCase() : value,
    ]),
  );
}

export { Code };
