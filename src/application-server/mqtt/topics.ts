/**
 * The Things Stack's application MQTT topics (layout `v3`): where each kind of `ApplicationUp`
 * is published, which topics a client may subscribe to, and the inbound downlink topics.
 *
 * `uid` is the application as the client named it in its username: `app1@ttn` as on The Things
 * Stack's multi-tenant deployments, or `app1` as on its Open Source edition. A client's topics
 * use the form it connected with, so integrations written for either keep working.
 */
import type { ApplicationUp } from "../../gen/ttn/lorawan/v3/messages_pb.js";

const layout = "v3";

/** The kinds of `ApplicationUp` and the topic suffix each is published on. */
const upSuffixes: Record<NonNullable<ApplicationUp["up"]["case"]>, readonly string[]> = {
  uplinkMessage: ["up"],
  uplinkNormalized: ["up", "normalized"],
  joinAccept: ["join"],
  downlinkAck: ["down", "ack"],
  downlinkNack: ["down", "nack"],
  downlinkSent: ["down", "sent"],
  downlinkFailed: ["down", "failed"],
  downlinkQueued: ["down", "queued"],
  downlinkQueueInvalidated: ["down", "invalidated"],
  locationSolved: ["location", "solved"],
  serviceData: ["service", "data"],
};

/** Topic suffixes a client reads (with traffic read rights). */
const readSuffixes = new Set(Object.values(upSuffixes).map((suffix) => suffix.join("/")));

/** The inbound operations on an end device's downlink queue, by topic suffix. */
export const downlinkOperations = { "down/push": "push", "down/replace": "replace" } as const;
export type DownlinkOperation = (typeof downlinkOperations)[keyof typeof downlinkOperations];

/** The topic of an `ApplicationUp` for clients that name the application `uid`; none for an empty message. */
export function upTopic(uid: string, up: ApplicationUp): string | undefined {
  const kind = up.up.case;
  const deviceId = up.endDeviceIds?.deviceId;
  if (kind === undefined || !deviceId) return undefined;
  return [layout, uid, "devices", deviceId, ...upSuffixes[kind]].join("/");
}

/** A concrete topic of one device: `v3/{uid}/devices/{device_id}/{suffix}`. */
export interface DeviceTopic {
  uid: string;
  deviceId: string;
  suffix: string;
}

/** Splits a topic without wildcards into its device parts, or `undefined` when it is none. */
export function parseDeviceTopic(topic: string): DeviceTopic | undefined {
  const parts = topic.split("/");
  if (parts.length < 5 || parts[0] !== layout || parts[2] !== "devices") return undefined;
  const [, uid, , deviceId, ...suffix] = parts as [string, string, string, string, ...string[]];
  if (uid === "" || deviceId === "") return undefined;
  return { uid, deviceId, suffix: suffix.join("/") };
}

/** Whether `topic` is one of the topics the Application Server publishes for `uid`. */
export function isReadTopic(uid: string, topic: string): boolean {
  const parsed = parseDeviceTopic(topic);
  return parsed !== undefined && parsed.uid === uid && readSuffixes.has(parsed.suffix);
}

/** The downlink queue operation of an inbound topic of `uid`, if it is one. */
export function downlinkTopic(
  uids: readonly string[],
  topic: string,
): { deviceId: string; operation: DownlinkOperation } | undefined {
  const parsed = parseDeviceTopic(topic);
  if (!parsed || !uids.includes(parsed.uid)) return undefined;
  const operation = downlinkOperations[parsed.suffix as keyof typeof downlinkOperations];
  return operation ? { deviceId: parsed.deviceId, operation } : undefined;
}

/**
 * The subscription a client of `uid` gets for the filter it asked for, or `undefined` when it
 * asks for something it cannot have. As The Things Stack: `#` and `v3/#` become `v3/{uid}/#`,
 * `v3/+/...` becomes `v3/{uid}/...`, `v3/{uid}/...` stays; anything else (another
 * application, another layout, `+/...`) is refused.
 */
export function acceptedSubscription(uid: string, requested: string): string | undefined {
  const parts = requested.split("/");
  if (parts[0] === "#") return `${layout}/${uid}/#`;
  if (parts[0] !== layout || parts.length < 2) return undefined;
  if (parts[1] === "#") return `${layout}/${uid}/#`;
  if (parts[1] === "+" || parts[1] === uid) return [layout, uid, ...parts.slice(2)].join("/");
  return undefined;
}
