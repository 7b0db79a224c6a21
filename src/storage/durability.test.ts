import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import { openDatabase } from "./database.ts";

it("keeps every committed SQLite write when the process is killed with SIGKILL", async () => {
  const folder = await mkdtemp(join(tmpdir(), "lorastack-durability-"));
  try {
    const file = join(folder, "lorastack.db");
    const child = spawn(
      process.execPath,
      [join(import.meta.dirname, "testdata", "write-until-killed.ts"), file],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const committed: string[] = [];
    let buffer = "";
    // A child that never reports 300 rows is stopped too, and the assertion below says so.
    const deadline = setTimeout(() => child.kill("SIGKILL"), 60_000);
    await new Promise<void>((resolve, reject) => {
      child.on("error", reject);
      child.on("exit", () => {
        clearTimeout(deadline);
        resolve();
      });
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        buffer += chunk;
        const lines = buffer.split("\n");
        buffer = lines.pop() ?? "";
        committed.push(...lines);
        if (committed.length >= 300) child.kill("SIGKILL");
      });
    });
    assert.ok(committed.length >= 300, "the child committed rows before it was killed");

    const database = await openDatabase({ engine: "sqlite", file });
    try {
      const rows = await database.db
        .selectFrom("metadata")
        .select("key")
        .where("key", "like", "row-%")
        .execute();
      const stored = new Set(rows.map((row) => row.key));
      const lost = committed.filter((key) => !stored.has(key));
      assert.deepEqual(lost, [], "every write reported as committed is stored");
    } finally {
      await database.close();
    }
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});
