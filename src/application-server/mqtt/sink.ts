import type { ApplicationUp } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import type { ApplicationUpSink } from "../traffic.ts";
import type { ApplicationMqttServer } from "./server.ts";

/**
 * The MQTT server's sink: every `ApplicationUp` is published into the broker once, by the
 * instance that handles it. With Redis the broker's emitter is shared, so that one publication
 * reaches the clients of every instance (and the sessions queued in Redis) exactly once.
 */
export function mqttSink(server: Pick<ApplicationMqttServer, "publish">): ApplicationUpSink {
  return {
    name: "mqtt",
    handle(up: ApplicationUp): Promise<void> {
      return server.publish(up);
    },
  };
}
