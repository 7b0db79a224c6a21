export { type Database, databaseLocation, openDatabase } from "./database.ts";
export type { DatabaseEngine, DatabaseLocation } from "./engine.ts";
export {
  errAlreadyExists,
  errDatabaseNewerThanProgram,
  errDatabaseUnavailable,
  errMigrationFailed,
  translateDatabaseError,
} from "./errors.ts";
export { engineOf, lockRows, type RowLock } from "./locking.ts";
export { ensureInstallationId } from "./metadata.ts";
export { executedMigrationNames, type MigrationReport, migrateToLatest } from "./migrate.ts";
export { bytesType, type Migration, migrations, timestampType } from "./migrations/index.ts";
export { createRedisClient } from "./redis.ts";
export type { DatabaseSchema } from "./schema.ts";
export { inTransaction } from "./transaction.ts";
