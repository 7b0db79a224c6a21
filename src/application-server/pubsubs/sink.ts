import type { ApplicationUp } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import type { ApplicationUpSink } from "../traffic.ts";
import type { PubSubFormat } from "./formats.ts";
import type { PubSubIntegrations } from "./integrations.ts";
import { upTopic } from "./messages.ts";

/**
 * The pub/subs' {@link ApplicationUpSink}: each pub/sub of the message's application that
 * sends its type gets it on its topic. Nothing here waits for a broker or the database (the
 * pub/subs are known in memory): a message is handed to each pub/sub's connection, which
 * publishes it or buffers it while its broker is away — or, when another instance holds the
 * connection, forwarded to that instance through the cluster's PubSub.
 */
export function pubSubSink(integrations: PubSubIntegrations): ApplicationUpSink {
  return {
    name: "pubsubs",
    async handle(up: ApplicationUp) {
      const applicationId = up.endDeviceIds?.applicationIds?.applicationId;
      if (!applicationId) return;
      // Several pub/subs of one application often share a format: encode once per format.
      const encoded = new Map<PubSubFormat, Uint8Array>();
      for (const target of integrations.ofApplication(applicationId)) {
        const topic = upTopic(target.pubsub, up);
        if (topic === undefined) continue;
        let payload = encoded.get(target.format);
        if (!payload) {
          payload = target.format.encodeUp(up);
          encoded.set(target.format, payload);
        }
        target.publish(topic, payload);
      }
    },
  };
}
