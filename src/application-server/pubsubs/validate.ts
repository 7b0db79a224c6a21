import { createPrivateKey, X509Certificate } from "node:crypto";
import type {
  ApplicationPubSub,
  ApplicationPubSub_MQTTProvider,
} from "../../gen/ttn/lorawan/v3/applicationserver_pubsub_pb.js";
import {
  errFormatNotFound,
  errInvalidField,
  errInvalidPubSubId,
  errNoProvider,
  errProviderDisabled,
} from "./errors.ts";
import { findFormat } from "./formats.ts";
import { downlinkMessageFields, joinTopic, upMessageFields } from "./messages.ts";

/** The ID rule of every entity (The Things Stack's public API). */
const idPattern = /^[a-z0-9](?:[-]?[a-z0-9]){2,}$/;
const idMaxLength = 36;
// RFC 9110 token characters: a header name with anything else is refused by every client.
const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** The Things Stack's lengths, and ours where it has none. */
const limits = {
  topic: 100,
  clientId: 23,
  username: 100,
  password: 100,
  pem: 8192,
  headers: 50,
  headerName: 64,
  headerValue: 4096,
};
/** URL schemes MQTT.js connects with. */
const serverSchemes = new Set(["mqtt:", "mqtts:", "tcp:", "tls:", "ssl:", "ws:", "wss:"]);
const qosValues = new Set([0, 1, 2]);

const invalid = (field: string, reason: string) => errInvalidField.create({ field, reason });
const snake = (field: string) => field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** Checks the pub/sub ID; invalid_pub_sub_id otherwise. */
export function checkPubSubId(id: string): void {
  if (id.length > idMaxLength || !idPattern.test(id))
    throw errInvalidPubSubId.create({ pub_sub_id: id });
}

/**
 * Checks a pub/sub as it is about to be stored: a known format, an MQTT provider (NATS is
 * refused as disabled) that MQTT.js can connect with, topics within The Things Stack's
 * length, topics to publish on without wildcards and well-formed topic filters to subscribe to.
 */
export function checkPubSub(pubsub: ApplicationPubSub): void {
  if (!findFormat(pubsub.format)) throw errFormatNotFound.create({ format: pubsub.format });
  switch (pubsub.provider.case) {
    case "mqtt":
      checkMqtt(pubsub.provider.value);
      break;
    case "nats":
      throw errProviderDisabled.create({ provider: "nats" });
    default:
      throw errNoProvider.create();
  }
  if (pubsub.baseTopic.length > limits.topic)
    throw invalid("base_topic", `at most ${limits.topic} characters`);
  for (const field of Object.values(upMessageFields)) {
    const message = pubsub[field];
    if (!message) continue;
    checkTopicLength(field, message.topic);
    const topic = joinTopic(pubsub.baseTopic, message.topic);
    if (topic === "" || /[+#\0]/.test(topic))
      throw invalid(`${snake(field)}.topic`, "a topic to publish on: not empty, without + or #");
  }
  for (const field of Object.values(downlinkMessageFields)) {
    const message = pubsub[field];
    if (!message) continue;
    checkTopicLength(field, message.topic);
    if (!isTopicFilter(joinTopic(pubsub.baseTopic, message.topic)))
      throw invalid(`${snake(field)}.topic`, "not a topic filter (+ and # stand for whole levels)");
  }
}

function checkTopicLength(field: string, topic: string): void {
  if (topic.length > limits.topic)
    throw invalid(`${snake(field)}.topic`, `at most ${limits.topic} characters`);
}

/** Whether `filter` is a valid MQTT topic filter: `+` a whole level, `#` only the whole last one. */
function isTopicFilter(filter: string): boolean {
  if (filter === "" || filter.includes("\0")) return false;
  const levels = filter.split("/");
  return levels.every((level, index) => {
    if (level.includes("#")) return level === "#" && index === levels.length - 1;
    return !level.includes("+") || level === "+";
  });
}

function checkMqtt(mqtt: ApplicationPubSub_MQTTProvider): void {
  let url: URL | undefined;
  try {
    url = new URL(mqtt.serverUrl);
  } catch {
    url = undefined;
  }
  if (!url || !serverSchemes.has(url.protocol) || url.hostname === "")
    throw invalid(
      "mqtt.server_url",
      "an mqtt://, mqtts://, ws:// or wss:// URL with a host is required",
    );
  if (mqtt.clientId.length > limits.clientId)
    throw invalid("mqtt.client_id", `at most ${limits.clientId} characters`);
  if (mqtt.username.length > limits.username)
    throw invalid("mqtt.username", `at most ${limits.username} characters`);
  if (mqtt.password.length > limits.password)
    throw invalid("mqtt.password", `at most ${limits.password} characters`);
  if (!qosValues.has(mqtt.subscribeQos)) throw invalid("mqtt.subscribe_qos", "0, 1 or 2");
  if (!qosValues.has(mqtt.publishQos)) throw invalid("mqtt.publish_qos", "0, 1 or 2");
  const pems = {
    tls_ca: mqtt.tlsCa,
    tls_client_cert: mqtt.tlsClientCert,
    tls_client_key: mqtt.tlsClientKey,
  };
  for (const [name, pem] of Object.entries(pems))
    if (pem.length > limits.pem) throw invalid(`mqtt.${name}`, `at most ${limits.pem} bytes`);
  // A certificate or key that does not parse would fail every connection: refuse it now.
  if (mqtt.tlsCa.length > 0 && !parses(() => new X509Certificate(Buffer.from(mqtt.tlsCa))))
    throw invalid("mqtt.tls_ca", "a PEM certificate is required");
  if (
    mqtt.tlsClientCert.length > 0 &&
    !parses(() => new X509Certificate(Buffer.from(mqtt.tlsClientCert)))
  )
    throw invalid("mqtt.tls_client_cert", "a PEM certificate is required");
  if (
    mqtt.tlsClientKey.length > 0 &&
    !parses(() => createPrivateKey(Buffer.from(mqtt.tlsClientKey)))
  )
    throw invalid("mqtt.tls_client_key", "a PEM private key is required");
  if (mqtt.tlsClientCert.length > 0 !== mqtt.tlsClientKey.length > 0)
    throw invalid("mqtt.tls_client_key", "a client certificate and its key go together");
  const headers = Object.entries(mqtt.headers);
  if (headers.length > limits.headers)
    throw invalid("mqtt.headers", `at most ${limits.headers} headers`);
  for (const [name, value] of headers) {
    if (name.length > limits.headerName || !headerName.test(name))
      throw invalid("mqtt.headers", `${JSON.stringify(name)} is not a header name`);
    if (value.length > limits.headerValue || /[\r\n\0]/.test(value))
      throw invalid(
        `mqtt.headers.${name}`,
        "a header value is one line of at most 4096 characters",
      );
  }
}

function parses(read: () => unknown): boolean {
  try {
    read();
    return true;
  } catch {
    return false;
  }
}
