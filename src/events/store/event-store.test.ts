import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import {
  postgresSkipReason,
  startPostgres,
  type TestPostgres,
} from "../../../test/harness/postgres.ts";
import { redisSkipReason, startRedis, type TestRedis } from "../../../test/harness/redis.ts";
import { describeBackend } from "../../cluster/conformance/fixture.ts";
import { type Database, migrateToLatest, openDatabase } from "../../storage/index.ts";
import { UlidFactory } from "../ulid.ts";
import { countingMonitor, eventStoreConformance, type OpenStore } from "./conformance.ts";
import { RedisEventStore } from "./redis-store.ts";
import { SqlEventStore } from "./sql-store.ts";
import { SqliteWorkerEventStore } from "./sqlite-worker-store.ts";

/** A store over a fresh, migrated database; closing it closes the database. */
function sqlStores(openFresh: () => Promise<Database>): OpenStore {
  return async ({ retention, monitor, now }) => {
    const database = await openFresh();
    await migrateToLatest(database.db, database.engine);
    const store = new SqlEventStore({ database, retention, monitor, now, pruneIntervalMs: 0 });
    return {
      store,
      prune: () => store.prune(),
      async close() {
        await store.close();
        await database.close();
      },
    };
  };
}

describe("SqlEventStore on SQLite", () => {
  let folder: string;
  let count = 0;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), "lorastack-event-store-"));
  });
  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });
  eventStoreConformance(
    sqlStores(() => openDatabase({ engine: "sqlite", file: join(folder, `${++count}.db`) })),
  );

  it("prunes in short statements, letting the event loop turn between them", async () => {
    const database = await openDatabase({ engine: "sqlite", file: join(folder, "prune.db") });
    await migrateToLatest(database.db, database.engine);
    let now = 1_800_000_000_000;
    const ulids = new UlidFactory(() => now);
    const store = new SqlEventStore({
      database,
      retention: { ttlMs: 60_000, entityCount: 100, correlationIdCount: 100 },
      monitor: countingMonitor(),
      now: () => now,
      pruneIntervalMs: 0,
    });
    try {
      for (let index = 0; index < 3000; index++) {
        const { id, ms } = ulids.next();
        store.add({
          name: "test.store.update",
          time: new Date(ms),
          identifiers: [{ kind: "application", id: `app-${index % 3}` }],
          correlationIds: [],
          origin: "test",
          visibility: ["RIGHT_APPLICATION_INFO"],
          uniqueId: id,
        });
      }
      await store.flush();
      let turns = 0;
      let counting = true;
      const tick = () => {
        turns++;
        if (counting) setImmediate(tick);
      };
      setImmediate(tick);
      const trimmed = await store.prune();
      assert.equal(trimmed, 3 * (1000 - 100), "each application trimmed to its newest 100");
      const before = turns;
      now += 120_000;
      assert.equal(await store.prune(), 300 + 3000, "then everything, past the time to live");
      counting = false;
      assert.ok(turns - before >= 6, `the loop turned ${turns - before} times while pruning`);
    } finally {
      await store.close();
      await database.close();
    }
  });
});

describe("SqliteWorkerEventStore", () => {
  let folder: string;
  let count = 0;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), "lorastack-event-store-worker-"));
  });
  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });
  eventStoreConformance(async ({ retention, monitor, now }) => {
    const store = new SqliteWorkerEventStore({
      file: join(folder, `${++count}-events.db`),
      retention,
      monitor,
      now,
      pruneIntervalMs: 0,
    });
    return { store, prune: () => store.prune(), close: () => store.close() };
  });
});

describeBackend("SqlEventStore on PostgreSQL", postgresSkipReason(), () => {
  let server: TestPostgres | undefined;
  before(async () => {
    server = await startPostgres();
  });
  after(async () => {
    await server?.stop();
  });
  eventStoreConformance(
    sqlStores(async () => {
      if (!server) throw new Error("no PostgreSQL server");
      return openDatabase({ engine: "postgres", uri: await server.createDatabase() });
    }),
  );
});

describeBackend("RedisEventStore", await redisSkipReason(), () => {
  let server: TestRedis | undefined;
  let count = 0;
  before(async () => {
    server = await startRedis();
  });
  after(async () => {
    await server?.stop();
  });
  eventStoreConformance(async ({ retention, monitor, now }) => {
    if (!server) throw new Error("no Redis server");
    const store = new RedisEventStore({
      redis: new Redis(server.uri),
      ownsConnection: true,
      retention,
      monitor,
      now,
      keyPrefix: `test-${process.pid}-${++count}:`,
    });
    return { store, close: () => store.close() };
  });
});
