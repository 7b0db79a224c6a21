import { fastifyConnectPlugin } from "@connectrpc/connect-fastify";
import type { FastifyInstance } from "fastify";
import { routingErrorBody } from "../http/routing-errors.ts";
import type { Logger } from "../log/logger.ts";
import { clusterAuthInterceptor, restClusterContext } from "./cluster-auth.ts";
import type { ClusterKeys } from "./cluster-keys.ts";
import { connectHandlerOptions } from "./connect-options.ts";
import { apiErrorInterceptor, connectRoutes } from "./connect-routes.ts";
import { errorToHttp } from "./errors.ts";
import { fieldMaskInterceptor } from "./field-paths.ts";
import type { ApiRegistry } from "./registry.ts";
import { buildOpenApiDocument } from "./rest/openapi.ts";
import { registerRestRoutes, restService } from "./rest/transcoder.ts";

/** Where the REST API lives on the HTTP port. */
export const restPrefix = "/api/v3";

/**
 * Serves every public registered service on the HTTP app: REST/JSON under `/api/v3` (with the
 * OpenAPI document at `/api/v3/openapi.json`), and gRPC-Web and Connect at `/<service>/<method>`.
 * Internal services are not served here (only on the gRPC port); a call with a wrong cluster
 * key is refused. Errors are logged when they are ours to fix (5xx) and answered with the JSON
 * error body, whose correlation id is the request's. A path under `/api/v3` that no route
 * serves is answered as The Things Stack answers it: 404
 * `{"code": 5, "message": "Not Found", "details": []}`.
 */
export async function mountApiOnHttp(
  app: FastifyInstance,
  registry: ApiRegistry,
  options: { logger: Logger; clusterKeys: ClusterKeys },
): Promise<void> {
  const { logger, clusterKeys } = options;
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
  const services = registry.publicServices();
  if (services.length === 0) return;
  const types = registry.typeRegistry();
  await app.register(fastifyConnectPlugin, {
    routes: connectRoutes(registry, { internal: false }),
    interceptors: [
      apiErrorInterceptor(logger),
      clusterAuthInterceptor(clusterKeys, registry),
      fieldMaskInterceptor(),
    ],
    jsonOptions: { registry: types },
    // The same message limits as on the gRPC port; Fastify's body limit does not apply to
    // these routes (Connect reads their bodies itself).
    ...connectHandlerOptions(),
  });
  registerRestRoutes(app, {
    prefix: restPrefix,
    services: services.map(({ service, implementation }) => restService(service, implementation)),
    contextValues: restClusterContext(clusterKeys),
    onError(error, request) {
      const answer = errorToHttp(error, request.id);
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
