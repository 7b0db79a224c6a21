import { Counter, Gauge, type Registry } from "prom-client";

/** What happened to pub/sub traffic. */
export interface PubSubMetrics {
  /** Messages the external broker took (QoS 0: written to the socket). */
  published: Counter;
  /** Messages not published, by reason (`buffer_full`, `publish_failed`, `stopped`). */
  drops: Counter<"reason">;
  /** Inbound downlink queue operations, by result (`ok`, `invalid`, `other_application`, `retained`, `too_large`, `failed`). */
  downlinks: Counter<"result">;
  /** Pub/subs connected to their broker now. */
  connected: Gauge;
}

export function pubSubMetrics(registry: Registry): PubSubMetrics {
  const registers = [registry];
  return {
    published: new Counter({
      name: "lorastack_as_pubsub_messages_published_total",
      help: "Messages published to pub/sub brokers",
      registers,
    }),
    drops: new Counter({
      name: "lorastack_as_pubsub_messages_dropped_total",
      help: "Messages for pub/sub brokers dropped, by reason",
      labelNames: ["reason"],
      registers,
    }),
    downlinks: new Counter({
      name: "lorastack_as_pubsub_downlink_operations_total",
      help: "Downlink queue operations received from pub/sub brokers, by result",
      labelNames: ["result"],
      registers,
    }),
    connected: new Gauge({
      name: "lorastack_as_pubsub_connected",
      help: "Pub/subs connected to their broker",
      registers,
    }),
  };
}
