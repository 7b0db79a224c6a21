import { Counter, Gauge, type Registry } from "prom-client";

/** The Gateway Server's metrics. */
export interface GatewayServerMetrics {
  /** Uplinks received from gateways, by protocol. */
  uplinks: Counter<"protocol">;
  /** Uplinks handed to the Network Server (`ok`) or not (`failed`). */
  uplinksForwarded: Counter<"result">;
  /** Downlinks handed to a gateway's connection, by protocol. */
  downlinks: Counter<"protocol">;
  /** TX acknowledgments received, by result (`SUCCESS`, `TOO_LATE`, ...). */
  txAcknowledgments: Counter<"result">;
  statusMessages: Counter<"protocol">;
  /** What was dropped and why: unknown gateways, refused connections, undeliverable uplinks. */
  drops: Counter<"reason">;
  /** Gateways connected to this instance, by protocol. */
  connected: Gauge<"protocol">;
}

export function gatewayServerMetrics(registry: Registry): GatewayServerMetrics {
  const registers = [registry];
  return {
    uplinks: new Counter({
      name: "lorastack_gs_uplinks_received_total",
      help: "Uplinks received from gateways",
      labelNames: ["protocol"],
      registers,
    }),
    uplinksForwarded: new Counter({
      name: "lorastack_gs_uplinks_forwarded_total",
      help: "Uplinks handed to the Network Server (result ok) or not (failed)",
      labelNames: ["result"],
      registers,
    }),
    downlinks: new Counter({
      name: "lorastack_gs_downlinks_sent_total",
      help: "Downlinks handed to gateway connections",
      labelNames: ["protocol"],
      registers,
    }),
    txAcknowledgments: new Counter({
      name: "lorastack_gs_tx_acknowledgments_total",
      help: "TX acknowledgments received from gateways, by result",
      labelNames: ["result"],
      registers,
    }),
    statusMessages: new Counter({
      name: "lorastack_gs_status_messages_total",
      help: "Status messages received from gateways",
      labelNames: ["protocol"],
      registers,
    }),
    drops: new Counter({
      name: "lorastack_gs_drops_total",
      help: "Gateways refused and messages dropped by the Gateway Server, by reason",
      labelNames: ["reason"],
      registers,
    }),
    connected: new Gauge({
      name: "lorastack_gs_connected_gateways",
      help: "Gateways connected to this instance, by protocol",
      labelNames: ["protocol"],
      registers,
    }),
  };
}
