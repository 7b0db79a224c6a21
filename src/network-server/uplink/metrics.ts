import { Counter } from "prom-client";
import type { Registry } from "../../metrics/registry.ts";

/** The uplink path's counters. */
export interface UplinkPipelineMetrics {
  /** Receptions by deduplication result: `first`, `duplicate`, `late`. */
  receptions: Counter<"result">;
  /** Data uplinks of known devices: `processed`, `retransmission`. */
  uplinks: Counter<"result">;
  /** What was dropped and why (the reason's error name, or a step's reason). */
  dropped: Counter<"reason">;
}

export function uplinkPipelineMetrics(registry: Registry): UplinkPipelineMetrics {
  const registers = [registry];
  return {
    receptions: new Counter({
      name: "lorastack_ns_uplink_receptions_total",
      help: "Uplink receptions by deduplication result (first, duplicate, late)",
      labelNames: ["result"],
      registers,
    }),
    uplinks: new Counter({
      name: "lorastack_ns_uplinks_total",
      help: "Data uplinks of known devices handled (processed, retransmission)",
      labelNames: ["result"],
      registers,
    }),
    dropped: new Counter({
      name: "lorastack_ns_uplinks_dropped_total",
      help: "Uplinks dropped by the Network Server, by reason",
      labelNames: ["reason"],
      registers,
    }),
  };
}
