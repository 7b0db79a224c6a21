/**
 * The Application Server's tables (migration 0012): its part of each end device, and each
 * application's link. A link is stored as a `SetApplicationLinkRequest` (the application's
 * identifiers and the link), so that no message beyond The Things Stack's is needed.
 */
import {
  type SetApplicationLinkRequest,
  SetApplicationLinkRequestSchema,
} from "../../gen/ttn/lorawan/v3/applicationserver_pb.js";
import { EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { endDeviceKey, endDeviceKeyColumns } from "../../storage/end-device-tables.ts";
import type { MessageTableSpec } from "../../storage/message-store/index.ts";

export const asDeviceTable: MessageTableSpec<typeof EndDeviceSchema> = {
  table: "as_end_devices",
  schema: EndDeviceSchema,
  keyColumns: endDeviceKeyColumns,
  key: endDeviceKey,
  indexes: [],
};

export const asLinkTable: MessageTableSpec<typeof SetApplicationLinkRequestSchema> = {
  table: "as_links",
  schema: SetApplicationLinkRequestSchema,
  keyColumns: ["application_id"],
  key: (row: SetApplicationLinkRequest) => [row.applicationIds?.applicationId ?? ""],
  indexes: [],
};
