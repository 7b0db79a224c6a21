import { fastifyConnectPlugin } from "@connectrpc/connect-fastify";
import type { FastifyInstance } from "fastify";
import { routingErrorBody } from "../http/routing-errors.ts";
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
 * Errors are logged when they are ours to fix (5xx) and answered with the JSON error body, whose
 * correlation id is the request's. A path under `/api/v3` that no route serves is answered as
 * The Things Stack answers it: 404 `{"code": 5, "message": "Not Found", "details": []}`.
 */
export async function mountApiOnHttp(
  app: FastifyInstance,
  registry: ApiRegistry,
  logger: Logger,
): Promise<void> {
  await app.register(
    async (scope) => {
      scope.setNotFoundHandler((_request, reply) =>
        reply
          .code(404)
          .type("application/json")
          .send(JSON.stringify(routingErrorBody(404))),
      );
    },
    { prefix: restPrefix },
  );
  const services = registry.services();
  if (services.length === 0) return;
  await app.register(fastifyConnectPlugin, {
    routes: connectRoutes(registry),
    interceptors: [errorInterceptor],
  });
  registerRestRoutes(app, {
    prefix: restPrefix,
    services: services.map(({ service, implementation }) => restService(service, implementation)),
    onError(error, request) {
      const answer = errorToHttp(error, request.id);
      if (answer.status >= 500)
        logger.error(
          { err: error, correlation_id: answer.body.details[0]?.correlation_id },
          "API error",
        );
      return answer;
    },
  });
  const openApi = buildOpenApiDocument(
    services.map(({ service }) => service),
    { prefix: restPrefix, title: "lorastack API" },
  );
  app.get(`${restPrefix}/openapi.json`, async () => openApi);
}
