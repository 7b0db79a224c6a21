import { type Expression, type RawBuilder, type SqlBool, sql } from "kysely";
import type { DatabaseEngine } from "../../storage/engine.ts";

/**
 * Substring matching in SQL for the searches of the registries, the same on both engines:
 * case-insensitive (`LIKE` is for ASCII on SQLite, `ILIKE` on PostgreSQL), with the caller's
 * `%`, `_` and `\` matched literally, on columns and on string fields of the JSON `data`.
 */

/** A `LIKE` pattern that matches `text` anywhere, with its wildcard characters escaped. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

/** Whether `value` contains `text`, ignoring case. */
export function contains(
  engine: DatabaseEngine,
  value: Expression<unknown>,
  text: string,
): RawBuilder<SqlBool> {
  const pattern = containsPattern(text);
  return engine === "postgres"
    ? sql<SqlBool>`${value} ilike ${pattern} escape '\\'`
    : sql<SqlBool>`${value} like ${pattern} escape '\\'`;
}

/** A top-level string field of the JSON column `data` (`description`), or NULL. */
export function jsonField(engine: DatabaseEngine, field: string): RawBuilder<string | null> {
  return engine === "postgres"
    ? sql<string | null>`(data::jsonb ->> ${field}::text)`
    : sql<string | null>`json_extract(data, ${`$."${field}"`})`;
}

/**
 * A value of a map field of the JSON column `data` (`attributes`), or NULL. Keys are
 * identifiers (`^[a-z0-9](?:-?[a-z0-9]){2,}$`): the caller checks them before they get here.
 */
export function jsonMapValue(
  engine: DatabaseEngine,
  field: string,
  key: string,
): RawBuilder<string | null> {
  return engine === "postgres"
    ? sql<string | null>`(data::jsonb -> ${field}::text ->> ${key}::text)`
    : sql<string | null>`json_extract(data, ${`$."${field}"."${key}"`})`;
}
