import { fastifyConnectPlugin } from "@connectrpc/connect-fastify";
import type { FastifyInstance } from "fastify";
import type { Logger } from "../log/logger.ts";
import { connectRoutes, errorInterceptor } from "./connect-routes.ts";
import { errorToHttp } from "./errors.ts";
import type { ApiRegistry } from "./registry.ts";
import { buildOpenApiDocument } from "./rest/openapi.ts";
import { registerRestRoutes, restService } from "./rest/transcoder.ts";

/** Where the REST API lives on the HTTP port. */
export const restPrefix = "/api/v3";

/**
 * Serves every registered service on the HTTP app: REST/JSON under `/api/v3` (with the
 * OpenAPI document at `/api/v3/openapi.json`), and gRPC-Web and Connect at `/<service>/<method>`.
 * Errors are logged when they are ours to fix (5xx) and answered with the JSON error body.
 */
export async function mountApiOnHttp(
  app: FastifyInstance,
  registry: ApiRegistry,
  logger: Logger,
): Promise<void> {
  const services = registry.services();
  if (services.length === 0) return;
  const types = registry.typeRegistry();
  await app.register(fastifyConnectPlugin, {
    routes: connectRoutes(registry),
    interceptors: [errorInterceptor],
    jsonOptions: { registry: types },
  });
  registerRestRoutes(app, {
    prefix: restPrefix,
    services: services.map(({ service, implementation }) => restService(service, implementation)),
    onError(error) {
      const answer = errorToHttp(error);
      if (answer.status >= 500)
        logger.error(
          { err: error, correlation_id: answer.body.details[0]?.correlation_id },
          "API error",
        );
      return answer;
    },
    json: { registry: types },
  });
  const openApi = buildOpenApiDocument(
    services.map(({ service }) => service),
    { prefix: restPrefix, title: "lorastack API" },
  );
  app.get(`${restPrefix}/openapi.json`, async () => openApi);
}
