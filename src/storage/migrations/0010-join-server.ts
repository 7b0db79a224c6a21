import { EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { type MessageTableSpec, messageTableMigration } from "../message-store/spec.ts";
import type { Migration } from "./migration.ts";

/**
 * A message table's layout as this migration creates it: the registry's own spec
 * (src/join-server/registry/tables.ts) has the same table, key and index columns — its tests
 * run on the migrated schema — but is not imported, so that this migration never changes.
 */
function layout(
  table: string,
  keyColumns: readonly string[],
  indexes: readonly { column: string; unique: boolean }[],
): MessageTableSpec<typeof EndDeviceSchema> {
  return {
    table,
    schema: EndDeviceSchema,
    keyColumns,
    key: () => [],
    indexes: indexes.map((index) => ({ ...index, value: () => undefined })),
  };
}

/**
 * The Join Server's tables: `js_end_devices` (its part of each end device, keyed by application
 * and device ID, found by `"<JOINEUI>:<DEVEUI>"` (unique) and by DevEUI) and `js_session_keys`
 * (the keys of recent sessions, keyed by JoinEUI, DevEUI and session key ID). Keys are wrapped
 * with a KEK inside the message bytes.
 */
export const migration0010JoinServer: Migration = {
  name: "0010-join-server",
  async up(db, engine) {
    await messageTableMigration(
      layout(
        "js_end_devices",
        ["application_id", "device_id"],
        [
          { column: "euis", unique: true },
          { column: "dev_eui", unique: false },
        ],
      ),
    )(db, engine);
    await messageTableMigration(
      layout("js_session_keys", ["join_eui", "dev_eui", "session_key_id"], []),
    )(db, engine);
  },
};
