import { type Kysely, PostgresAdapter, SqliteAdapter } from "kysely";
import type { DatabaseEngine } from "./engine.ts";

/** A select that can lock the rows it reads. */
export interface LockableQuery<Q> {
  forUpdate(): Q;
  forShare(): Q;
}

/** How a read locks its rows until the end of its transaction. */
export type RowLock = "update" | "share";

// biome-ignore lint/suspicious/noExplicitAny: any schema
type AnyDatabase = Kysely<any>;

/** The engine behind a Kysely handle (the database or a transaction on it). */
export function engineOf(db: AnyDatabase): DatabaseEngine {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof PostgresAdapter) return "postgres";
  if (adapter instanceof SqliteAdapter) return "sqlite";
  throw new Error(`unsupported database adapter ${adapter.constructor.name}`);
}

/**
 * Locks the rows `query` reads until the end of the transaction it runs in, so that a write
 * depending on them cannot lose a concurrent one: `update` serialises writers of the rows,
 * `share` only keeps them from being changed or deleted meanwhile. PostgreSQL needs
 * `FOR UPDATE`/`FOR SHARE`; SQLite has no row locks and needs none, because its transactions
 * begin IMMEDIATE (holding the write lock from the start, see database.ts).
 */
export function lockRows<Q extends LockableQuery<Q>>(db: AnyDatabase, query: Q, lock: RowLock): Q {
  if (engineOf(db) === "sqlite") return query;
  return lock === "update" ? query.forUpdate() : query.forShare();
}
