import { collectDefaultMetrics, Registry } from "prom-client";

/**
 * The metrics of one process, exposed at `/metrics` in the Prometheus text format. Process and
 * Node.js runtime metrics are collected from the start; components register their own.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: "lorastack" });
  collectDefaultMetrics({ register: registry, prefix: "lorastack_" });
  return registry;
}

export type { Registry } from "prom-client";
