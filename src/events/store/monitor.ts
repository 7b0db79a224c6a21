import { Counter, type Registry } from "prom-client";
import type { Logger } from "../../log/logger.ts";

/** Why stored events were lost or skipped. */
export type StoreDropReason = "overflow" | "failed" | "unreadable";

/** What a store reports: written and dropped events (counted), failures (logged). */
export interface StoreMonitor {
  stored(count: number): void;
  dropped(reason: StoreDropReason, count: number, error?: unknown): void;
  /** Background work (pruning) failed; it runs again at its next interval. */
  failed(operation: string, error: unknown): void;
}

/**
 * Counters `lorastack_events_stored_total` and `lorastack_events_store_dropped_total{reason}`,
 * and a warning per failed batch or unreadable stored event.
 */
export function storeMonitor(options: { metrics?: Registry; logger?: Logger } = {}): StoreMonitor {
  const registers = options.metrics ? [options.metrics] : [];
  const stored = new Counter({
    name: "lorastack_events_stored_total",
    help: "Events written to the event store by this instance",
    registers,
  });
  const dropped = new Counter({
    name: "lorastack_events_store_dropped_total",
    help: "Events not stored (overflow: too many waiting; failed: the write failed) or stored events not readable",
    labelNames: ["reason"],
    registers,
  });
  return {
    stored: (count) => stored.inc(count),
    dropped(reason, count, error) {
      dropped.inc({ reason }, count);
      if (error !== undefined)
        options.logger?.warn({ err: error, reason, count }, "events not stored or not readable");
    },
    failed(operation, error) {
      options.logger?.warn({ err: error, operation }, "event store operation failed");
    },
  };
}
