import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe } from "node:test";
import { Redis } from "ioredis";
import {
  postgresSkipReason,
  startPostgres,
  type TestPostgres,
} from "../../../test/harness/postgres.ts";
import { redisSkipReason, startRedis, type TestRedis } from "../../../test/harness/redis.ts";
import { describeBackend } from "../../cluster/conformance/fixture.ts";
import { type Database, migrateToLatest, openDatabase } from "../../storage/index.ts";
import { eventStoreConformance, type OpenStore } from "./conformance.ts";
import { RedisEventStore } from "./redis-store.ts";
import { SqlEventStore } from "./sql-store.ts";

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
