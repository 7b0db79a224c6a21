import { createHash } from "node:crypto";
import type { Migration } from "./migration.ts";

/** Rows converted per statement batch. */
const batch = 500;

/**
 * OAuth artifacts at rest without their secrets (src/identity-server/oauth/adapter.ts): rows
 * are keyed by the SHA-256 of the artifact's ID in hex instead of the ID, which for opaque
 * tokens and codes is the token itself, and payloads no longer carry the ID (`jti`). Also a
 * column for the hashed client address of an interaction, with the indexes that bound
 * interactions per address and in all.
 *
 * Existing rows: expired ones and every interaction (sign-ins under way, which also name their
 * session's ID) are deleted; the others (sessions, grants, codes, access and refresh tokens) are
 * rewritten with hashed keys, so that nobody has to sign in again. Rows of our own models
 * (`lorastack.*`, such as the signing key) are left alone. A plain ID is never 64 characters
 * long (oidc-provider's are 21 or 43), which tells converted rows from the rest.
 */
export const migration0005OAuthHardening: Migration = {
  name: "0005-oauth-hardening",
  async up(db) {
    await db.schema.alterTable("oauth_artifacts").addColumn("address_hash", "text").execute();
    await db.schema
      .createIndex("oauth_artifacts_model_address_hash_expires_at_idx")
      .on("oauth_artifacts")
      .columns(["model", "address_hash", "expires_at"])
      .execute();
    await db.schema
      .createIndex("oauth_artifacts_model_expires_at_idx")
      .on("oauth_artifacts")
      .columns(["model", "expires_at"])
      .execute();

    await db
      .deleteFrom("oauth_artifacts")
      .where((eb) =>
        eb.or([eb("expires_at", "<=", new Date().toISOString()), eb("model", "=", "Interaction")]),
      )
      .execute();

    for (;;) {
      const rows: { model: string; id: string; payload: string }[] = await db
        .selectFrom("oauth_artifacts")
        .select(["model", "id", "payload"])
        .where("model", "not like", "lorastack.%")
        .where((eb) => eb(eb.fn("length", ["id"]), "<>", 64))
        .limit(batch)
        .execute();
      for (const row of rows) {
        const payload = withoutId(row.payload);
        const where = { model: row.model, id: row.id };
        if (payload === undefined) {
          await db
            .deleteFrom("oauth_artifacts")
            .where("model", "=", where.model)
            .where("id", "=", where.id)
            .execute();
          continue;
        }
        await db
          .updateTable("oauth_artifacts")
          .set({ id: sha256Hex(row.id), payload })
          .where("model", "=", where.model)
          .where("id", "=", where.id)
          .execute();
      }
      if (rows.length < batch) break;
    }
  },
};

function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The payload JSON without its `jti`; `undefined` when it is not a JSON object. */
function withoutId(payload: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(payload);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
    const { jti: _jti, ...rest } = parsed as Record<string, unknown>;
    return JSON.stringify(rest);
  } catch {
    return undefined;
  }
}
