import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Kysely } from "kysely";
import {
  postgresSkipReason,
  startPostgres,
  type TestPostgres,
} from "../../../test/harness/postgres.ts";
import { type Database, openDatabase } from "../../storage/database.ts";
import { migrateToLatest } from "../../storage/migrate.ts";
import { migrations } from "../../storage/migrations/index.ts";
import type { DatabaseSchema } from "../../storage/schema.ts";
import { DatabaseAdapter } from "./adapter.ts";
import { artifactKey } from "./artifact-key.ts";

// Migration 0005 on a database that 0003's adapter filled: plain IDs become hashed keys.
const before0005 = migrations.filter((migration) => migration.name < "0005");

const accessToken = "Yq3VnR8bT1xKc0pLmN2wS5dF7gH9jZ4aQ6eU8iO0rT2";
const refreshToken = "Pz9XcV7bN5mL3kJ1hG8fD6sA4qW2eR0tY9uI7oP5aS3";
const future = new Date(Date.now() + 3_600_000).toISOString();
const past = new Date(Date.now() - 60_000).toISOString();

/** Rows as the adapter of migration 0003 wrote them: the ID as key and in the payload. */
const plainRows = [
  ["AccessToken", accessToken, { jti: accessToken, accountId: "alice", grantId: "g1" }, future],
  ["RefreshToken", refreshToken, { jti: refreshToken, accountId: "alice", grantId: "g1" }, future],
  ["Session", "session-id-21-chars-x", { jti: "session-id-21-chars-x", uid: "s-uid" }, future],
  ["Grant", "g1", { jti: "g1", accountId: "alice", clientId: "console" }, future],
  ["Interaction", "interaction-uid", { jti: "interaction-uid", session: { cookie: "s" } }, future],
  ["AccessToken", "an-expired-token-value-xxxxxxxxxxxxxxxxxxx", { jti: "x" }, past],
] as const;

async function fill(db: Kysely<DatabaseSchema>) {
  for (const [model, id, payload, expiresAt] of plainRows) {
    await db
      .insertInto("oauth_artifacts")
      .values({
        model,
        id,
        payload: JSON.stringify(payload),
        grant_id: "grantId" in payload ? payload.grantId : null,
        user_code: null,
        uid: "uid" in payload ? payload.uid : null,
        expires_at: expiresAt,
        consumed_at: null,
      })
      .execute();
  }
  await db
    .insertInto("oauth_artifacts")
    .values([
      {
        model: "AccessToken",
        id: "garbage-payload-token-xxxxxxxxxxxxxxxxxxxxx",
        payload: "not json",
        grant_id: null,
        user_code: null,
        uid: null,
        expires_at: future,
        consumed_at: null,
      },
      {
        model: "lorastack.SigningKey",
        id: "default",
        payload: '{"kty":"RSA"}',
        grant_id: null,
        user_code: null,
        uid: null,
        expires_at: null,
        consumed_at: null,
      },
    ])
    .execute();
}

function migrationCases(open: () => Promise<Database>) {
  it("hashes live tokens, sessions and grants, deletes interactions and expired rows", async () => {
    const database = await open();
    try {
      const { db, engine } = database;
      await migrateToLatest(db, engine, before0005);
      await fill(db);
      // More than one batch of rows to convert.
      const bulk = Array.from({ length: 1_100 }, (_, index) => `bulk-token-${index}`);
      await db
        .insertInto("oauth_artifacts")
        .values(
          bulk.map((id) => ({
            model: "RefreshToken",
            id,
            payload: JSON.stringify({ jti: id, grantId: "g2" }),
            grant_id: "g2",
            user_code: null,
            uid: null,
            expires_at: future,
            consumed_at: null,
          })),
        )
        .execute();
      const report = await migrateToLatest(db, engine);
      assert.ok(report.applied.includes("0005-oauth-hardening"));

      const refresh = new DatabaseAdapter("RefreshToken", db);
      assert.deepEqual(
        await Promise.all(bulk.map(async (id) => (await refresh.find(id))?.jti)),
        bulk,
      );
      await refresh.revokeByGrantId("g2");
      const rows = await db.selectFrom("oauth_artifacts").selectAll().execute();
      const keys = rows.map((row) => `${row.model} ${row.id}`).sort();
      assert.deepEqual(
        keys,
        [
          `AccessToken ${artifactKey(accessToken)}`,
          `Grant ${artifactKey("g1")}`,
          `RefreshToken ${artifactKey(refreshToken)}`,
          `Session ${artifactKey("session-id-21-chars-x")}`,
          "lorastack.SigningKey default",
        ].sort(),
      );
      const text = JSON.stringify(rows);
      for (const secret of [accessToken, refreshToken, "session-id-21-chars-x"])
        assert.ok(!text.includes(secret), `${secret} is gone from the table`);

      // The adapter finds them by their IDs, as before.
      const tokens = new DatabaseAdapter("AccessToken", db);
      assert.deepEqual(await tokens.find(accessToken), {
        jti: accessToken,
        accountId: "alice",
        grantId: "g1",
      });
      assert.equal(
        (await new DatabaseAdapter("RefreshToken", db).find(refreshToken))?.grantId,
        "g1",
      );
      assert.equal((await new DatabaseAdapter("Session", db).findByUid("s-uid"))?.uid, "s-uid");
      assert.equal((await new DatabaseAdapter("Grant", db).find("g1"))?.clientId, "console");
      await tokens.revokeByGrantId("g1");
      assert.equal(await tokens.find(accessToken), undefined);
    } finally {
      await database.close();
    }
  });
}

describe("migration 0005 (OAuth artifacts at rest): sqlite", () => {
  let folder: string;
  let counter = 0;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), "lorastack-oauth-0005-"));
  });
  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });
  migrationCases(() => openDatabase({ engine: "sqlite", file: join(folder, `${++counter}.db`) }));
});

const skipPostgres = postgresSkipReason();
describe("migration 0005 (OAuth artifacts at rest): postgres", () => {
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
  migrationCases(async () =>
    openDatabase({ engine: "postgres", uri: await server.createDatabase() }),
  );
});
