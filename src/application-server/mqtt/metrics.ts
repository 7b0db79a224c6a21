import { Counter, type Registry } from "prom-client";

/** The application MQTT server's metrics. */
export interface MqttMetrics {
  /** Connections refused at CONNECT, by CONNACK return code. */
  refused: Counter<"reason">;
  /** Messages published into the broker by this instance (one per topic form: `app`, `app@tenant`). */
  published: Counter;
  /** Downlinks from `down/push` and `down/replace`, by operation and result. */
  downlinks: Counter<"operation" | "result">;
  /** What was dropped: publications a client may not make, broken connections. */
  dropped: Counter<"reason">;
}

export function mqttMetrics(registry: Registry): MqttMetrics {
  const registers = [registry];
  return {
    refused: new Counter({
      name: "lorastack_as_mqtt_connections_refused_total",
      help: "Application MQTT connections refused at CONNECT, by CONNACK return code",
      labelNames: ["reason"],
      registers,
    }),
    published: new Counter({
      name: "lorastack_as_mqtt_published_total",
      help: "Application messages this instance published into the MQTT broker (one per topic form)",
      registers,
    }),
    downlinks: new Counter({
      name: "lorastack_as_mqtt_downlinks_total",
      help: "Downlinks received on down/push and down/replace, by operation and result",
      labelNames: ["operation", "result"],
      registers,
    }),
    dropped: new Counter({
      name: "lorastack_as_mqtt_dropped_total",
      help: "MQTT publications not allowed and connections closed on errors",
      labelNames: ["reason"],
      registers,
    }),
  };
}
