import { type ColumnDefinitionBuilder, sql } from "kysely";
import { bytesType, type Migration } from "./migration.ts";

/**
 * Event history (src/events/store/sql-store.ts): `events` holds each stored event once, as
 * `ttn.lorawan.v3.Event` protobuf bytes under its ULID; `event_index` lists the events of each
 * entity and correlation id (`entity:application:app-1`, `correlation:<id>`). ULIDs sort by
 * time, so the newest events of a key are the end of its range and everything older than the
 * retention is one range of the ULID indexes.
 */
export const migration0008Events: Migration = {
  name: "0008-events",
  async up(db, engine) {
    // Byte order on PostgreSQL too, so that ULIDs and keys compare as on SQLite.
    const text = (column: ColumnDefinitionBuilder) =>
      (engine === "postgres" ? column.modifyEnd(sql`collate "C"`) : column).notNull();
    await db.schema
      .createTable("events")
      .addColumn("unique_id", "text", text)
      .addColumn("payload", bytesType(engine), (c) => c.notNull())
      .addPrimaryKeyConstraint("events_unique_id_pkey", ["unique_id"])
      .execute();
    const index = db.schema
      .createTable("event_index")
      .addColumn("key", "text", text)
      .addColumn("unique_id", "text", text)
      .addPrimaryKeyConstraint("event_index_key_unique_id_pkey", ["key", "unique_id"]);
    // Small rows looked up by their key: on SQLite the primary key is the table.
    await (engine === "sqlite" ? index.modifyEnd(sql`without rowid`) : index).execute();
    await db.schema
      .createIndex("event_index_unique_id_idx")
      .on("event_index")
      .column("unique_id")
      .execute();
  },
};
