import { type ColumnDefinitionBuilder, type CreateTableBuilder, sql } from "kysely";
import type { DatabaseEngine } from "../engine.ts";
import { type Migration, timestampType, type UntypedDatabase } from "./migration.ts";

/**
 * The Identity Server's registries. Key and indexed columns are real columns; every other field
 * of an entity lives in the JSON text column `data`, so a field mask is a JSON key list.
 * Timestamps are RFC 3339 text with milliseconds on both engines; `deleted_at` marks a soft
 * delete. Constraint names carry their column names so that a unique violation can be told
 * apart on both engines (SQLite reports columns, PostgreSQL the constraint name).
 */
export const migration0002IdentityServer: Migration = {
  name: "0002-identity-server",
  async up(db, engine) {
    // Identifiers compare byte-wise on both engines, so ordering does not depend on the
    // PostgreSQL server's locale.
    const id = (column: ColumnDefinitionBuilder) =>
      (engine === "postgres" ? column.modifyEnd(sql`collate "C"`) : column).notNull();
    const text = (column: ColumnDefinitionBuilder) =>
      engine === "postgres" ? column.modifyEnd(sql`collate "C"`) : column;

    // Users and organizations share one namespace of IDs: both hold a row here.
    await db.schema
      .createTable("accounts")
      .addColumn("account_id", "text", id)
      .addColumn("account_kind", "text", (c) => c.notNull())
      .addColumn("created_at", timestampType, (c) => c.notNull())
      .addPrimaryKeyConstraint("accounts_account_id_pkey", ["account_id"])
      .execute();

    await entityTable(db, engine, "users", ["user_id"], (table) =>
      table.addColumn("primary_email_address", "text", text),
    );
    await db.schema
      .createIndex("users_primary_email_address_key")
      .on("users")
      .column("primary_email_address")
      .unique()
      .execute();

    await entityTable(db, engine, "organizations", ["organization_id"]);
    await entityTable(db, engine, "applications", ["application_id"]);

    await entityTable(db, engine, "gateways", ["gateway_id"], (table) =>
      table.addColumn("gateway_eui", "text", text),
    );
    // NULLs are distinct in unique indexes on both engines: gateways without EUI never clash.
    await db.schema
      .createIndex("gateways_gateway_eui_key")
      .on("gateways")
      .column("gateway_eui")
      .unique()
      .execute();

    await entityTable(db, engine, "end_devices", ["application_id", "device_id"], (table) =>
      table.addColumn("join_eui", "text", text).addColumn("dev_eui", "text", text),
    );
    await db.schema
      .createIndex("end_devices_join_eui_dev_eui_key")
      .on("end_devices")
      .columns(["join_eui", "dev_eui"])
      .unique()
      .execute();

    await entityTable(db, engine, "clients", ["client_id"]);

    // An account's rights on an entity (application, gateway, organization or client).
    await db.schema
      .createTable("memberships")
      .addColumn("account_id", "text", id)
      .addColumn("account_kind", "text", (c) => c.notNull())
      .addColumn("entity_kind", "text", (c) => c.notNull())
      .addColumn("entity_id", "text", id)
      .addColumn("rights", "text", (c) => c.notNull())
      .addColumn("created_at", timestampType, (c) => c.notNull())
      .addColumn("updated_at", timestampType, (c) => c.notNull())
      .addPrimaryKeyConstraint("memberships_account_id_entity_kind_entity_id_pkey", [
        "account_id",
        "entity_kind",
        "entity_id",
      ])
      .execute();
    await db.schema
      .createIndex("memberships_entity_kind_entity_id_idx")
      .on("memberships")
      .columns(["entity_kind", "entity_id"])
      .execute();

    await db.schema
      .createTable("api_keys")
      .addColumn("key_id", "text", id)
      .addColumn("entity_kind", "text", (c) => c.notNull())
      .addColumn("entity_id", "text", id)
      .addColumn("name", "text", text)
      .addColumn("secret_hash", "text", (c) => c.notNull())
      .addColumn("rights", "text", (c) => c.notNull())
      .addColumn("expires_at", timestampType)
      .addColumn("created_at", timestampType, (c) => c.notNull())
      .addColumn("updated_at", timestampType, (c) => c.notNull())
      .addPrimaryKeyConstraint("api_keys_key_id_pkey", ["key_id"])
      .execute();
    await db.schema
      .createIndex("api_keys_entity_kind_entity_id_idx")
      .on("api_keys")
      .columns(["entity_kind", "entity_id"])
      .execute();
  },
};

// biome-ignore lint/suspicious/noExplicitAny: a create-table builder whatever columns it has
type TableBuilder = CreateTableBuilder<any, any>;

/** A registry table: key columns, `name`, extra columns, `data` (JSON) and the timestamps. */
async function entityTable(
  db: UntypedDatabase,
  engine: DatabaseEngine,
  table: string,
  keyColumns: string[],
  extra: (table: TableBuilder) => TableBuilder = (t) => t,
): Promise<void> {
  const collate = (column: ColumnDefinitionBuilder) =>
    engine === "postgres" ? column.modifyEnd(sql`collate "C"`) : column;
  let builder: TableBuilder = db.schema.createTable(table);
  for (const key of keyColumns)
    builder = builder.addColumn(key, "text", (c) => collate(c).notNull());
  builder = builder.addColumn("name", "text", collate);
  builder = extra(builder);
  builder = builder
    .addColumn("data", "text", (c) => c.notNull())
    .addColumn("created_at", timestampType, (c) => c.notNull())
    .addColumn("updated_at", timestampType, (c) => c.notNull())
    .addColumn("deleted_at", timestampType);
  await builder
    .addPrimaryKeyConstraint(`${table}_${keyColumns.join("_")}_pkey`, keyColumns)
    .execute();
}
