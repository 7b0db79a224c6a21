import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { pino } from "pino";
import {
  postgresSkipReason,
  startPostgres,
  type TestPostgres,
} from "../../../test/harness/postgres.ts";
import { type Database, openDatabase } from "../../storage/database.ts";
import type { DatabaseLocation } from "../../storage/engine.ts";
import { migrateToLatest } from "../../storage/migrate.ts";
import { describeBackend, type Fixture, type Opened } from "../conformance/fixture.ts";
import { describeTaskQueueConformance } from "../conformance/task-queue.ts";
import type { TaskQueue } from "../task-queue.ts";
import { sqlTaskQueue } from "./task-queue.ts";

const logger = pino({ level: "silent" });
const timings = { pollIntervalMs: 1000, leaseMs: 1000 };

/** Instances of one database, each with its own connection, as separate processes would have. */
async function databaseFixture(location: DatabaseLocation): Promise<Fixture<TaskQueue>> {
  const setup = await openDatabase(location);
  await migrateToLatest(setup.db, setup.engine);
  await setup.close();
  const open = new Set<Opened<TaskQueue>>();
  let instances = 0;
  return {
    async instance() {
      const database: Database = await openDatabase(location);
      const queue = sqlTaskQueue(database, { logger, ...timings });
      const opened: Opened<TaskQueue> = {
        value: queue,
        identity: { instanceId: `sql-${++instances}`, address: "" },
        async close() {
          if (!open.delete(opened)) return;
          queue.close();
          await database.close();
        },
      };
      open.add(opened);
      return opened;
    },
    async dispose() {
      await Promise.all([...open].map((opened) => opened.close()));
    },
  };
}

const folders: string[] = [];
after(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

describeTaskQueueConformance(
  "SQL on SQLite",
  async () => {
    const folder = await mkdtemp(join(tmpdir(), "lorastack-tasks-"));
    folders.push(folder);
    return databaseFixture({ engine: "sqlite", file: join(folder, "lorastack.db") });
  },
  timings,
);

describeBackend("PostgreSQL", postgresSkipReason(), () => {
  let server: TestPostgres;
  before(async () => {
    server = await startPostgres();
  });
  after(async () => {
    await server?.stop();
  });
  describeTaskQueueConformance(
    "SQL on PostgreSQL",
    async () => databaseFixture({ engine: "postgres", uri: await server.createDatabase() }),
    timings,
  );
});
