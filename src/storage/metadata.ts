import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { DatabaseSchema } from "./schema.ts";

const installationIdKey = "installation_id";

/**
 * The id of this installation, made once when the database is first migrated. Every instance of
 * a cluster logs it at start, so an operator can see that they share one database.
 */
export async function ensureInstallationId(db: Kysely<DatabaseSchema>): Promise<string> {
  await db
    .insertInto("metadata")
    .values({ key: installationIdKey, value: randomUUID(), updated_at: new Date().toISOString() })
    .onConflict((conflict) => conflict.column("key").doNothing())
    .execute();
  const row = await db
    .selectFrom("metadata")
    .select("value")
    .where("key", "=", installationIdKey)
    .executeTakeFirstOrThrow();
  return row.value;
}
