import { lockRows, type RowLock } from "../../storage/locking.ts";
import type { UntypedDatabase } from "../../storage/migrations/migration.ts";
import { removeUserData } from "./user-data-dependents.ts";

/** Entities that memberships and API keys refer to, with their table and ID column. */
export const entityTables = {
  user: { table: "users", column: "user_id", words: "user" },
  organization: { table: "organizations", column: "organization_id", words: "organization" },
  application: { table: "applications", column: "application_id", words: "application" },
  gateway: { table: "gateways", column: "gateway_id", words: "gateway" },
  client: { table: "clients", column: "client_id", words: "client" },
} as const;

export type EntityKind = keyof typeof entityTables;

/**
 * Whether the entity exists and is not soft-deleted. With `lock`, its row stays locked until
 * the end of the transaction (see `lockRows`), so that what the caller writes about the entity
 * cannot land after a concurrent delete or purge of it: `share` for rows that hang off it
 * (API keys), `update` to also take turns with other writers of the same entity (memberships).
 */
export async function entityExists(
  db: UntypedDatabase,
  kind: EntityKind,
  id: string,
  lock?: RowLock,
): Promise<boolean> {
  const { table, column } = entityTables[kind];
  let query = db
    .selectFrom(table)
    .select(column)
    .where(column, "=", id)
    .where("deleted_at", "is", null);
  if (lock) query = lockRows(db, query, lock);
  const row = await query.executeTakeFirst();
  return row !== undefined;
}

/**
 * Removes what hangs off an entity that is being purged: memberships on it (and, for users
 * and organizations, their memberships elsewhere and their account ID), its API keys and, for
 * an application, its end devices; and what users keep about it (`removeUserData`). Run
 * inside the purge's transaction.
 */
export async function removeDependents(
  trx: UntypedDatabase,
  kind: EntityKind,
  id: string,
): Promise<void> {
  if (kind !== "user") {
    await trx
      .deleteFrom("memberships")
      .where("entity_kind", "=", kind)
      .where("entity_id", "=", id)
      .execute();
  }
  if (kind === "user" || kind === "organization") {
    await trx
      .deleteFrom("memberships")
      .where("account_id", "=", id)
      .where("account_kind", "=", kind)
      .execute();
    await trx.deleteFrom("accounts").where("account_id", "=", id).execute();
  }
  await trx
    .deleteFrom("api_keys")
    .where("entity_kind", "=", kind)
    .where("entity_id", "=", id)
    .execute();
  if (kind === "application") {
    await trx.deleteFrom("end_devices").where("application_id", "=", id).execute();
  }
  await removeUserData(trx, kind, id);
}
