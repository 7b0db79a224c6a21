import { reflect } from "@bufbuild/protobuf/reflect";
import { type EndDevice, EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";

/**
 * The fields of `EndDevice` the Network Server keeps (see the comments in end_device.proto):
 * everything else of a device is another registry's. Top-level field paths.
 */
export const networkServerFields: readonly string[] = [
  "ids",
  "created_at",
  "updated_at",
  "frequency_plan_id",
  "lorawan_version",
  "lorawan_phy_version",
  "supports_join",
  "supports_class_b",
  "supports_class_c",
  "multicast",
  "mac_settings",
  "mac_state",
  "pending_mac_state",
  "session",
  "pending_session",
  "battery_percentage",
  "downlink_margin",
  "last_dev_status_received_at",
  "power_state",
];

const topLevel = new Set(networkServerFields);

/**
 * What the Network Server stores: its fields, and for itself the RJcount0 of LoRaWAN 1.1
 * rejoin-requests (types 0 and 2 are checked here; in The Things Stack's API the field is the
 * Join Server's, so the Network Server's API neither shows nor takes it).
 */
export const storedNetworkServerFields: readonly string[] = [
  ...networkServerFields,
  "last_rj_count_0",
];
const stored = new Set(storedNetworkServerFields);

/** Paths inside the Network Server's fields that are another registry's: the AppSKey. */
const foreign = ["session.keys.app_s_key", "pending_session.keys.app_s_key"];

/** Whether a field path names (a part of) a field the Network Server keeps. */
export function isNetworkServerPath(path: string): boolean {
  if (foreign.some((other) => path === other || path.startsWith(`${other}.`))) return false;
  return topLevel.has(path.split(".")[0] as string);
}

/** The top-level fields of `EndDevice` that the Network Server does not store. */
const foreignFields = EndDeviceSchema.fields.filter((field) => !stored.has(field.name));

/**
 * Whether `device` sets no field of another registry at the top level (the AppSKey inside a
 * session is not looked at: the at-rest keys drop it): then it needs no field mask to be kept.
 */
export function hasOnlyNetworkServerFields(device: EndDevice): boolean {
  const message = reflect(EndDeviceSchema, device, false);
  return foreignFields.every((field) => !message.isSet(field));
}
