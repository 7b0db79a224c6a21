import type { ConnectRouter, Interceptor } from "@connectrpc/connect";
import { errorToConnect } from "./errors.ts";
import type { ApiRegistry } from "./registry.ts";

/**
 * Converts every error a handler throws into a Connect error with our code and message, so
 * gRPC, gRPC-Web and Connect clients see the same errors as REST clients.
 */
export const errorInterceptor: Interceptor = (next) => async (request) => {
  try {
    const response = await next(request);
    if (!response.stream) return response;
    return { ...response, message: mapStreamErrors(response.message) };
  } catch (error) {
    throw errorToConnect(error);
  }
};

async function* mapStreamErrors<T>(messages: AsyncIterable<T>): AsyncIterable<T> {
  try {
    yield* messages;
  } catch (error) {
    throw errorToConnect(error);
  }
}

/** The Connect routes of every registered service. */
export function connectRoutes(registry: ApiRegistry): (router: ConnectRouter) => void {
  return (router) => {
    for (const { service, implementation } of registry.services())
      router.service(service, implementation);
  };
}
