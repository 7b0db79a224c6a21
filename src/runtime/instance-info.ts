import { Gauge } from "prom-client";
import type { Registry } from "../metrics/registry.ts";
import { lorastackVersion } from "./version.ts";

/**
 * `lorastack_instance_info{instance,version,components} 1`: which instance a scrape came from,
 * its version and the components it runs (sorted, comma-separated): one series per process.
 */
export function registerInstanceInfo(
  metrics: Registry,
  options: { instance: string; components: readonly string[]; version?: string },
): void {
  const gauge = new Gauge({
    name: "lorastack_instance_info",
    help: "This instance: its name (cluster.id), version and components; always 1",
    labelNames: ["instance", "version", "components"],
    registers: [metrics],
  });
  gauge.set(
    {
      instance: options.instance,
      version: options.version ?? lorastackVersion,
      components: [...options.components].sort().join(","),
    },
    1,
  );
}
