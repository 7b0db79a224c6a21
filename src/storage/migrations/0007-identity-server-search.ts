import { sql } from "kysely";
import type { Migration } from "./migration.ts";

/** The Identity Server's registry tables that have a description. */
const tables = ["users", "organizations", "applications", "gateways", "end_devices", "clients"];

/**
 * Descriptions in a column of their own instead of the JSON `data`, so that a search can match
 * them in SQL without taking every row's JSON apart. Existing descriptions move over.
 */
export const migration0007IdentityServerSearch: Migration = {
  name: "0007-identity-server-search",
  async up(db, engine) {
    for (const table of tables) {
      await db.schema.alterTable(table).addColumn("description", "text").execute();
      const moved =
        engine === "postgres"
          ? sql`update ${sql.table(table)}
              set description = data::jsonb ->> 'description',
                  data = (data::jsonb - 'description')::text
              where data::jsonb ->> 'description' is not null`
          : sql`update ${sql.table(table)}
              set description = json_extract(data, '$.description'),
                  data = json_remove(data, '$.description')
              where json_extract(data, '$.description') is not null`;
      await moved.execute(db);
    }
  },
};
