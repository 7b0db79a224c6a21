import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import {
  postgresSkipReason,
  startPostgres,
  type TestPostgres,
} from "../../../test/harness/postgres.ts";
import { openDatabase } from "../../storage/database.ts";
import { migrateToLatest } from "../../storage/migrate.ts";
import { describeIdentityStoreConformance } from "./conformance.ts";
import { describeUserDataStoreConformance } from "./user-data-conformance.ts";

let folder: string | undefined;
let counter = 0;
after(async () => {
  if (folder) await rm(folder, { recursive: true, force: true });
});

const sqlite = {
  async open() {
    folder ??= await mkdtemp(join(tmpdir(), "lorastack-is-store-"));
    const database = await openDatabase({
      engine: "sqlite",
      file: join(folder, `${++counter}.db`),
    });
    await migrateToLatest(database.db, database.engine);
    return database;
  },
};
describeIdentityStoreConformance("sqlite", sqlite);
describeUserDataStoreConformance("sqlite", sqlite);

const skipPostgres = postgresSkipReason();
if (skipPostgres) {
  describe("identity store conformance: postgres", () => {
    it("runs against a throwaway PostgreSQL server", (t) => {
      t.skip(skipPostgres);
    });
  });
} else {
  describe("postgres", () => {
    let server: TestPostgres;
    let template: string;
    before(async () => {
      server = await startPostgres();
      // Migrate once into a template; each test gets a copy, which is much faster than
      // migrating a fresh database every time.
      template = `is_store_template_${process.pid}`;
      const uri = await server.createDatabase(template);
      const database = await openDatabase({ engine: "postgres", uri });
      await migrateToLatest(database.db, database.engine);
      await database.close();
    });
    after(async () => {
      await server?.stop();
    });
    const postgres = {
      async open() {
        const name = `is_store_${process.pid}_${++counter}`;
        const client = new pg.Client({ connectionString: server.uri });
        await client.connect();
        try {
          await client.query(`create database "${name}" template "${template}"`);
        } finally {
          await client.end();
        }
        return openDatabase({
          engine: "postgres",
          uri: server.uri.replace(/\/postgres$/, `/${name}`),
        });
      },
    };
    describeIdentityStoreConformance("postgres", postgres);
    describeUserDataStoreConformance("postgres", postgres);
  });
}
