import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import BetterSqlite3 from "better-sqlite3";
import type { CheckpointReport } from "./sqlite-checkpoint-worker.ts";
import { SqliteCheckpointer } from "./sqlite-checkpointer.ts";

let folder: string;
before(async () => {
  folder = await mkdtemp(join(tmpdir(), "lorastack-checkpoint-"));
});
after(async () => {
  await rm(folder, { recursive: true, force: true });
});

function openWal(file: string): BetterSqlite3.Database {
  const connection = new BetterSqlite3(file);
  connection.pragma("journal_mode = WAL");
  connection.pragma("synchronous = NORMAL");
  connection.exec("create table if not exists t (id integer primary key, v blob)");
  return connection;
}

const autoCheckpoint = (connection: BetterSqlite3.Database) =>
  connection.pragma("wal_autocheckpoint", { simple: true });

describe("SQLite checkpointer", () => {
  it("turns the connection's automatic checkpoints off and checkpoints the log in its worker", async () => {
    const file = join(folder, "busy.db");
    const connection = openWal(file);
    let checkpointed!: () => void;
    const seen = new Promise<void>((resolve) => {
      checkpointed = resolve;
    });
    const checkpointer = new SqliteCheckpointer({
      file,
      connection,
      intervalMs: 20,
      onReport: (report: CheckpointReport) => {
        if (report.kind === "checkpointed" && report.checkpointedPages > 0) checkpointed();
      },
    });
    try {
      assert.equal(autoCheckpoint(connection), 0);
      const insert = connection.prepare("insert into t (v) values (?)");
      const blob = Buffer.alloc(4000, 1);
      connection.transaction(() => {
        for (let i = 0; i < 500; i++) insert.run(blob);
      })();
      await seen;
      // What was checkpointed is in the database file: another connection reads every row.
      const reader = new BetterSqlite3(file, { readonly: true });
      assert.equal((reader.prepare("select count(*) as n from t").get() as { n: number }).n, 500);
      reader.close();
    } finally {
      await checkpointer.close();
      connection.close();
    }
  });

  it("gives checkpoints back to SQLite when its worker cannot work", async () => {
    const file = join(folder, "fallback.db");
    const connection = openWal(file);
    let failed!: (reason: string) => void;
    const failure = new Promise<string>((resolve) => {
      failed = resolve;
    });
    const checkpointer = new SqliteCheckpointer({
      // A file the worker cannot open: it reports and gives up.
      file: join(folder, "missing-folder", "nothing.db"),
      connection,
      intervalMs: 20,
      onReport: (report) => {
        if (report.kind === "failed") failed(report.reason);
      },
    });
    try {
      assert.match(await failure, /unable to open|cannot open|directory/i);
      assert.equal(autoCheckpoint(connection), 1000);
    } finally {
      await checkpointer.close();
      connection.close();
    }
  });
});
