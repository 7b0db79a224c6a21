import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  postgresSkipReason,
  startPostgres,
  type TestPostgres,
} from "../../../test/harness/postgres.ts";
import { type Database, openDatabase } from "../database.ts";
import { migrateToLatest } from "../migrate.ts";
import { migrations } from "./index.ts";

const before0007 = migrations.slice(
  0,
  migrations.findIndex((migration) => migration.name === "0007-identity-server-search"),
);

/** Migrates to 0006, writes rows as the older program did, then migrates to the latest. */
async function movesDescriptions(database: Database): Promise<void> {
  await migrateToLatest(database.db, database.engine, before0007);
  const now = new Date().toISOString();
  const row = { created_at: now, updated_at: now, deleted_at: null };
  await database.db
    .insertInto("applications")
    .values([
      {
        application_id: "with",
        name: "With",
        data: JSON.stringify({ description: "Rain gauges", attributes: { env: "prod" } }),
        ...row,
      },
      { application_id: "without", name: null, data: "{}", ...row },
    ])
    .execute();
  await database.db
    .insertInto("users")
    .values({
      user_id: "ann",
      name: null,
      primary_email_address: "ann@example.com",
      data: JSON.stringify({ description: "Operator", admin: true }),
      ...row,
    })
    .execute();

  await migrateToLatest(database.db, database.engine);
  const applications = await database.db
    .selectFrom("applications")
    .select(["application_id", "description", "data"])
    .orderBy("application_id")
    .execute();
  assert.deepEqual(
    applications.map((a) => [a.application_id, a.description, JSON.parse(a.data)]),
    [
      ["with", "Rain gauges", { attributes: { env: "prod" } }],
      ["without", null, {}],
    ],
  );
  const user = await database.db
    .selectFrom("users")
    .select(["description", "data"])
    .executeTakeFirstOrThrow();
  assert.deepEqual([user.description, JSON.parse(user.data)], ["Operator", { admin: true }]);
}

describe("migration 0007: descriptions in a column", () => {
  it("moves descriptions out of the JSON data (SQLite)", async () => {
    const folder = await mkdtemp(join(tmpdir(), "lorastack-0007-"));
    const database = await openDatabase({ engine: "sqlite", file: join(folder, "db.sqlite") });
    try {
      await movesDescriptions(database);
    } finally {
      await database.close();
      await rm(folder, { recursive: true, force: true });
    }
  });

  const skip = postgresSkipReason();
  describe("PostgreSQL", { skip }, () => {
    let server: TestPostgres;
    before(async () => {
      server = await startPostgres();
    });
    after(() => server?.stop());
    it("moves descriptions out of the JSON data (PostgreSQL)", async () => {
      const database = await openDatabase({
        engine: "postgres",
        uri: await server.createDatabase(),
      });
      try {
        await movesDescriptions(database);
      } finally {
        await database.close();
      }
    });
  });
});
