import type { Migration, UntypedDatabase } from "./migration.ts";

/** Rows backfilled per statement batch. */
const batch = 500;

/**
 * Two additions of the Identity Server's device and OAuth routes:
 *
 * - DevEUI issuing: the number of DevEUIs issued to each application (`dev_eui_counter` on the
 *   application row, so a purge takes it along), and `dev_eui_blocks`, the next counter of each
 *   configured address block (`prefix` as `<16 hex digits>/<length>`; the issued DevEUI is
 *   `start_eui` plus the counter, up to `end_counter`).
 * - OAuth authorizations: the user (`account_id`) and client (`client_id`) of every OAuth
 *   artifact that has them, when it was first stored and last changed, so that a user's
 *   authorizations and tokens are found by index instead of by reading every payload. Existing
 *   rows get them from their payloads.
 */
export const migration0009DevEuiAndOAuthOwners: Migration = {
  name: "0009-dev-eui-and-oauth-owners",
  async up(db) {
    await db.schema
      .alterTable("applications")
      .addColumn("dev_eui_counter", "integer", (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createTable("dev_eui_blocks")
      .addColumn("prefix", "text", (c) => c.notNull())
      .addColumn("start_eui", "text", (c) => c.notNull())
      .addColumn("end_counter", "bigint", (c) => c.notNull())
      .addColumn("current_counter", "bigint", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("dev_eui_blocks_prefix_pkey", ["prefix"])
      .execute();

    // account_id came with 0006; this fills it again with the others, harmlessly.
    for (const column of ["client_id", "created_at", "updated_at"]) {
      await db.schema.alterTable("oauth_artifacts").addColumn(column, "text").execute();
    }
    await db.schema
      .createIndex("oauth_artifacts_model_account_id_client_id_idx")
      .on("oauth_artifacts")
      .columns(["model", "account_id", "client_id"])
      .execute();
    await backfillOwners(db);
  },
};

/** Fills the new columns of existing OAuth rows from their JSON payloads. */
async function backfillOwners(db: UntypedDatabase): Promise<void> {
  const now = new Date().toISOString();
  let after: { model: string; id: string } | undefined;
  for (;;) {
    let query = db
      .selectFrom("oauth_artifacts")
      .select(["model", "id", "payload"])
      .orderBy("model")
      .orderBy("id")
      .limit(batch);
    if (after) {
      const last = after;
      query = query.where((eb) =>
        eb.or([
          eb("model", ">", last.model),
          eb.and([eb("model", "=", last.model), eb("id", ">", last.id)]),
        ]),
      );
    }
    const rows: { model: string; id: string; payload: string }[] = await query.execute();
    for (const row of rows) {
      const owners = ownersOf(row.payload);
      await db
        .updateTable("oauth_artifacts")
        .set({ ...owners, created_at: owners.created_at ?? now, updated_at: now })
        .where("model", "=", row.model)
        .where("id", "=", row.id)
        .execute();
    }
    if (rows.length < batch) return;
    const last = rows.at(-1) as { model: string; id: string };
    after = { model: last.model, id: last.id };
  }
}

function ownersOf(payload: string): {
  account_id: string | null;
  client_id: string | null;
  created_at: string | null;
} {
  let parsed: Record<string, unknown> = {};
  try {
    const value = JSON.parse(payload) as unknown;
    if (value && typeof value === "object") parsed = value as Record<string, unknown>;
  } catch {
    // A payload that is not JSON has no owners; the row is left to expire.
  }
  const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : null);
  const issued = typeof parsed.iat === "number" ? new Date(parsed.iat * 1000) : undefined;
  return {
    account_id: text(parsed.accountId),
    client_id: text(parsed.clientId),
    created_at: issued && !Number.isNaN(issued.getTime()) ? issued.toISOString() : null,
  };
}
