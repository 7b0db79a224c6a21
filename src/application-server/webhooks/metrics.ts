import { Counter, type Registry } from "prom-client";

/** What happened to webhook deliveries. */
export interface WebhookMetrics {
  /** Delivery tasks queued by the sink. */
  queued: Counter;
  /** Requests sent, by result (`ok`, `failed`). */
  requests: Counter<"result">;
  /** Deliveries dropped, by reason (`suspended`, `paused`, `deleted`, `unsent_type`, `invalid`). */
  drops: Counter<"reason">;
  /** Deliveries put off because their webhook had its most requests in flight. */
  deferred: Counter;
}

export function webhookMetrics(registry: Registry): WebhookMetrics {
  const registers = [registry];
  return {
    queued: new Counter({
      name: "lorastack_as_webhook_deliveries_queued_total",
      help: "Webhook delivery tasks queued",
      registers,
    }),
    requests: new Counter({
      name: "lorastack_as_webhook_requests_total",
      help: "Webhook requests sent, by result (ok, failed)",
      labelNames: ["result"],
      registers,
    }),
    drops: new Counter({
      name: "lorastack_as_webhook_deliveries_dropped_total",
      help: "Webhook deliveries dropped, by reason",
      labelNames: ["reason"],
      registers,
    }),
    deferred: new Counter({
      name: "lorastack_as_webhook_deliveries_deferred_total",
      help: "Webhook deliveries put off while their webhook had its most requests in flight",
      registers,
    }),
  };
}
