import { type ColumnDefinitionBuilder, sql } from "kysely";
import { type Migration, timestampType } from "./migration.ts";

/**
 * When each end device was last seen (`last_seen_at`, RFC 3339 text like every timestamp of the
 * Identity Server; NULL: never seen), written in batches by the Network Server, and an index
 * to list an application's devices by it.
 */
export const migration0018EndDeviceLastSeen: Migration = {
  name: "0018-end-device-last-seen",
  async up(db, engine) {
    // Compared byte-wise on both engines (forward-only writes compare stored and new times).
    const collate = (column: ColumnDefinitionBuilder) =>
      engine === "postgres" ? column.modifyEnd(sql`collate "C"`) : column;
    await db.schema
      .alterTable("end_devices")
      .addColumn("last_seen_at", timestampType, collate)
      .execute();
    await db.schema
      .createIndex("end_devices_application_id_last_seen_at_idx")
      .on("end_devices")
      .columns(["application_id", "last_seen_at"])
      .execute();
  },
};
