import type { PubSub } from "../../cluster/pubsub.ts";
import type { ApplicationUp } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import { type ApplicationUpSink, applicationUpTopic } from "../traffic.ts";

/**
 * The MQTT server's sink: every `ApplicationUp` goes to the cluster's application-up topic,
 * which the MQTT server of every instance listens on and delivers to its own clients. Handing
 * it to the PubSub is all MQTT promises (QoS 0, as The Things Stack publishes).
 */
export function mqttSink(pubsub: PubSub): ApplicationUpSink {
  const topic = applicationUpTopic(pubsub);
  return {
    name: "mqtt",
    async handle(up: ApplicationUp): Promise<void> {
      topic.publish(up);
    },
  };
}
