// Child process for durability.test.ts: commits one row at a time and prints each key only
// after its commit returned, until it is killed.

import { openDatabase } from "../database.ts";
import { ensureInstallationId } from "../metadata.ts";
import { migrateToLatest } from "../migrate.ts";

const file = process.argv[2] as string;
// As the running program opens it: checkpoints in a worker thread.
const database = await openDatabase({ engine: "sqlite", file }, { checkpointInWorker: true });
await migrateToLatest(database.db, database.engine);
await ensureInstallationId(database.db);
for (let i = 0; ; i++) {
  const key = `row-${i}`;
  await database.db
    .insertInto("metadata")
    .values({ key, value: String(i), updated_at: new Date().toISOString() })
    .execute();
  // Wait until the line is handed to the kernel: the loop never yields to the event loop
  // otherwise, and a write that had to queue (the parent reading slowly) would never be flushed
  // while the queue grew without bound.
  await new Promise<void>((resolve, reject) =>
    process.stdout.write(`${key}\n`, (error) => (error ? reject(error) : resolve())),
  );
}
