// Child process for durability.test.ts: commits one row at a time and prints each key only
// after its commit returned, until it is killed.

import { openDatabase } from "../database.ts";
import { ensureInstallationId } from "../metadata.ts";
import { migrateToLatest } from "../migrate.ts";

const file = process.argv[2] as string;
const database = await openDatabase({ engine: "sqlite", file });
await migrateToLatest(database.db, database.engine);
await ensureInstallationId(database.db);
for (let i = 0; ; i++) {
  const key = `row-${i}`;
  await database.db
    .insertInto("metadata")
    .values({ key, value: String(i), updated_at: new Date().toISOString() })
    .execute();
  process.stdout.write(`${key}\n`);
}
