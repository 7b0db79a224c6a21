import { errorNamespace } from "../errors/index.ts";

const errors = errorNamespace("storage");

export const errDatabaseUnavailable = errors.unavailable(
  "database_unavailable",
  "database {engine} is unavailable: {reason}",
);
export const errAlreadyExists = errors.alreadyExists(
  "already_exists",
  "a record with the same {constraint} already exists",
);
export const errMigrationFailed = errors.internal(
  "migration_failed",
  "database migration {migration} failed: {reason}",
);
export const errDatabaseNewerThanProgram = errors.failedPrecondition(
  "database_newer_than_program",
  "the database has migration {migration}, which this version of lorastack does not know; upgrade lorastack",
);

/**
 * Translates an engine's error into a typed one where the meaning is clear (a unique
 * constraint); anything else is returned unchanged.
 */
export function translateDatabaseError(error: unknown): unknown {
  if (typeof error !== "object" || error === null) return error;
  const e = error as { code?: unknown; message?: unknown; constraint?: unknown };
  // SQLite (better-sqlite3): code SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY, message names columns.
  if (e.code === "SQLITE_CONSTRAINT_UNIQUE" || e.code === "SQLITE_CONSTRAINT_PRIMARYKEY") {
    const columns = String(e.message).replace(/^UNIQUE constraint failed: /, "");
    return errAlreadyExists.create({ constraint: columns }, error);
  }
  // PostgreSQL (pg): SQLSTATE 23505 unique_violation, with the constraint name.
  if (e.code === "23505") {
    return errAlreadyExists.create({ constraint: String(e.constraint ?? "key") }, error);
  }
  return error;
}
