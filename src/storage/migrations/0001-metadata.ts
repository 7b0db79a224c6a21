import type { Migration } from "./migration.ts";

/** The metadata table: facts about the database, such as its installation id. */
export const migration0001Metadata: Migration = {
  name: "0001-metadata",
  async up(db) {
    await db.schema
      .createTable("metadata")
      .addColumn("key", "text", (column) => column.primaryKey())
      .addColumn("value", "text", (column) => column.notNull())
      .addColumn("updated_at", "text", (column) => column.notNull())
      .execute();
  },
};
