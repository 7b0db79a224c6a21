import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { sql } from "kysely";
import { DefinedError } from "../errors/index.ts";
import type { Database } from "./database.ts";
import {
  errAlreadyExists,
  errDatabaseNewerThanProgram,
  errMigrationFailed,
  translateDatabaseError,
} from "./errors.ts";
import { ensureInstallationId } from "./metadata.ts";
import { executedMigrationNames, migrateToLatest } from "./migrate.ts";
import { type Migration, migrations } from "./migrations/index.ts";

/** Opens a fresh, empty database of one engine; `reopen` opens the same database again. */
export interface ConformanceTarget {
  open(): Promise<{ database: Database; reopen(): Promise<Database> }>;
}

/**
 * The storage behaviour every engine must show. Run once per engine (see storage.test.ts), so
 * SQLite and PostgreSQL are held to the same contract.
 */
export function describeStorageConformance(engineName: string, target: ConformanceTarget): void {
  describe(`storage conformance: ${engineName}`, () => {
    it("applies every migration in order on an empty database, then none", async () => {
      const { database } = await target.open();
      try {
        const first = await migrateToLatest(database.db, database.engine);
        const names = migrations.map((migration) => migration.name);
        assert.deepEqual(first.applied, names);
        assert.deepEqual(first.current, names);
        const second = await migrateToLatest(database.db, database.engine);
        assert.deepEqual(second.applied, []);
        assert.deepEqual(second.current, names);
      } finally {
        await database.close();
      }
    });

    it("keeps one installation id across connections", async () => {
      const { database, reopen } = await target.open();
      await migrateToLatest(database.db, database.engine);
      const id = await ensureInstallationId(database.db);
      assert.match(id, /^[0-9a-f-]{36}$/);
      assert.equal(await ensureInstallationId(database.db), id);
      await database.close();
      const again = await reopen();
      try {
        assert.equal(await ensureInstallationId(again.db), id);
      } finally {
        await again.close();
      }
    });

    it("rolls a failed transaction back completely", async () => {
      const { database } = await target.open();
      try {
        await migrateToLatest(database.db, database.engine);
        await assert.rejects(
          database.db.transaction().execute(async (trx) => {
            await trx.insertInto("metadata").values(row("rollback-a")).execute();
            await trx.insertInto("metadata").values(row("rollback-b")).execute();
            throw new Error("abort");
          }),
          /abort/,
        );
        const rows = await database.db
          .selectFrom("metadata")
          .select("key")
          .where("key", "like", "rollback-%")
          .execute();
        assert.deepEqual(rows, []);
      } finally {
        await database.close();
      }
    });

    it("reports a duplicate key as a typed already_exists error", async () => {
      const { database } = await target.open();
      try {
        await migrateToLatest(database.db, database.engine);
        await database.db.insertInto("metadata").values(row("duplicate")).execute();
        const error = await database.db
          .insertInto("metadata")
          .values(row("duplicate"))
          .execute()
          .then(
            () => undefined,
            (cause: unknown) => translateDatabaseError(cause),
          );
        assert.ok(error instanceof DefinedError, "expected a typed error");
        assert.ok(errAlreadyExists.matches(error));
        assert.equal(error.httpStatus, 409);
        assert.equal(translateDatabaseError(new Error("other")) instanceof DefinedError, false);
      } finally {
        await database.close();
      }
    });

    it("leaves the database as it was when a migration fails", async () => {
      const { database } = await target.open();
      try {
        await migrateToLatest(database.db, database.engine);
        const before = await executedMigrationNames(database.db);
        const broken: Migration[] = [
          ...migrations,
          {
            name: "9998-good",
            async up(db) {
              await db.schema.createTable("conformance_good").addColumn("id", "integer").execute();
            },
          },
          {
            name: "9999-broken",
            async up(db) {
              await sql`this is not sql`.execute(db);
            },
          },
        ];
        await assert.rejects(
          migrateToLatest(database.db, database.engine, broken),
          (error: unknown) => errMigrationFailed.matches(error),
        );
        assert.deepEqual(await executedMigrationNames(database.db), before);
        const tables = await database.db.introspection.getTables();
        assert.ok(!tables.some((table) => table.name === "conformance_good"));
      } finally {
        await database.close();
      }
    });

    it("refuses a database migrated by a newer lorastack", async () => {
      const { database } = await target.open();
      try {
        const newer: Migration[] = [...migrations, { name: "9999-from-the-future", async up() {} }];
        await migrateToLatest(database.db, database.engine, newer);
        await assert.rejects(migrateToLatest(database.db, database.engine), (error: unknown) =>
          errDatabaseNewerThanProgram.matches(error),
        );
      } finally {
        await database.close();
      }
    });
  });
}

function row(key: string) {
  return { key, value: "v", updated_at: new Date().toISOString() };
}
