import type { Kysely } from "kysely";

/**
 * Runs `work` in a transaction, or directly in the caller's transaction when `db` is one, so
 * that a multi-row change is never half-written and stores compose inside one transaction.
 */
export async function inTransaction<S, T>(
  db: Kysely<S>,
  work: (trx: Kysely<S>) => Promise<T>,
): Promise<T> {
  if (db.isTransaction) return work(db);
  return db.transaction().execute(work);
}
