import { randomUUID } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import { DefinedError, ErrorDefinition, errorCodes, errorNamespace } from "../errors/index.ts";
import { ErrorDetailsSchema } from "../gen/ttn/lorawan/v3/error_pb.js";
import {
  attributesToJson,
  codeOfGrpc,
  correlationIdOf,
  definedErrorFromDetails,
  errorDetailsMessage,
} from "./error-details.ts";

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

/**
 * Any error as one of ours: a DefinedError stays as it is; a Connect error keeps its code; anything
 * else becomes `api:internal`, its cause kept for the log but never shown to the caller.
 */
export function asDefinedError(error: unknown): DefinedError {
  if (error instanceof DefinedError) return error;
  if (error instanceof ConnectError) {
    const code = codeOfGrpc(error.code) ?? "unknown";
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

/**
 * The HTTP status and JSON body for an error, under the given correlation id, the one the error
 * came with from a peer, or a fresh one.
 */
export function errorToHttp(
  error: unknown,
  correlationId?: string,
): { status: number; body: ErrorBodyJson } {
  const defined = asDefinedError(error);
  const { definition } = defined;
  const grpc = errorCodes[definition.code].grpc;
  const attributes = attributesToJson(defined.attributes);
  correlationId ??= correlationIdOf(defined) ?? newCorrelationId();
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

/**
 * The error as a Connect error for the gRPC, gRPC-Web and Connect transports: the gRPC status,
 * the namespaced message and, in the status details, The Things Stack's `ErrorDetails`
 * (namespace, name, attributes, correlation id), from which a peer rebuilds the same defined
 * error ({@link errorFromConnect}). Errors Connect raised itself pass unchanged.
 */
export function errorToConnect(error: unknown, correlationId?: string): ConnectError {
  if (error instanceof ConnectError) return error;
  const defined = asDefinedError(error);
  const { definition } = defined;
  const details = errorDetailsMessage(
    defined,
    correlationId ?? correlationIdOf(defined) ?? newCorrelationId(),
  );
  return new ConnectError(
    `error:${definition.namespace}:${definition.name} (${defined.message})`,
    errorCodes[definition.code].grpc as Code,
    undefined,
    [{ desc: ErrorDetailsSchema, value: details }],
  );
}

/**
 * What a client makes of an error a server answered: the same defined error when the status
 * details carry `ErrorDetails` (of this process's definition of that namespace and name, or an
 * ad-hoc one), otherwise a defined error of `api/connect` keeping the status code and message.
 * The Connect error stays reachable as the cause of the latter.
 */
export function errorFromConnect(error: ConnectError): DefinedError {
  const [details] = error.findDetails(ErrorDetailsSchema);
  if (!details) return asDefinedError(error);
  return definedErrorFromDetails(details, codeOfGrpc(error.code) ?? "unknown");
}

/** A correlation id in The Things Stack's form: 32 lower-case hex digits. */
export function newCorrelationId(): string {
  return randomUUID().replaceAll("-", "");
}

export { Code };
