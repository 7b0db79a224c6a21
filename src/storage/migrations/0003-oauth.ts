import { type ColumnDefinitionBuilder, sql } from "kysely";
import { type Migration, timestampType } from "./migration.ts";

/**
 * The OAuth 2.0 / OpenID Connect server's state (src/identity-server/oauth): sessions,
 * interactions, grants, authorization codes, access and refresh tokens, one row each, keyed by
 * the oidc-provider model name and the artifact's ID. `payload` is the artifact as JSON text;
 * the columns beside it are the lookups oidc-provider needs (by grant, by session UID, by user
 * code) and the expiry, after which a row is ignored and may be deleted.
 */
export const migration0003OAuth: Migration = {
  name: "0003-oauth",
  async up(db, engine) {
    const id = (column: ColumnDefinitionBuilder) =>
      (engine === "postgres" ? column.modifyEnd(sql`collate "C"`) : column).notNull();
    await db.schema
      .createTable("oauth_artifacts")
      .addColumn("model", "text", id)
      .addColumn("id", "text", id)
      .addColumn("payload", "text", (c) => c.notNull())
      .addColumn("grant_id", "text")
      .addColumn("user_code", "text")
      .addColumn("uid", "text")
      .addColumn("expires_at", timestampType)
      .addColumn("consumed_at", timestampType)
      .addPrimaryKeyConstraint("oauth_artifacts_model_id_pkey", ["model", "id"])
      .execute();
    await db.schema
      .createIndex("oauth_artifacts_model_grant_id_idx")
      .on("oauth_artifacts")
      .columns(["model", "grant_id"])
      .execute();
    await db.schema
      .createIndex("oauth_artifacts_model_uid_idx")
      .on("oauth_artifacts")
      .columns(["model", "uid"])
      .execute();
    await db.schema
      .createIndex("oauth_artifacts_model_user_code_idx")
      .on("oauth_artifacts")
      .columns(["model", "user_code"])
      .execute();
    await db.schema
      .createIndex("oauth_artifacts_expires_at_idx")
      .on("oauth_artifacts")
      .column("expires_at")
      .execute();
  },
};
