/**
 * The events of the Application Server's registries, with The Things Stack's names, visibility
 * and data: `as.end_device.create|update|delete` (updates carry the updated field paths). The
 * Things Stack publishes no events for application links, so neither do we.
 */
import { defineEvent, updatedFieldsData } from "../events/index.ts";

export const evtEndDeviceCreate = defineEvent("as.end_device.create", {
  description: "create end device",
  visibility: ["RIGHT_APPLICATION_DEVICES_READ"],
});
export const evtEndDeviceUpdate = defineEvent("as.end_device.update", {
  description: "update end device",
  visibility: ["RIGHT_APPLICATION_DEVICES_READ"],
  dataType: updatedFieldsData,
});
export const evtEndDeviceDelete = defineEvent("as.end_device.delete", {
  description: "delete end device",
  visibility: ["RIGHT_APPLICATION_DEVICES_READ"],
});
