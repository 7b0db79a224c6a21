import assert from "node:assert/strict";
import { EventEmitter, once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Database, openDatabase } from "../../storage/database.ts";
import { migrateToLatest } from "../../storage/migrate.ts";
import { DatabaseAdapter } from "./adapter.ts";
import { InteractionBounds } from "./interactions.ts";
import { startOAuthSweeper } from "./sweeper.ts";

describe("OAuth sweeper", () => {
  let folder: string;
  let database: Database;

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), "lorastack-oauth-sweeper-"));
    database = await openDatabase({ engine: "sqlite", file: join(folder, "lorastack.db") });
    await migrateToLatest(database.db, database.engine);
  });

  after(async () => {
    await database.close();
    await rm(folder, { recursive: true, force: true });
  });

  it("deletes expired artifacts at start and every interval, and trims interactions", async () => {
    let clock = new Date("2026-03-01T12:00:00Z");
    const now = () => clock;
    const tokens = new DatabaseAdapter("AccessToken", database.db, { now });
    const interactions = new DatabaseAdapter("Interaction", database.db, { now });
    await tokens.upsert("expired", { accountId: "a" }, 10);
    await tokens.upsert("live", { accountId: "a" }, 3600);
    for (let index = 0; index < 4; index++) {
      clock = new Date(clock.getTime() + 1_000);
      await interactions.upsert(`i${index}`, {}, 3600);
    }
    clock = new Date(clock.getTime() + 60_000);

    const sweeps = new EventEmitter();
    const sweeper = startOAuthSweeper({
      db: database.db,
      intervalMs: 20,
      interactions: new InteractionBounds(database.db, { perAddress: 10, max: 2 }),
      now,
      onSwept: (count) => sweeps.emit("swept", count),
      onError: (error) => sweeps.emit("error", error),
    });
    try {
      const [first] = (await once(sweeps, "swept")) as [number];
      assert.equal(first, 3, "one expired token, two interactions over the cap");
      assert.equal(await tokens.find("expired"), undefined);
      assert.ok(await tokens.find("live"));
      assert.deepEqual(
        await Promise.all(
          ["i0", "i1", "i2", "i3"].map(async (id) => !!(await interactions.find(id))),
        ),
        [false, false, true, true],
      );
      // The next sweep comes by itself.
      await tokens.upsert("short", { accountId: "a" }, 1);
      clock = new Date(clock.getTime() + 2_000);
      let swept = 0;
      while (swept === 0) [swept] = (await once(sweeps, "swept")) as [number];
      assert.equal(swept, 1);
      assert.equal(await sweeper.sweep(), 0, "a sweep on demand");
    } finally {
      await sweeper.stop();
    }
  });
});
