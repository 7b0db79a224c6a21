/**
 * The Join Server's two tables (migration 0010): its part of each end device, and the keys of
 * recent sessions. Both hold `EndDevice` messages: a session is stored as the device's EUIs and
 * `session.keys`, so that no message beyond The Things Stack's is needed.
 */
import { type EndDevice, EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import {
  endDeviceKey,
  endDeviceKeyColumns,
  euisValue,
  hexOf,
} from "../../storage/end-device-tables.ts";
import type { MessageTableSpec } from "../../storage/message-store/index.ts";

export { euisValue };

export const jsDeviceTable: MessageTableSpec<typeof EndDeviceSchema> = {
  table: "js_end_devices",
  schema: EndDeviceSchema,
  keyColumns: endDeviceKeyColumns,
  key: endDeviceKey,
  indexes: [
    {
      column: "euis",
      unique: true,
      value: (device) =>
        device.ids?.devEui?.length && device.ids.joinEui?.length
          ? euisValue(device.ids.joinEui, device.ids.devEui)
          : undefined,
    },
    { column: "dev_eui", unique: false, value: (device) => hexOf(device.ids?.devEui) },
  ],
};

export const jsSessionKeyTable: MessageTableSpec<typeof EndDeviceSchema> = {
  table: "js_session_keys",
  schema: EndDeviceSchema,
  // Session key IDs begin with their time (big-endian milliseconds): hex order is time order.
  keyColumns: ["join_eui", "dev_eui", "session_key_id"],
  key: (session: EndDevice) => [
    hexOf(session.ids?.joinEui) ?? "",
    hexOf(session.ids?.devEui) ?? "",
    hexOf(session.session?.keys?.sessionKeyId) ?? "",
  ],
  indexes: [],
};
