/**
 * The events the Join Server publishes, with The Things Stack's names, visibility and data:
 * its device registry (`js.end_device.create|update|delete`, updates carrying the updated field
 * paths) and joins (`js.join.accept`, `js.join.reject` with the error), all about the device.
 */
import { defineEvent, updatedFieldsData } from "../events/index.ts";
import { ErrorDetailsSchema } from "../gen/ttn/lorawan/v3/error_pb.js";

export const evtEndDeviceCreate = defineEvent("js.end_device.create", {
  description: "create end device",
  visibility: ["RIGHT_APPLICATION_DEVICES_READ"],
});
export const evtEndDeviceUpdate = defineEvent("js.end_device.update", {
  description: "update end device",
  visibility: ["RIGHT_APPLICATION_DEVICES_READ"],
  dataType: updatedFieldsData,
});
export const evtEndDeviceDelete = defineEvent("js.end_device.delete", {
  description: "delete end device",
  visibility: ["RIGHT_APPLICATION_DEVICES_READ"],
});
export const evtJoinAccept = defineEvent("js.join.accept", {
  description: "accept join-request",
  visibility: ["RIGHT_APPLICATION_DEVICES_READ"],
});
/** Data: why (MIC mismatch, DevNonce reused, ...), as The Things Stack's ErrorDetails. */
export const evtJoinReject = defineEvent("js.join.reject", {
  description: "reject join-request",
  visibility: ["RIGHT_APPLICATION_DEVICES_READ"],
  dataType: ErrorDetailsSchema,
});
