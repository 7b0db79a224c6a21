import { type MigrationResult, Migrator } from "kysely/migration";
import type { DatabaseEngine } from "./engine.ts";
import { errDatabaseNewerThanProgram, errMigrationFailed } from "./errors.ts";
import { migrations as allMigrations, type Migration } from "./migrations/index.ts";
import type { UntypedDatabase } from "./migrations/migration.ts";

/** The names of the tables where the migrator keeps its own state. */
const migrationTableName = "lorastack_migrations";
const migrationLockTableName = "lorastack_migrations_lock";

export interface MigrationReport {
  /** Migrations applied by this call, in order. */
  applied: string[];
  /** Every migration the database has now. */
  current: string[];
}
function migrator(
  db: UntypedDatabase,
  engine: DatabaseEngine,
  migrations: readonly Migration[],
): Migrator {
  return new Migrator({
    db,
    migrationTableName,
    migrationLockTableName,
    provider: {
      async getMigrations() {
        return Object.fromEntries(
          migrations.map((migration) => [
            migration.name,
            { up: (inner) => migration.up(inner, engine) },
          ]),
        );
      },
    },
  });
}

/**
 * Applies every migration the database does not have yet, each in its own transaction, under
 * the migrator's lock so that instances of a cluster starting together migrate once.
 */
export async function migrateToLatest(
  db: UntypedDatabase,
  engine: DatabaseEngine,
  migrations: readonly Migration[] = allMigrations,
): Promise<MigrationReport> {
  const known = new Set(migrations.map((migration) => migration.name));
  const runner = migrator(db, engine, migrations);
  const existing = await runner.getMigrations().catch(() => []);
  const before = new Set(existing.filter((m) => m.executedAt).map((m) => m.name));
  const unknown = await executedMigrationNames(db).catch(() => [] as string[]);
  const newer = unknown.find((name) => !known.has(name));
  if (newer) throw errDatabaseNewerThanProgram.create({ migration: newer });

  const { error, results } = await runner.migrateToLatest();
  if (error) {
    const failed = results?.find((result: MigrationResult) => result.status === "Error");
    throw errMigrationFailed.create(
      { migration: failed?.migrationName ?? "(setup)", reason: (error as Error).message },
      error,
    );
  }
  const current = await executedMigrationNames(db);
  return { applied: current.filter((name) => !before.has(name)), current };
}

/** The migrations the database has, in the order they were applied. */
export async function executedMigrationNames(db: UntypedDatabase): Promise<string[]> {
  const rows = await db.selectFrom(migrationTableName).select("name").orderBy("name").execute();
  return rows.map((row: { name: string }) => row.name);
}
