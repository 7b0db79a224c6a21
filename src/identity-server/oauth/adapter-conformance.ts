import assert from "node:assert/strict";
import { it } from "node:test";
import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../../storage/schema.ts";
import { DatabaseAdapter, deleteExpiredOAuthArtifacts } from "./adapter.ts";

/**
 * The contract of oidc-provider's adapter, run inside a describe per engine: `open` gives a
 * migrated database, `close` is called after each test.
 */
export function adapterConformance(
  open: () => Promise<{ db: Kysely<DatabaseSchema>; close(): Promise<void> }>,
): void {
  let clock = new Date("2026-03-01T12:00:00.000Z");
  const now = () => clock;
  const withDb = (test: (db: Kysely<DatabaseSchema>) => Promise<void>) => async () => {
    const database = await open();
    clock = new Date("2026-03-01T12:00:00.000Z");
    try {
      await test(database.db);
    } finally {
      await database.close();
    }
  };

  it(
    "stores, replaces, finds and destroys a payload per model",
    withDb(async (db) => {
      const tokens = new DatabaseAdapter("AccessToken", db, now);
      const codes = new DatabaseAdapter("AuthorizationCode", db, now);
      await tokens.upsert("t1", { jti: "t1", accountId: "alice", nested: { a: [1, 2] } }, 60);
      assert.deepEqual(await tokens.find("t1"), {
        jti: "t1",
        accountId: "alice",
        nested: { a: [1, 2] },
      });
      assert.equal(await codes.find("t1"), undefined, "models do not see each other's rows");
      await tokens.upsert("t1", { jti: "t1", accountId: "bob" }, 60);
      assert.deepEqual(await tokens.find("t1"), { jti: "t1", accountId: "bob" });
      await tokens.destroy("t1");
      assert.equal(await tokens.find("t1"), undefined);
      await tokens.destroy("missing");
      assert.equal(await tokens.find(""), undefined);
    }),
  );

  it(
    "ignores expired rows and deletes them on request; no expiry means forever",
    withDb(async (db) => {
      const sessions = new DatabaseAdapter("Session", db, now);
      await sessions.upsert("short", { uid: "u-short" }, 10);
      await sessions.upsert("forever", { uid: "u-forever" });
      clock = new Date(clock.getTime() + 9_000);
      assert.ok(await sessions.find("short"));
      clock = new Date(clock.getTime() + 1_000);
      assert.equal(await sessions.find("short"), undefined);
      assert.equal(await sessions.findByUid("u-short"), undefined);
      assert.ok(await sessions.find("forever"));
      assert.equal(await deleteExpiredOAuthArtifacts(db, clock), 1);
      assert.equal(await deleteExpiredOAuthArtifacts(db, clock), 0);
      assert.ok(await sessions.findByUid("u-forever"));
    }),
  );

  it(
    "marks a payload consumed",
    withDb(async (db) => {
      const codes = new DatabaseAdapter("AuthorizationCode", db, now);
      await codes.upsert("c1", { jti: "c1", grantId: "g1" }, 60);
      assert.equal((await codes.find("c1"))?.consumed, undefined);
      await codes.consume("c1");
      assert.equal((await codes.find("c1"))?.consumed, Math.floor(clock.getTime() / 1000));
    }),
  );

  it(
    "finds by session UID and by user code",
    withDb(async (db) => {
      const sessions = new DatabaseAdapter("Session", db, now);
      const devices = new DatabaseAdapter("DeviceCode", db, now);
      await sessions.upsert("s1", { jti: "s1", uid: "uid-1", accountId: "alice" }, 60);
      await devices.upsert("d1", { jti: "d1", userCode: "ABCD-EFGH" }, 60);
      assert.equal((await sessions.findByUid("uid-1"))?.accountId, "alice");
      assert.equal(await sessions.findByUid("uid-2"), undefined);
      assert.equal((await devices.findByUserCode("ABCD-EFGH"))?.jti, "d1");
      assert.equal(await sessions.findByUserCode("ABCD-EFGH"), undefined);
    }),
  );

  it(
    "revokes every artifact of a grant in its model only",
    withDb(async (db) => {
      const tokens = new DatabaseAdapter("AccessToken", db, now);
      const refresh = new DatabaseAdapter("RefreshToken", db, now);
      await tokens.upsert("a1", { grantId: "g1" }, 60);
      await tokens.upsert("a2", { grantId: "g1" }, 60);
      await tokens.upsert("a3", { grantId: "g2" }, 60);
      await refresh.upsert("r1", { grantId: "g1" }, 60);
      await tokens.revokeByGrantId("g1");
      assert.equal(await tokens.find("a1"), undefined);
      assert.equal(await tokens.find("a2"), undefined);
      assert.ok(await tokens.find("a3"));
      assert.ok(await refresh.find("r1"));
    }),
  );
}
