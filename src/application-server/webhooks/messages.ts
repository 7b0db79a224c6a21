import type {
  ApplicationWebhook,
  ApplicationWebhook_Message,
} from "../../gen/ttn/lorawan/v3/applicationserver_web_pb.js";
import type { ApplicationUp } from "../../gen/ttn/lorawan/v3/messages_pb.js";

type MessageField = Exclude<
  {
    [K in keyof ApplicationWebhook]: ApplicationWebhook[K] extends
      | ApplicationWebhook_Message
      | undefined
      ? K
      : never;
  }[keyof ApplicationWebhook],
  undefined
>;

/**
 * Each `ApplicationUp` message type (the case of its `up` oneof) and the webhook's field of
 * its path. `uplinkNormalized` is here for when `ApplicationUp` carries it.
 */
export const messageFields: Readonly<Record<string, MessageField>> = {
  uplinkMessage: "uplinkMessage",
  uplinkNormalized: "uplinkNormalized",
  joinAccept: "joinAccept",
  downlinkAck: "downlinkAck",
  downlinkNack: "downlinkNack",
  downlinkSent: "downlinkSent",
  downlinkFailed: "downlinkFailed",
  downlinkQueued: "downlinkQueued",
  downlinkQueueInvalidated: "downlinkQueueInvalidated",
  locationSolved: "locationSolved",
  serviceData: "serviceData",
};

/** The proto names of the webhook's message fields (`uplink_message`, ...), for validation. */
export const messageFieldNames: readonly string[] = Object.values(messageFields).map((field) =>
  field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`),
);

/** The webhook's configuration for this message's type; `undefined`: the type is not sent. */
export function webhookMessage(
  webhook: ApplicationWebhook,
  up: ApplicationUp,
): ApplicationWebhook_Message | undefined {
  const field = up.up.case ? messageFields[up.up.case] : undefined;
  return field ? webhook[field] : undefined;
}
