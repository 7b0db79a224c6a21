import assert from "node:assert/strict";
import { it } from "node:test";
import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../../storage/schema.ts";
import { DatabaseAdapter, deleteExpiredOAuthArtifacts } from "./adapter.ts";
import { addressHash, artifactKey } from "./artifact-key.ts";
import { InteractionBounds } from "./interactions.ts";

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
      const tokens = new DatabaseAdapter("AccessToken", db, { now });
      const codes = new DatabaseAdapter("AuthorizationCode", db, { now });
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
      const sessions = new DatabaseAdapter("Session", db, { now });
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
      const codes = new DatabaseAdapter("AuthorizationCode", db, { now });
      await codes.upsert("c1", { jti: "c1", grantId: "g1" }, 60);
      assert.equal((await codes.find("c1"))?.consumed, undefined);
      await codes.consume("c1");
      assert.equal((await codes.find("c1"))?.consumed, Math.floor(clock.getTime() / 1000));
    }),
  );

  it(
    "finds by session UID and by user code",
    withDb(async (db) => {
      const sessions = new DatabaseAdapter("Session", db, { now });
      const devices = new DatabaseAdapter("DeviceCode", db, { now });
      await sessions.upsert("s1", { jti: "s1", uid: "uid-1", accountId: "alice" }, 60);
      await devices.upsert("d1", { jti: "d1", userCode: "ABCD-EFGH" }, 60);
      assert.equal((await sessions.findByUid("uid-1"))?.accountId, "alice");
      assert.equal(await sessions.findByUid("uid-2"), undefined);
      assert.equal((await devices.findByUserCode("ABCD-EFGH"))?.userCode, "ABCD-EFGH");
      assert.equal(await sessions.findByUserCode("ABCD-EFGH"), undefined);
    }),
  );

  it(
    "revokes every artifact of a grant in its model only",
    withDb(async (db) => {
      const tokens = new DatabaseAdapter("AccessToken", db, { now });
      const refresh = new DatabaseAdapter("RefreshToken", db, { now });
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

  it(
    "stores no ID: rows are keyed by its SHA-256, payloads carry neither it nor a session's ID",
    withDb(async (db) => {
      const tokens = new DatabaseAdapter("AccessToken", db, { now });
      const interactions = new DatabaseAdapter("Interaction", db, { now });
      const token = "u0DoR5Rw3Hq5j1ZpKXUZfo9nN4_mPq8xLQeXyU0o2Cs";
      await tokens.upsert(token, { jti: token, accountId: "alice", grantId: "g1" }, 60);
      await interactions.upsert(
        "interaction-1",
        {
          jti: "interaction-1",
          session: { accountId: "alice", uid: "s-uid", cookie: "session-id" },
        },
        60,
      );
      const rows = await db.selectFrom("oauth_artifacts").selectAll().orderBy("model").execute();
      assert.deepEqual(
        rows.map((row) => row.id),
        [artifactKey(token), artifactKey("interaction-1")],
      );
      assert.match(rows[0]?.id ?? "", /^[0-9a-f]{64}$/);
      for (const row of rows) {
        for (const secret of [token, "interaction-1", "session-id"])
          assert.ok(!JSON.stringify(row).includes(secret), `${row.model} row holds ${secret}`);
      }
      // Found by the ID, with the ID put back; the stored key is not an ID.
      assert.deepEqual(await tokens.find(token), { jti: token, accountId: "alice", grantId: "g1" });
      assert.deepEqual(await interactions.find("interaction-1"), {
        jti: "interaction-1",
        session: { accountId: "alice", uid: "s-uid" },
      });
      assert.equal(await tokens.find(artifactKey(token)), undefined);
      await tokens.consume(token);
      assert.equal(typeof (await tokens.find(token))?.consumed, "number");
      await tokens.revokeByGrantId("g1");
      assert.equal(await tokens.find(token), undefined);
      await interactions.destroy("interaction-1");
      assert.equal(await interactions.find("interaction-1"), undefined);
    }),
  );

  it(
    "sweeps expired rows in batches, of every model, and keeps the rest",
    withDb(async (db) => {
      const models = ["Session", "Interaction", "Grant", "AuthorizationCode", "AccessToken"];
      const rows = Array.from({ length: 2_600 }, (_, index) => ({
        model: models[index % models.length] as string,
        id: `row-${index}`,
        payload: "{}",
        grant_id: null,
        user_code: null,
        uid: null,
        expires_at: new Date(clock.getTime() + (index < 2_500 ? -1 : 1) * 60_000).toISOString(),
        consumed_at: null,
      }));
      for (let start = 0; start < rows.length; start += 500)
        await db
          .insertInto("oauth_artifacts")
          .values(rows.slice(start, start + 500))
          .execute();
      assert.equal(await deleteExpiredOAuthArtifacts(db, clock), 2_500);
      const left = await db
        .selectFrom("oauth_artifacts")
        .select((eb) => eb.fn.countAll<number>().as("count"))
        .executeTakeFirstOrThrow();
      assert.equal(Number(left.count), 100);
    }),
  );

  it(
    "bounds interactions per address and in all, dropping the oldest first",
    withDb(async (db) => {
      const dropped: number[] = [];
      const bounds = new InteractionBounds(db, { perAddress: 3, max: 5 }, (n) => dropped.push(n));
      let address = "192.0.2.1";
      const interactions = new DatabaseAdapter("Interaction", db, {
        now,
        address: () => address,
        interactions: bounds,
      });
      const stored = async (prefix: string, count: number) => {
        for (let index = 0; index < count; index++) {
          clock = new Date(clock.getTime() + 1_000);
          await interactions.upsert(`${prefix}-${index}`, { returnTo: "x" }, 3600);
        }
      };
      const live = async (ids: string[]) =>
        (await Promise.all(ids.map((id) => interactions.find(id)))).map(Boolean);

      await stored("a", 5);
      assert.deepEqual(await live(["a-0", "a-1", "a-2", "a-3", "a-4"]), [
        false,
        false,
        true,
        true,
        true,
      ]);
      address = "192.0.2.2";
      await stored("b", 3);
      // Five in all: the oldest of the first address went to make room.
      assert.deepEqual(await live(["a-2", "a-3", "a-4", "b-0", "b-1", "b-2"]), [
        false,
        true,
        true,
        true,
        true,
        true,
      ]);
      const hashes = await db
        .selectFrom("oauth_artifacts")
        .select("address_hash")
        .distinct()
        .orderBy("address_hash")
        .execute();
      assert.deepEqual(
        hashes.map((row) => row.address_hash),
        [addressHash("192.0.2.1"), addressHash("192.0.2.2")].sort(),
      );
      assert.equal(
        dropped.reduce((a, b) => a + b, 0),
        3,
      );
      // Updating an interaction (a submitted sign-in) keeps it and its address.
      await interactions.upsert("b-2", { returnTo: "y" }, 3000);
      assert.equal((await interactions.find("b-2"))?.returnTo, "y");
    }),
  );
}
