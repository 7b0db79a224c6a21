/**
 * The Network Server's table (migration 0011): its part of each end device, found by the
 * DevAddr of its session and of its pending session (the uplink path's lookup) and by its
 * JoinEUI and DevEUI.
 */
import { EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import {
  endDeviceKey,
  endDeviceKeyColumns,
  euisValue,
  hexOf,
} from "../../storage/end-device-tables.ts";
import type { MessageTableSpec } from "../../storage/message-store/index.ts";

export { euisValue };

export const nsDeviceTable: MessageTableSpec<typeof EndDeviceSchema> = {
  table: "ns_end_devices",
  schema: EndDeviceSchema,
  keyColumns: endDeviceKeyColumns,
  key: endDeviceKey,
  indexes: [
    {
      column: "euis",
      unique: true,
      // Only devices that join are looked up by their EUIs (join-requests); ABP devices may
      // share a DevEUI with a zero JoinEUI.
      value: (device) =>
        device.supportsJoin && device.ids?.devEui?.length && device.ids.joinEui?.length
          ? euisValue(device.ids.joinEui, device.ids.devEui)
          : undefined,
    },
    { column: "dev_addr", unique: false, value: (device) => hexOf(device.session?.devAddr) },
    {
      column: "pending_dev_addr",
      unique: false,
      value: (device) => hexOf(device.pendingSession?.devAddr),
    },
  ],
};
