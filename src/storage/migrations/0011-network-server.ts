import { EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { type MessageTableSpec, messageTableMigration } from "../message-store/spec.ts";
import type { Migration } from "./migration.ts";

/**
 * The table's layout as this migration creates it: the registry's own spec
 * (src/network-server/registry/tables.ts) has the same table, key and index columns — its tests
 * run on the migrated schema — but is not imported, so that this migration never changes.
 */
const layout: MessageTableSpec<typeof EndDeviceSchema> = {
  table: "ns_end_devices",
  schema: EndDeviceSchema,
  keyColumns: ["application_id", "device_id"],
  key: () => [],
  indexes: [
    { column: "euis", unique: true, value: () => undefined },
    { column: "dev_addr", unique: false, value: () => undefined },
    { column: "pending_dev_addr", unique: false, value: () => undefined },
  ],
};

/**
 * The Network Server's table `ns_end_devices`: its part of each end device, keyed by application
 * and device ID, found by `"<JOINEUI>:<DEVEUI>"` (unique) and by the DevAddr of the session and
 * of the pending session (the uplink path's lookup). Session keys are wrapped with a KEK inside
 * the message bytes.
 */
export const migration0011NetworkServer: Migration = {
  name: "0011-network-server",
  up: messageTableMigration(layout),
};
