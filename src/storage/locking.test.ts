import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, it } from "node:test";
import BetterSqlite3 from "better-sqlite3";
import { sql } from "kysely";
import { openDatabase } from "./database.ts";
import { engineOf, lockRows } from "./locking.ts";

const folder = await mkdtemp(join(tmpdir(), "lorastack-locking-"));
after(() => rm(folder, { recursive: true, force: true }));

it("begins SQLite transactions with the write lock, so a read-change-write is atomic across processes", async () => {
  const file = join(folder, "immediate.db");
  const database = await openDatabase({ engine: "sqlite", file });
  // Another connection to the same file, as another process (the CLI beside a server) has.
  const other = new BetterSqlite3(file, { timeout: 0 });
  try {
    assert.equal(engineOf(database.db), "sqlite");
    await database.db.transaction().execute(async (trx) => {
      await sql`select 1`.execute(trx);
      // A DEFERRED transaction would hold no lock yet and let the other writer in.
      assert.throws(() => other.exec("begin immediate"), { code: "SQLITE_BUSY" });
    });
    other.exec("begin immediate");
    other.exec("rollback");
  } finally {
    other.close();
    await database.close();
  }
});

it("adds no row lock clause on SQLite, which has none", async () => {
  const database = await openDatabase({ engine: "sqlite", file: join(folder, "clause.db") });
  try {
    const query = lockRows(database.db, database.db.selectFrom("metadata").selectAll(), "update");
    assert.doesNotMatch(query.compile().sql, /for update/i);
  } finally {
    await database.close();
  }
});
