/**
 * The Application Server's integrations as the CLI sees them, one row per kind (webhooks,
 * pub/subs): command and flag names as ttn-lw-cli has them, REST paths, the fields `get`
 * and `list` select and the fields `set` writes. The commands and their actions are generated
 * from these rows. Pure data: loaded at registration.
 */

/** How a `set` flag is read. */
export type IntegrationSetterType =
  /** One string. */
  | "text"
  /** `--flag` / `--no-flag`. */
  | "boolean"
  /** Repeatable `key=value` into a map (`--headers`). */
  | "map"
  /** Repeatable (or comma-separated) into a list. */
  | "list"
  /** One of `choices`. */
  | "choice";

/** A `set` flag: `--<flag>` writes `path` (dotted, in the JSON body and the field mask). */
export interface IntegrationSetter {
  readonly flag: string;
  readonly path: string;
  /** The field mask's path when it differs (The Things Stack names the provider's oneof). */
  readonly maskPath?: string;
  readonly type: IntegrationSetterType;
  readonly description: string;
  readonly choices?: readonly string[];
}

export interface IntegrationKind {
  /** `webhooks`. */
  readonly command: string;
  /** `webhook`, for messages. */
  readonly noun: string;
  /** `webhook-id`: the second positional argument's flag. */
  readonly idFlag: string;
  /** `webhook_id` in `ids`. */
  readonly idField: string;
  /** The request's field of the entity (`{"webhook": {...}}`). */
  readonly bodyField: string;
  /** The list answer's field (`{"webhooks": [...]}`). */
  readonly listField: string;
  /** The REST collection of an application: `/as/webhooks/{app}`. */
  readonly collection: string;
  /** `GET` of the formats the server offers. */
  readonly formatsPath: string;
  /** Fields `--all` selects and `--<field>` selects one by one. */
  readonly fields: readonly string[];
  readonly setters: readonly IntegrationSetter[];
  readonly exampleId: string;
  readonly setExample: string;
}

/** The message types both kinds send, each with its path (webhooks) or topic (pub/subs). */
const messageTypes = [
  "uplink_message",
  "uplink_normalized",
  "join_accept",
  "downlink_ack",
  "downlink_nack",
  "downlink_sent",
  "downlink_failed",
  "downlink_queued",
  "downlink_queue_invalidated",
  "location_solved",
  "service_data",
] as const;

/** `uplink_message` → `uplink-message`. */
export function flagOf(field: string): string {
  return field.replaceAll("_", "-");
}

function messageSetters(
  types: readonly string[],
  leaf: "path" | "topic",
  what: string,
): IntegrationSetter[] {
  return types.map((type) => ({
    flag: `${flagOf(type)}.${leaf}`,
    path: `${type}.${leaf}`,
    type: "text",
    description: `${what} of ${type.replaceAll("_", " ")} messages ("" sends them to the base)`,
  }));
}

const qos = ["AT_MOST_ONCE", "AT_LEAST_ONCE", "EXACTLY_ONCE"] as const;

/** The table. */
export const integrationKinds: readonly IntegrationKind[] = [
  {
    command: "webhooks",
    noun: "webhook",
    idFlag: "webhook-id",
    idField: "webhook_id",
    bodyField: "webhook",
    listField: "webhooks",
    collection: "/as/webhooks",
    formatsPath: "/as/webhook-formats",
    fields: [
      "base_url",
      "headers",
      "format",
      "downlink_api_key",
      ...messageTypes,
      "health_status",
      "field_mask",
      "paused",
    ],
    setters: [
      { flag: "base-url", path: "base_url", type: "text", description: "the URL paths go after" },
      {
        flag: "format",
        path: "format",
        type: "text",
        description: "body format: json or protobuf (`webhooks formats` lists them)",
      },
      {
        flag: "headers",
        path: "headers",
        type: "map",
        description: "HTTP header key=value (repeatable; replaces all headers)",
      },
      {
        flag: "downlink-api-key",
        path: "downlink_api_key",
        type: "text",
        description: "API key for the receiver's downlinks (sent as X-Downlink-Apikey)",
      },
      {
        flag: "field-mask",
        path: "field_mask.paths",
        type: "list",
        description: "fields of the message to send (up.uplink_message.decoded_payload, ...)",
      },
      { flag: "paused", path: "paused", type: "boolean", description: "stop sending messages" },
      ...messageSetters(messageTypes, "path", "path"),
    ],
    exampleId: "my-webhook",
    setExample:
      "--base-url https://example.com/lora --format json --uplink-message.path /up --headers Authorization='Bearer x'",
  },
  {
    command: "pubsubs",
    noun: "pub/sub",
    idFlag: "pubsub-id",
    idField: "pub_sub_id",
    bodyField: "pubsub",
    listField: "pubsubs",
    collection: "/as/pubsub",
    formatsPath: "/as/pubsub-formats",
    fields: [
      "format",
      "base_topic",
      "mqtt",
      "nats",
      "downlink_push",
      "downlink_replace",
      ...messageTypes,
    ],
    setters: [
      {
        flag: "format",
        path: "format",
        type: "text",
        description: "message format: json or protobuf (`pubsubs formats` lists them)",
      },
      {
        flag: "base-topic",
        path: "base_topic",
        type: "text",
        description: "prefix of every topic",
      },
      {
        flag: "provider.mqtt.server-url",
        path: "mqtt.server_url",
        maskPath: "provider.mqtt.server_url",
        type: "text",
        description: "MQTT server: mqtt://, mqtts://, ws:// or wss://host:port",
      },
      {
        flag: "provider.mqtt.client-id",
        path: "mqtt.client_id",
        maskPath: "provider.mqtt.client_id",
        type: "text",
        description: "MQTT client ID (at most 23 characters)",
      },
      {
        flag: "provider.mqtt.username",
        path: "mqtt.username",
        maskPath: "provider.mqtt.username",
        type: "text",
        description: "MQTT user name",
      },
      {
        flag: "provider.mqtt.password",
        path: "mqtt.password",
        maskPath: "provider.mqtt.password",
        type: "text",
        description: "MQTT password",
      },
      {
        flag: "provider.mqtt.subscribe-qos",
        path: "mqtt.subscribe_qos",
        maskPath: "provider.mqtt.subscribe_qos",
        type: "choice",
        choices: qos,
        description: `QoS of the downlink subscriptions (${qos.join(", ")})`,
      },
      {
        flag: "provider.mqtt.publish-qos",
        path: "mqtt.publish_qos",
        maskPath: "provider.mqtt.publish_qos",
        type: "choice",
        choices: qos,
        description: `QoS of published messages (${qos.join(", ")})`,
      },
      {
        flag: "provider.mqtt.use-tls",
        path: "mqtt.use_tls",
        maskPath: "provider.mqtt.use_tls",
        type: "boolean",
        description: "connect over TLS",
      },
      {
        flag: "provider.mqtt.headers",
        path: "mqtt.headers",
        maskPath: "provider.mqtt.headers",
        type: "map",
        description: "websocket handshake header key=value (repeatable)",
      },
      {
        flag: "provider.nats.server-url",
        path: "nats.server_url",
        maskPath: "provider.nats.server_url",
        type: "text",
        description: "NATS server (lorastack refuses NATS: provider_disabled)",
      },
      ...messageSetters(["downlink_push", "downlink_replace", ...messageTypes], "topic", "topic"),
    ],
    exampleId: "my-broker",
    setExample:
      "--format json --base-topic lora --provider.mqtt.server-url mqtt://broker:1883 --uplink-message.topic up",
  },
];
