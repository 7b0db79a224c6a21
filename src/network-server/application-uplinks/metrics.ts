import { Counter, type Registry } from "prom-client";

/** The metrics of the messages the Network Server hands to the Application Server. */
export interface ApplicationUplinkMetrics {
  /** Messages the Application Server took, by path: `direct` (at once) or `queue` (retried). */
  forwarded: Counter<"path">;
  /** Messages that waited in the task queue because the Application Server did not take them. */
  queued: Counter;
  /**
   * Failures, by stage: `direct` (a forward that fell back to the queue), `queue` (could not
   * even be queued), `retry` (a queued attempt), `dead_letter` (given up), `undecodable`.
   */
  failed: Counter<"stage">;
}

export function applicationUplinkMetrics(registry: Registry): ApplicationUplinkMetrics {
  const registers = [registry];
  return {
    forwarded: new Counter({
      name: "lorastack_ns_application_ups_forwarded_total",
      help: "Messages of end devices the Application Server took, by path (direct or queue)",
      labelNames: ["path"],
      registers,
    }),
    queued: new Counter({
      name: "lorastack_ns_application_ups_queued_total",
      help: "Messages of end devices queued because the Application Server did not take them",
      registers,
    }),
    failed: new Counter({
      name: "lorastack_ns_application_ups_failed_total",
      help: "Failures to hand messages of end devices to the Application Server, by stage",
      labelNames: ["stage"],
      registers,
    }),
  };
}
