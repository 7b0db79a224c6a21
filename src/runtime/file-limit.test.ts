import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { connectionBudget, readFileLimit } from "./file-limit.ts";

describe("open-file limit", () => {
  it("reads /proc/<pid>/limits, unlimited as Infinity", async () => {
    const folder = await mkdtemp(join(tmpdir(), "lorastack-limits-"));
    try {
      const file = join(folder, "limits");
      const table = (soft: string, hard: string) =>
        "Limit                     Soft Limit           Hard Limit           Units     \n" +
        "Max cpu time              unlimited            unlimited            seconds   \n" +
        `Max open files            ${soft.padEnd(20)} ${hard.padEnd(20)} files     \n`;
      await writeFile(file, table("1024", "524288"));
      assert.deepEqual(readFileLimit(file), { soft: 1024, hard: 524288 });
      await writeFile(file, table("unlimited", "unlimited"));
      assert.deepEqual(readFileLimit(file), {
        soft: Number.POSITIVE_INFINITY,
        hard: Number.POSITIVE_INFINITY,
      });
      assert.equal(readFileLimit(join(folder, "missing")), undefined);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
    assert.ok(readFileLimit() === undefined || readFileLimit()?.soft !== undefined);
  });

  it("keeps a cap that fits and lowers one that does not, keeping room for the rest", () => {
    assert.deepEqual(connectionBudget(10_000, { soft: 20_000, hard: 20_000 }), {
      maxTotal: 10_000,
      needed: 11_024,
      lowered: false,
    });
    assert.deepEqual(connectionBudget(10_000, { soft: 4_096, hard: 4_096 }), {
      maxTotal: 3_072,
      needed: 11_024,
      lowered: true,
    });
    // No cap configured: the limit makes one.
    assert.deepEqual(connectionBudget(0, { soft: 1_024, hard: 1_024 }), {
      maxTotal: 512,
      needed: Number.POSITIVE_INFINITY,
      lowered: true,
    });
    assert.equal(connectionBudget(0, { soft: Infinity, hard: Infinity }).maxTotal, 0);
    assert.equal(connectionBudget(500, undefined).maxTotal, 500);
  });
});
