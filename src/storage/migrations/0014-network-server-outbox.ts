import { type ColumnDefinitionBuilder, sql } from "kysely";
import { bytesType, type Migration, timestampType } from "./migration.ts";

/**
 * The Network Server's outbox `ns_application_up_outbox`: messages for the Application Server
 * written in the same transaction as the device state they come from (a data uplink's FCnt and
 * MAC state), and removed once handed over — so a crash between the commit and the hand-over
 * loses none. Keyed by the message's task key (src/network-server/application-uplinks/
 * task-key.ts); timestamps are RFC 3339 text with milliseconds.
 */
export const migration0014NetworkServerOutbox: Migration = {
  name: "0014-network-server-outbox",
  async up(db, engine) {
    const text = (column: ColumnDefinitionBuilder) =>
      (engine === "postgres" ? column.modifyEnd(sql`collate "C"`) : column).notNull();
    await db.schema
      .createTable("ns_application_up_outbox")
      .addColumn("key", "text", text)
      .addColumn("payload", bytesType(engine), (c) => c.notNull())
      .addColumn("created_at", timestampType, text)
      .addPrimaryKeyConstraint("ns_application_up_outbox_key_pkey", ["key"])
      .execute();
    await db.schema
      .createIndex("ns_application_up_outbox_created_at_idx")
      .on("ns_application_up_outbox")
      .columns(["created_at"])
      .execute();
  },
};
