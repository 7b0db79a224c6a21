import { Counter, type Registry } from "prom-client";

/** The metrics of the last-seen times the Network Server sends to the Identity Server. */
export interface LastSeenMetrics {
  /** Devices whose last-seen time the Identity Server took. */
  reported: Counter;
  /** Calls to the Identity Server that failed (their devices wait for the next flush). */
  failures: Counter;
  /** Devices dropped unsent because too many waited. */
  dropped: Counter;
}

export function lastSeenMetrics(registry: Registry): LastSeenMetrics {
  const registers = [registry];
  return {
    reported: new Counter({
      name: "lorastack_ns_last_seen_reported_total",
      help: "Devices whose last-seen time the Identity Server took",
      registers,
    }),
    failures: new Counter({
      name: "lorastack_ns_last_seen_failures_total",
      help: "Failed calls sending last-seen times to the Identity Server (retried at the next flush)",
      registers,
    }),
    dropped: new Counter({
      name: "lorastack_ns_last_seen_dropped_total",
      help: "Devices whose last-seen time was dropped unsent because too many waited",
      registers,
    }),
  };
}
