/**
 * The events of the Network Server's device registry, with The Things Stack's names and
 * visibility (`ns.end_device.create|update|delete`, updates carrying the updated field paths).
 */
import { defineEvent, updatedFieldsData } from "../../events/index.ts";

export const evtEndDeviceCreate = defineEvent("ns.end_device.create", {
  description: "create end device",
  visibility: ["RIGHT_APPLICATION_DEVICES_READ"],
});
export const evtEndDeviceUpdate = defineEvent("ns.end_device.update", {
  description: "update end device",
  visibility: ["RIGHT_APPLICATION_DEVICES_READ"],
  dataType: updatedFieldsData,
});
export const evtEndDeviceDelete = defineEvent("ns.end_device.delete", {
  description: "delete end device",
  visibility: ["RIGHT_APPLICATION_DEVICES_READ"],
});
