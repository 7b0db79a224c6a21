import type { Kysely } from "kysely";
import type { DatabaseEngine } from "../../storage/engine.ts";
import type { UntypedDatabase } from "../../storage/migrations/migration.ts";
import type { DatabaseSchema } from "../../storage/schema.ts";

export { inTransaction } from "../../storage/transaction.ts";

/** The database handle the stores take: the whole database or a transaction on it. */
export type StoreDatabase = Kysely<DatabaseSchema>;

/** What every store of the Identity Server is built with. */
export interface StoreContext {
  /**
   * Queries go through an untyped handle: the registries share one generic implementation
   * over tables whose names are data. The typed schema is in src/storage/schema.ts.
   */
  db: UntypedDatabase;
  /** The same handle, typed by the schema. */
  typed: StoreDatabase;
  /** The engine: SQL that differs between the two (JSON functions) is chosen by it. */
  engine: DatabaseEngine;
  /** The clock for timestamps (tests pass a fixed one). */
  now(): Date;
}

/** RFC 3339 text with milliseconds, in UTC: sorts as text in time order. */
export function timestamp(date: Date): string {
  return date.toISOString();
}

/** The number of rows a write changed (Kysely reports a bigint). */
export function changed(result: { numUpdatedRows?: bigint; numDeletedRows?: bigint }): number {
  return Number(result.numUpdatedRows ?? result.numDeletedRows ?? 0n);
}

/** Offset and limit of a 1-based page; `undefined` limit: all rows. */
export function pageWindow(options: { limit?: number; page?: number } | undefined): {
  limit?: number;
  offset: number;
} {
  const limit = options?.limit && options.limit > 0 ? Math.floor(options.limit) : undefined;
  const page = options?.page && options.page > 1 ? Math.floor(options.page) : 1;
  return limit === undefined ? { offset: 0 } : { limit, offset: (page - 1) * limit };
}
