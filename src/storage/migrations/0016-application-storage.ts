import { type ColumnDefinitionBuilder, sql } from "kysely";
import { bytesType, type Migration, timestampType } from "./migration.ts";

/**
 * The Application Server's storage integration `as_stored_application_ups`: every stored
 * `ApplicationUp` in protobuf binary, with the columns it is filtered and ordered by. `id`
 * orders messages received in the same millisecond and is the sweep's cursor; `received_at` is
 * RFC 3339 text with milliseconds (fixed width, so text order is time order); `f_port` is set
 * for uplinks only. The layout is written out here rather than imported from
 * src/application-server/storage/, so that this migration never changes.
 */
export const migration0016ApplicationStorage: Migration = {
  name: "0016-application-storage",
  async up(db, engine) {
    // Byte order on PostgreSQL too, so that IDs and timestamps compare as on SQLite.
    const text = (column: ColumnDefinitionBuilder) =>
      (engine === "postgres" ? column.modifyEnd(sql`collate "C"`) : column).notNull();
    await db.schema
      .createTable("as_stored_application_ups")
      .addColumn("id", engine === "postgres" ? "bigserial" : "integer", (column) =>
        column.primaryKey(),
      )
      .addColumn("application_id", "text", text)
      .addColumn("device_id", "text", text)
      .addColumn("type", "text", text)
      .addColumn("f_port", "integer")
      .addColumn("received_at", timestampType, text)
      .addColumn("payload", bytesType(engine), (column) => column.notNull())
      .execute();
    const indexes: [string, string[]][] = [
      ["as_stored_application_ups_device_idx", ["application_id", "device_id", "received_at"]],
      ["as_stored_application_ups_type_idx", ["application_id", "type", "received_at"]],
      ["as_stored_application_ups_received_at_idx", ["received_at"]],
    ];
    for (const [name, columns] of indexes)
      await db.schema.createIndex(name).on("as_stored_application_ups").columns(columns).execute();
  },
};
