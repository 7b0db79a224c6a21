import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { type Database, openDatabase } from "../../src/storage/database.ts";
import { migrateToLatest } from "../../src/storage/migrate.ts";
import { postgresSkipReason, startPostgres, type TestPostgres } from "./postgres.ts";

/** Opens a fresh, migrated, empty database. */
export type OpenDatabase = () => Promise<Database>;

/**
 * Declares the same suite once per engine: `suite(engine, open)` runs inside a `describe` for
 * SQLite (a file per database in a temporary folder) and for PostgreSQL (a throwaway server;
 * each database a copy of one migrated template), or says why PostgreSQL is skipped.
 */
export function describeOnEachEngine(
  name: string,
  suite: (engine: "sqlite" | "postgres", open: OpenDatabase) => void,
): void {
  describe(`${name}: sqlite`, () => {
    let folder: string | undefined;
    let counter = 0;
    after(async () => {
      if (folder) await rm(folder, { recursive: true, force: true });
    });
    suite("sqlite", async () => {
      folder ??= await mkdtemp(join(tmpdir(), "lorastack-engine-"));
      const database = await openDatabase({
        engine: "sqlite",
        file: join(folder, `${++counter}.db`),
      });
      await migrateToLatest(database.db, database.engine);
      return database;
    });
  });

  const skip = postgresSkipReason();
  describe(`${name}: postgres`, () => {
    if (skip) {
      it("runs against a throwaway PostgreSQL server", (t) => t.skip(skip));
      return;
    }
    let server: TestPostgres;
    let template: string;
    let counter = 0;
    before(async () => {
      server = await startPostgres();
      template = `engine_template_${process.pid}`;
      const database = await openDatabase({
        engine: "postgres",
        uri: await server.createDatabase(template),
      });
      await migrateToLatest(database.db, database.engine);
      await database.close();
    });
    after(async () => {
      await server?.stop();
    });
    suite("postgres", async () => {
      const copy = `engine_${process.pid}_${++counter}`;
      const client = new pg.Client({ connectionString: server.uri });
      await client.connect();
      try {
        await client.query(`create database "${copy}" template "${template}"`);
      } finally {
        await client.end();
      }
      return openDatabase({
        engine: "postgres",
        uri: server.uri.replace(/\/postgres$/, `/${copy}`),
      });
    });
  });
}
