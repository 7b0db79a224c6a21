import { ConnectError, type ConnectRouter, type Interceptor } from "@connectrpc/connect";
import { errorCodes } from "../errors/index.ts";
import type { Logger } from "../log/logger.ts";
import { codeOfGrpc, correlationIdOf } from "./error-details.ts";
import { asDefinedError, errorToConnect, newCorrelationId } from "./errors.ts";
import type { ApiRegistry } from "./registry.ts";

/**
 * Converts every error a handler throws into a Connect error with our code, message and
 * `ErrorDetails`, so gRPC, gRPC-Web and Connect clients see the same errors as REST clients
 * and peers rebuild the same defined errors. Errors that are ours to fix (5xx) are logged with
 * the correlation id the caller sees, as the REST path does.
 */
export function apiErrorInterceptor(logger?: Logger): Interceptor {
  const convert = (error: unknown): ConnectError => {
    const defined = error instanceof ConnectError ? undefined : asDefinedError(error);
    const correlationId = (defined && correlationIdOf(defined)) ?? newCorrelationId();
    const status = defined ? defined.httpStatus : httpStatusOf(error as ConnectError);
    if (status >= 500) logger?.error({ err: error, correlation_id: correlationId }, "API error");
    return errorToConnect(defined ?? error, correlationId);
  };
  return (next) => async (request) => {
    try {
      const response = await next(request);
      if (!response.stream) return response;
      return { ...response, message: mapStreamErrors(response.message, convert) };
    } catch (error) {
      throw convert(error);
    }
  };
}

function httpStatusOf(error: ConnectError): number {
  return errorCodes[codeOfGrpc(error.code) ?? "unknown"].http;
}

async function* mapStreamErrors<T>(
  messages: AsyncIterable<T>,
  convert: (error: unknown) => ConnectError,
): AsyncIterable<T> {
  try {
    yield* messages;
  } catch (error) {
    throw convert(error);
  }
}

/**
 * The Connect routes of the registered services: every one on the gRPC port, only the public
 * ones where `internal` is false (the HTTP port).
 */
export function connectRoutes(
  registry: ApiRegistry,
  options: { internal: boolean },
): (router: ConnectRouter) => void {
  const registrations = options.internal ? registry.services() : registry.publicServices();
  return (router) => {
    for (const { service, implementation } of registrations)
      router.service(service, implementation);
  };
}
