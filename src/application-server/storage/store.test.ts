import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe } from "node:test";
import {
  postgresSkipReason,
  startPostgres,
  type TestPostgres,
} from "../../../test/harness/postgres.ts";
import { describeBackend } from "../../cluster/conformance/fixture.ts";
import { type Database, migrateToLatest, openDatabase } from "../../storage/index.ts";
import { storageConformance } from "./conformance.ts";

async function migrated(database: Database): Promise<Database> {
  await migrateToLatest(database.db, database.engine);
  return database;
}

describe("storage integration on SQLite", () => {
  let folder = "";
  let count = 0;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), "lorastack-as-storage-"));
  });
  after(() => rm(folder, { recursive: true, force: true }));
  storageConformance(async () =>
    migrated(await openDatabase({ engine: "sqlite", file: join(folder, `${++count}.db`) })),
  );
});

describeBackend("storage integration on PostgreSQL", postgresSkipReason(), () => {
  let server: TestPostgres | undefined;
  before(async () => {
    server = await startPostgres();
  });
  after(() => server?.stop());
  storageConformance(async () => {
    if (!server) throw new Error("PostgreSQL did not start");
    return migrated(await openDatabase({ engine: "postgres", uri: await server.createDatabase() }));
  });
});
