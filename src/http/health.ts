import type { FastifyInstance } from "fastify";

/** What `/readyz` reports. */
export interface Readiness {
  ready: boolean;
  /** Readiness of each started component, by short name. */
  components: Record<string, boolean>;
}

/**
 * `GET /healthz` answers while the process is alive; `GET /readyz` answers 200 only when the
 * process has finished starting and every started component is ready (503 otherwise, and
 * during shutdown). Metrics have a listener of their own (src/runtime/metrics-listener.ts).
 */
export function registerHealthRoutes(
  app: FastifyInstance,
  options: { readiness: () => Readiness },
): void {
  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (_request, reply) => {
    const readiness = options.readiness();
    reply.code(readiness.ready ? 200 : 503);
    return readiness;
  });
}
