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

/**
 * The text at `path` in the JSON column `data` (`["description"]`, `["attributes", "floor"]`),
 * or NULL when absent. Path parts are field names and identifiers, bound as values.
 */
export function jsonText(
  engine: DatabaseEngine,
  path: readonly string[],
): RawBuilder<string | null> {
  if (engine === "postgres") return sql<string | null>`(data::jsonb #>> ${sql.val([...path])})`;
  return sql<
    string | null
  >`json_extract(data, ${`$${path.map((part) => `.${JSON.stringify(part)}`).join("")}`})`;
}
