import type { Kysely } from "kysely";
import type { DatabaseEngine } from "../engine.ts";

/** A Kysely handle below the typed schema: migrations see every schema version. */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export type UntypedDatabase = Kysely<any>;

/**
 * One versioned schema change. Names sort in the order they apply (`0001-metadata`). The same
 * migration runs on both engines; `engine` lets a migration pick a column type where the two
 * differ (for example bytes: `blob` on SQLite, `bytea` on PostgreSQL — see {@link bytesType}).
 */
export interface Migration {
  name: string;
  up(db: UntypedDatabase, engine: DatabaseEngine): Promise<void>;
}

/** The column type for raw bytes on each engine. */
export function bytesType(engine: DatabaseEngine): "blob" | "bytea" {
  return engine === "sqlite" ? "blob" : "bytea";
}

/** The column type for timestamps stored as RFC 3339 text on both engines. */
export const timestampType = "text";
