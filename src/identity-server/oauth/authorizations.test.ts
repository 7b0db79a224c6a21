import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import { describeOnEachEngine } from "../../../test/harness/engines.ts";
import { openDatabase } from "../../storage/database.ts";
import { migrateToLatest } from "../../storage/migrate.ts";
import { migrations } from "../../storage/migrations/index.ts";
import { DatabaseAdapter } from "./adapter.ts";
import { artifactKey } from "./artifact-key.ts";
import { OAuthAuthorizations } from "./authorizations.ts";

const hour = 3600;

describeOnEachEngine("OAuth authorizations", (_engine, open) => {
  it("lists a user's authorizations and tokens in SQL, and revokes them", async () => {
    const database = await open();
    try {
      let clock = Date.parse("2026-03-01T10:00:00.000Z");
      const now = () => new Date(clock);
      const adapter = (model: string) => new DatabaseAdapter(model, database.db, { now });
      const grant = (id: string, accountId: string, clientId: string) =>
        adapter("Grant").upsert(id, { accountId, clientId, kind: "Grant" }, hour);
      const token = (
        model: string,
        id: string,
        grantId: string,
        accountId: string,
        clientId: string,
      ) => adapter(model).upsert(id, { accountId, clientId, grantId, kind: model }, hour);

      await grant("g-cli", "alice", "cli");
      clock += 1000;
      await grant("g-console-1", "alice", "console");
      clock += 1000;
      await grant("g-console-2", "alice", "console");
      await grant("g-bob", "bob", "console");
      await token("AccessToken", "at-1", "g-console-1", "alice", "console");
      await token("RefreshToken", "rt-1", "g-console-1", "alice", "console");
      clock += 1000;
      await token("AccessToken", "at-2", "g-console-2", "alice", "console");
      await token("RefreshToken", "rt-2", "g-console-2", "alice", "console");
      await token("AccessToken", "at-bob", "g-bob", "bob", "console");

      const registry = new OAuthAuthorizations(database.db, now);
      const all = await registry.listAuthorizations("alice", { limit: 10, page: 1 });
      assert.equal(all.total, 2);
      assert.deepEqual(
        all.items.map((item) => [item.clientId, item.createdAt.toISOString()]),
        [
          ["cli", "2026-03-01T10:00:00.000Z"],
          ["console", "2026-03-01T10:00:01.000Z"],
        ],
      );
      const newest = await registry.listAuthorizations("alice", {
        limit: 1,
        page: 1,
        descending: true,
      });
      assert.deepEqual(
        newest.items.map((item) => item.clientId),
        ["console"],
      );
      assert.equal(newest.total, 2);

      const tokens = await registry.listTokens("alice", "console", { limit: 10, page: 1 });
      assert.equal(tokens.total, 2);
      assert.deepEqual(
        tokens.items.map((item) => item.id),
        [artifactKey("at-1"), artifactKey("at-2")],
      );
      assert.equal((await registry.tokenOfBearer("at-2"))?.grantId, "g-console-2");

      // Revoking a token takes the refresh tokens of its grant along, and nothing else.
      const second = tokens.items[1];
      assert.ok(second);
      assert.equal(await registry.deleteToken(second), true);
      assert.equal(await adapter("AccessToken").find("at-2"), undefined);
      assert.equal(await adapter("RefreshToken").find("rt-2"), undefined);
      assert.ok(await adapter("RefreshToken").find("rt-1"));
      assert.ok(await adapter("Grant").find("g-console-2"), "the grant stays");

      assert.equal(await registry.deleteAuthorization("alice", "console"), true);
      for (const [model, id] of [
        ["Grant", "g-console-1"],
        ["AccessToken", "at-1"],
        ["RefreshToken", "rt-1"],
      ] as const)
        assert.equal(await adapter(model).find(id), undefined, `${model} ${id}`);
      assert.ok(await adapter("Grant").find("g-cli"));
      assert.ok(await adapter("AccessToken").find("at-bob"), "other users keep theirs");
      assert.equal(await registry.deleteAuthorization("alice", "console"), false);

      // Expired artifacts are not listed.
      clock += 2 * hour * 1000;
      assert.equal((await registry.listAuthorizations("alice", { limit: 10, page: 1 })).total, 0);
      assert.equal(await registry.token(artifactKey("at-bob")), undefined);
    } finally {
      await database.close();
    }
  });
});

it("fills the owners of OAuth artifacts stored before migration 0009 from their payloads", async () => {
  const folder = await mkdtemp(join(tmpdir(), "lorastack-oauth-0009-"));
  const database = await openDatabase({ engine: "sqlite", file: join(folder, "lorastack.db") });
  try {
    const before = migrations.filter((migration) => migration.name < "0009");
    await migrateToLatest(database.db, database.engine, before);
    const rows: [string, string, string][] = [
      ["Grant", "a", JSON.stringify({ accountId: "alice", clientId: "cli", iat: 1_767_225_600 })],
      ["Session", "b", JSON.stringify({ accountId: "alice" })],
      ["Interaction", "c", "not json"],
      ["Grant", "d", JSON.stringify({ accountId: "bob", clientId: "x", iat: 1e300 })],
    ];
    for (const [model, id, payload] of rows)
      await database.db.insertInto("oauth_artifacts").values({ model, id, payload }).execute();
    await migrateToLatest(database.db, database.engine);
    const stored = await database.db
      .selectFrom("oauth_artifacts")
      .select(["id", "account_id", "client_id", "created_at"])
      .orderBy("id")
      .execute();
    assert.deepEqual(
      stored.map((row) => [row.id, row.account_id, row.client_id]),
      [
        ["a", "alice", "cli"],
        ["b", "alice", null],
        ["c", null, null],
        ["d", "bob", "x"],
      ],
    );
    assert.equal(stored[0]?.created_at, "2026-01-01T00:00:00.000Z");
    assert.ok(stored.every((row) => typeof row.created_at === "string"));
  } finally {
    await database.close();
    await rm(folder, { recursive: true, force: true });
  }
});
