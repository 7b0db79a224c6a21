import { type MessageType, messageTypes, type PubSub } from "../types.ts";

/** A topic in the form: published (or subscribed) or not, and its topic below the base. */
export interface TopicChoice {
  enabled: boolean;
  topic: string;
}

/** The downlink topics a pub/sub subscribes to, then the message types it publishes. */
export const pubSubTopics = [
  ["downlink_push", "Downlink push"],
  ["downlink_replace", "Downlink replace"],
  ...messageTypes,
] as const;

export type PubSubTopic = "downlink_push" | "downlink_replace" | MessageType;

export const qosLevels = [
  { value: "AT_MOST_ONCE", label: "At most once (0)" },
  { value: "AT_LEAST_ONCE", label: "At least once (1)" },
  { value: "EXACTLY_ONCE", label: "Exactly once (2)" },
];

export interface PubSubValues {
  pub_sub_id: string;
  format: string;
  base_topic: string;
  provider: "mqtt" | "nats";
  server_url: string;
  client_id: string;
  username: string;
  password: string;
  publish_qos: string;
  subscribe_qos: string;
  use_tls: boolean;
  topics: Record<PubSubTopic, TopicChoice>;
}

/** The form's values of a pub/sub (or of a new MQTT one publishing uplinks). */
export function pubSubValues(pubsub?: PubSub): PubSubValues {
  const topics = {} as Record<PubSubTopic, TopicChoice>;
  for (const [type] of pubSubTopics) {
    const message = pubsub?.[type];
    topics[type] = {
      enabled: message !== undefined && message !== null,
      topic: message?.topic ?? "",
    };
  }
  if (!pubsub) topics.uplink_message = { enabled: true, topic: "up" };
  const mqtt = pubsub?.mqtt;
  return {
    pub_sub_id: pubsub?.ids.pub_sub_id ?? "",
    format: pubsub?.format || "json",
    base_topic: pubsub?.base_topic ?? "",
    provider: pubsub?.nats ? "nats" : "mqtt",
    server_url: pubsub?.nats?.server_url ?? mqtt?.server_url ?? "",
    client_id: mqtt?.client_id ?? "",
    username: mqtt?.username ?? "",
    password: mqtt?.password ?? "",
    publish_qos: mqtt?.publish_qos || "AT_MOST_ONCE",
    subscribe_qos: mqtt?.subscribe_qos || "AT_MOST_ONCE",
    use_tls: mqtt?.use_tls ?? false,
    topics,
  };
}

/** Why a server URL cannot be used by the provider, or null. */
export function serverUrlError(provider: "mqtt" | "nats", value: string): string | null {
  if (value.trim() === "") return "Enter the server URL";
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return provider === "mqtt"
      ? "Not a URL (for example mqtt://broker:1883)"
      : "Not a URL (for example nats://server:4222)";
  }
  const schemes =
    provider === "mqtt" ? ["mqtt:", "mqtts:", "ws:", "wss:", "tcp:", "ssl:"] : ["nats:", "tls:"];
  return schemes.includes(url.protocol)
    ? null
    : `A ${schemes.map((scheme) => scheme.slice(0, -1)).join(", ")} URL`;
}

/** The body of a Set request of the pub/sub (the provider and every topic in the mask). */
export function pubSubBody(
  appId: string,
  values: PubSubValues,
): { pubsub: PubSub; field_mask: { paths: string[] } } {
  const pubsub: PubSub = {
    ids: { application_ids: { application_id: appId }, pub_sub_id: values.pub_sub_id },
    format: values.format,
    base_topic: values.base_topic.trim(),
  };
  if (values.provider === "nats") pubsub.nats = { server_url: values.server_url.trim() };
  else
    pubsub.mqtt = {
      server_url: values.server_url.trim(),
      client_id: values.client_id,
      username: values.username,
      password: values.password,
      publish_qos: values.publish_qos,
      subscribe_qos: values.subscribe_qos,
      use_tls: values.use_tls,
    };
  const paths = ["format", "base_topic", "provider"];
  for (const [type] of pubSubTopics) {
    paths.push(type);
    const choice = values.topics[type];
    if (choice.enabled) pubsub[type] = { topic: choice.topic.trim() };
  }
  return { pubsub, field_mask: { paths } };
}
