import type {
  ApplicationPubSub,
  ApplicationPubSub_Message,
} from "../../gen/ttn/lorawan/v3/applicationserver_pubsub_pb.js";
import type { ApplicationUp } from "../../gen/ttn/lorawan/v3/messages_pb.js";

type MessageField = Exclude<
  {
    [K in keyof ApplicationPubSub]: ApplicationPubSub[K] extends
      | ApplicationPubSub_Message
      | undefined
      ? K
      : never;
  }[keyof ApplicationPubSub],
  undefined
>;

/**
 * Each `ApplicationUp` message type (the case of its `up` oneof) and the pub/sub's field of its
 * topic. `uplinkNormalized` is here for when `ApplicationUp` carries it.
 */
export const upMessageFields: Readonly<Record<string, MessageField>> = {
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

/** The downlink queue operations and the pub/sub's field of the topic each is read from. */
export const downlinkMessageFields = {
  push: "downlinkPush",
  replace: "downlinkReplace",
} as const satisfies Record<string, MessageField>;

export type DownlinkOperation = keyof typeof downlinkMessageFields;

/** Every message field's proto name (`uplink_message`, `downlink_push`, ...), for validation. */
export const messageFieldNames: readonly string[] = [
  ...Object.values(upMessageFields),
  ...Object.values(downlinkMessageFields),
].map((field) => field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`));

/** A message's whole topic: the base topic's levels, then the message topic's (`/` between). */
export function joinTopic(baseTopic: string, topic: string): string {
  return [baseTopic, topic].filter((part) => part !== "").join("/");
}

/** The topic this pub/sub publishes an `ApplicationUp` on; `undefined`: its type is not sent. */
export function upTopic(pubsub: ApplicationPubSub, up: ApplicationUp): string | undefined {
  const field = up.up.case ? upMessageFields[up.up.case] : undefined;
  const message = field ? pubsub[field] : undefined;
  return message ? joinTopic(pubsub.baseTopic, message.topic) : undefined;
}

/** The topic filters this pub/sub subscribes to, by downlink queue operation. */
export function downlinkFilters(pubsub: ApplicationPubSub): [DownlinkOperation, string][] {
  const filters: [DownlinkOperation, string][] = [];
  for (const [operation, field] of Object.entries(downlinkMessageFields)) {
    const message = pubsub[field];
    if (message)
      filters.push([operation as DownlinkOperation, joinTopic(pubsub.baseTopic, message.topic)]);
  }
  return filters;
}

/** Whether an MQTT topic matches a filter (`+` one level, `#` the rest). */
export function topicMatches(filter: string, topic: string): boolean {
  const filterLevels = filter.split("/");
  const topicLevels = topic.split("/");
  // As MQTT 3.1.1 §4.7.2: wildcards at the first level do not match topics starting with `$`.
  if (topic.startsWith("$") && (filterLevels[0] === "+" || filterLevels[0] === "#")) return false;
  for (let index = 0; index < filterLevels.length; index++) {
    const level = filterLevels[index];
    if (level === "#") return true;
    if (index >= topicLevels.length) return false;
    if (level !== "+" && level !== topicLevels[index]) return false;
  }
  return filterLevels.length === topicLevels.length;
}
