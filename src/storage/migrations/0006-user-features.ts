import { type ColumnDefinitionBuilder, sql } from "kysely";
import { bytesType, type Migration, timestampType, type UntypedDatabase } from "./migration.ts";

/** Rows of `oauth_artifacts` given their account per statement batch. */
const batch = 500;

/**
 * What the Identity Server keeps for its users besides their accounts: one-time login tokens,
 * temporary passwords, invitations, e-mail validations, notifications (one row each, and one per
 * receiver with its status) and bookmarks. Every token is stored as its SHA-256 only. Also the
 * account of each OAuth artifact in a column of its own, so that a user's sign-in sessions
 * (and grants and tokens) are found without reading every payload; existing rows are filled
 * from their payload's `accountId`.
 */
export const migration0006UserFeatures: Migration = {
  name: "0006-user-features",
  async up(db, engine) {
    const id = (column: ColumnDefinitionBuilder) =>
      (engine === "postgres" ? column.modifyEnd(sql`collate "C"`) : column).notNull();
    const text = (column: ColumnDefinitionBuilder) =>
      engine === "postgres" ? column.modifyEnd(sql`collate "C"`) : column;
    const required = (column: ColumnDefinitionBuilder) => column.notNull();

    await db.schema
      .createTable("login_tokens")
      .addColumn("token_hash", "text", id)
      .addColumn("user_id", "text", id)
      .addColumn("created_at", timestampType, required)
      .addColumn("expires_at", timestampType, required)
      .addColumn("used_at", timestampType)
      .addPrimaryKeyConstraint("login_tokens_token_hash_pkey", ["token_hash"])
      .execute();
    await db.schema
      .createIndex("login_tokens_user_id_expires_at_idx")
      .on("login_tokens")
      .columns(["user_id", "expires_at"])
      .execute();

    await db.schema
      .createTable("temporary_passwords")
      .addColumn("user_id", "text", id)
      .addColumn("password_hash", "text", required)
      .addColumn("created_at", timestampType, required)
      .addColumn("expires_at", timestampType, required)
      .addPrimaryKeyConstraint("temporary_passwords_user_id_pkey", ["user_id"])
      .execute();

    await db.schema
      .createTable("invitations")
      .addColumn("email", "text", id)
      .addColumn("token_hash", "text", id)
      .addColumn("sent_by", "text", text)
      .addColumn("created_at", timestampType, required)
      .addColumn("updated_at", timestampType, required)
      .addColumn("expires_at", timestampType, required)
      .addColumn("accepted_at", timestampType)
      .addColumn("accepted_by", "text", text)
      .addPrimaryKeyConstraint("invitations_email_pkey", ["email"])
      .execute();
    await db.schema
      .createIndex("invitations_token_hash_key")
      .on("invitations")
      .column("token_hash")
      .unique()
      .execute();

    await db.schema
      .createTable("email_validations")
      .addColumn("id", "text", id)
      .addColumn("token_hash", "text", required)
      .addColumn("entity_kind", "text", required)
      .addColumn("entity_id", "text", id)
      .addColumn("address", "text", id)
      .addColumn("created_at", timestampType, required)
      .addColumn("updated_at", timestampType, required)
      .addColumn("expires_at", timestampType, required)
      .addColumn("used_at", timestampType)
      .addPrimaryKeyConstraint("email_validations_id_pkey", ["id"])
      .execute();
    await db.schema
      .createIndex("email_validations_entity_kind_entity_id_idx")
      .on("email_validations")
      .columns(["entity_kind", "entity_id"])
      .execute();
    await db.schema
      .createIndex("email_validations_address_idx")
      .on("email_validations")
      .column("address")
      .execute();

    await db.schema
      .createTable("notifications")
      .addColumn("id", "text", id)
      .addColumn("created_at", timestampType, required)
      .addColumn("entity_kind", "text", required)
      .addColumn("entity_id", "text", id)
      .addColumn("notification_type", "text", required)
      .addColumn("data", bytesType(engine))
      .addColumn("sender_id", "text", text)
      .addColumn("receivers", "text", required)
      .addPrimaryKeyConstraint("notifications_id_pkey", ["id"])
      .execute();
    // One row per receiving user, with that user's status; `created_at` is the
    // notification's, so that a user's notifications are paged newest first from one index.
    await db.schema
      .createTable("notification_receivers")
      .addColumn("user_id", "text", id)
      .addColumn("notification_id", "text", id)
      .addColumn("created_at", timestampType, required)
      .addColumn("status", "text", required)
      .addColumn("status_updated_at", timestampType)
      .addPrimaryKeyConstraint("notification_receivers_user_id_notification_id_pkey", [
        "user_id",
        "notification_id",
      ])
      .execute();
    await db.schema
      .createIndex("notification_receivers_user_id_created_at_idx")
      .on("notification_receivers")
      .columns(["user_id", "created_at"])
      .execute();
    await db.schema
      .createIndex("notification_receivers_notification_id_idx")
      .on("notification_receivers")
      .column("notification_id")
      .execute();

    // An end device is bookmarked as its application ID and device ID; other entities have
    // an empty `device_id`.
    await db.schema
      .createTable("user_bookmarks")
      .addColumn("user_id", "text", id)
      .addColumn("entity_kind", "text", required)
      .addColumn("entity_id", "text", id)
      .addColumn("device_id", "text", id)
      .addColumn("created_at", timestampType, required)
      .addPrimaryKeyConstraint("user_bookmarks_user_id_entity_kind_entity_id_device_id_pkey", [
        "user_id",
        "entity_kind",
        "entity_id",
        "device_id",
      ])
      .execute();
    await db.schema
      .createIndex("user_bookmarks_entity_kind_entity_id_idx")
      .on("user_bookmarks")
      .columns(["entity_kind", "entity_id"])
      .execute();

    await db.schema.alterTable("oauth_artifacts").addColumn("account_id", "text", text).execute();
    // Indexed with client_id by 0009 (model, account_id, client_id), which serves both.
    await fillAccounts(db);
  },
};

/** Copies each existing artifact's `accountId` into its new column, in batches. */
async function fillAccounts(db: UntypedDatabase): Promise<void> {
  let after = { model: "", id: "" };
  for (;;) {
    const rows: { model: string; id: string; payload: string }[] = await db
      .selectFrom("oauth_artifacts")
      .select(["model", "id", "payload"])
      .where((eb) =>
        eb.or([
          eb("model", ">", after.model),
          eb.and([eb("model", "=", after.model), eb("id", ">", after.id)]),
        ]),
      )
      .orderBy("model")
      .orderBy("id")
      .limit(batch)
      .execute();
    for (const row of rows) {
      const account = accountOf(row.payload);
      if (account === undefined) continue;
      await db
        .updateTable("oauth_artifacts")
        .set({ account_id: account })
        .where("model", "=", row.model)
        .where("id", "=", row.id)
        .execute();
    }
    const last = rows.at(-1);
    if (!last || rows.length < batch) return;
    after = { model: last.model, id: last.id };
  }
}

function accountOf(payload: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(payload);
    if (typeof parsed !== "object" || parsed === null) return undefined;
    const account = (parsed as { accountId?: unknown }).accountId;
    return typeof account === "string" && account !== "" ? account : undefined;
  } catch {
    return undefined;
  }
}
