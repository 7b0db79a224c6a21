import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  postgresSkipReason,
  startPostgres,
  type TestPostgres,
} from "../../../test/harness/postgres.ts";
import { openDatabase } from "../../storage/database.ts";
import { migrateToLatest } from "../../storage/migrate.ts";
import { adapterConformance } from "./adapter-conformance.ts";

describe("oauth adapter: sqlite", () => {
  let folder: string;
  let counter = 0;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), "lorastack-oauth-adapter-"));
  });
  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });
  adapterConformance(async () => {
    const database = await openDatabase({
      engine: "sqlite",
      file: join(folder, `${++counter}.db`),
    });
    await migrateToLatest(database.db, database.engine);
    return database;
  });
});

const skipPostgres = postgresSkipReason();
describe("oauth adapter: postgres", () => {
  if (skipPostgres) {
    it("runs against a throwaway PostgreSQL server", (t) => {
      t.skip(skipPostgres);
    });
    return;
  }
  let server: TestPostgres;
  before(async () => {
    server = await startPostgres();
  });
  after(async () => {
    await server?.stop();
  });
  adapterConformance(async () => {
    const database = await openDatabase({ engine: "postgres", uri: await server.createDatabase() });
    await migrateToLatest(database.db, database.engine);
    return database;
  });
});
