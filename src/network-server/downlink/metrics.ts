import { Counter } from "prom-client";
import type { DefinedError } from "../../errors/index.ts";
import type { Registry } from "../../metrics/registry.ts";

/** The downlink path's counters: what the Gateway Server took, and what gateways sent. */
export interface DownlinkMetrics {
  /**
   * Downlinks handed to the Gateway Server by kind (`data`, `join`) and result: `scheduled`,
   * or why not (the error of the first path that refused it: `too_late`, `conflict`, ...).
   */
  scheduled: Counter<"kind" | "result">;
  /** Gateways' TX acknowledgments handed to the Network Server: `success`, or the gateway's reason. */
  transmissions: Counter<"result">;
}

export function downlinkMetrics(registry: Registry): DownlinkMetrics {
  const registers = [registry];
  return {
    scheduled: new Counter({
      name: "lorastack_ns_downlinks_total",
      help: "Downlinks handed to the Gateway Server, by kind (data, join) and result (scheduled, or the first path's refusal)",
      labelNames: ["kind", "result"],
      registers,
    }),
    transmissions: new Counter({
      name: "lorastack_ns_downlink_transmissions_total",
      help: "TX acknowledgments of the Network Server's downlinks, by result (success, or the gateway's reason)",
      labelNames: ["result"],
      registers,
    }),
  };
}

/**
 * The label of a refused downlink: the first path's error name (the Gateway Server's
 * `schedule` error lists them in `path_errors`), else the error's own. Names come from other
 * instances too: kept to a short snake_case word so a confused peer cannot grow the series.
 */
export function refusalLabel(error: DefinedError): string {
  const paths = error.attributes.path_errors;
  const first = Array.isArray(paths) ? (paths[0] as { name?: unknown } | undefined) : undefined;
  const name = typeof first?.name === "string" ? first.name : error.definition.name;
  return metricWord(name);
}

/** A short snake_case label value (`TOO_LATE` → `too_late`); `other` when there is none. */
export function metricWord(text: string): string {
  const word = text
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, "_")
    .slice(0, 40);
  return /[a-z0-9]/.test(word) ? word : "other";
}
