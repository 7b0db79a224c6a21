import type { FastifyInstance } from "fastify";

/** What `/readyz` reports. */
export interface Readiness {
  ready: boolean;
  /** Readiness of each started component, by short name. */
  components: Record<string, boolean>;
  /**
   * Each dependency (`database`, `redis`, `peer:<role>`): `ok` or `unavailable`. Why one is
   * unavailable is logged, not answered: the port is public and the reasons name internal
   * addresses.
   */
  dependencies: Record<string, "ok" | "unavailable">;
  /** What is not ready, by name: `starting`, `stopping`, components and dependencies. */
  failed: string[];
}

/**
 * `GET /healthz` answers while the process is alive (liveness: nothing is checked, so that a
 * dependency that is down does not get the process restarted); `GET /readyz` answers 200 only
 * when the process has finished starting, every started component is ready and every
 * dependency answers (503 otherwise, and during shutdown). Metrics have a listener of their own
 * (src/runtime/metrics-listener.ts).
 */
export function registerHealthRoutes(
  app: FastifyInstance,
  options: { readiness: () => Readiness | Promise<Readiness> },
): void {
  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (_request, reply) => {
    const readiness = await options.readiness();
    reply.code(readiness.ready ? 200 : 503);
    reply.header("cache-control", "no-store");
    return readiness;
  });
}
