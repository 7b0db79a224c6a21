import type { ApplicationUp } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import type { ApplicationUpSink } from "../traffic.ts";
import type { PubSubFormat } from "./formats.ts";
import type { PubSubIntegrations } from "./integrations.ts";
import { upTopic } from "./messages.ts";

/**
 * The pub/subs' {@link ApplicationUpSink}: each running pub/sub of the message's application
 * that sends its type gets it on its topic. Nothing here waits for a broker or the database
 * (the running pub/subs are in memory): a message is handed to each connection, which
 * publishes it or buffers it while its broker is away.
 */
export function pubSubSink(integrations: PubSubIntegrations): ApplicationUpSink {
  return {
    name: "pubsubs",
    async handle(up: ApplicationUp) {
      const applicationId = up.endDeviceIds?.applicationIds?.applicationId;
      if (!applicationId) return;
      // Several pub/subs of one application often share a format: encode once per format.
      const encoded = new Map<PubSubFormat, Uint8Array>();
      for (const connection of integrations.ofApplication(applicationId)) {
        const topic = upTopic(connection.pubsub, up);
        if (topic === undefined) continue;
        let payload = encoded.get(connection.format);
        if (!payload) {
          payload = connection.format.encodeUp(up);
          encoded.set(connection.format, payload);
        }
        connection.publish(topic, payload);
      }
    },
  };
}
