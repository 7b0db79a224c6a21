import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { databaseLocation, openDatabase } from "../storage/index.ts";
import { composeReadiness, DependencyChecker, databaseCheck } from "./readiness.ts";

describe("dependency checks of /readyz", () => {
  it("reports ok, a failure's reason, and a check that does not answer in time", async () => {
    const checker = new DependencyChecker(
      [
        { name: "database", check: async () => {} },
        {
          name: "redis",
          check: async () => {
            throw new Error("connect ECONNREFUSED 127.0.0.1:6379\n    at stack lines");
          },
        },
        { name: "peer:ns", check: () => new Promise(() => {}) },
      ],
      { timeoutMs: 50 },
    );
    assert.deepEqual(checker.names, ["database", "redis", "peer:ns"]);
    assert.deepEqual(await checker.states(), {
      database: "ok",
      redis: "connect ECONNREFUSED 127.0.0.1:6379",
      "peer:ns": "no answer within 50 ms",
    });
  });

  it("reuses an answer for cacheMs, shares one run between concurrent probes, then asks again", async () => {
    let nowMs = 0;
    let runs = 0;
    let up = true;
    const checker = new DependencyChecker(
      [
        {
          name: "redis",
          check: async () => {
            runs++;
            if (!up) throw new Error("down");
          },
        },
      ],
      { cacheMs: 2000, now: () => nowMs },
    );
    await Promise.all([checker.states(), checker.states(), checker.states()]);
    assert.equal(runs, 1);
    up = false;
    nowMs = 1999;
    assert.deepEqual(await checker.states(), { redis: "ok" }, "cached");
    nowMs = 2000;
    assert.deepEqual(await checker.states(), { redis: "down" });
    assert.equal(runs, 2);
  });

  it("tells changes between ok and failed once each, not every probe", async () => {
    let nowMs = 0;
    let reason: string | undefined;
    const changes: string[] = [];
    const checker = new DependencyChecker(
      [
        {
          name: "redis",
          check: async () => {
            if (reason) throw new Error(reason);
          },
        },
      ],
      {
        cacheMs: 0,
        now: () => nowMs++,
        onChange: (name, state) => changes.push(`${name}=${state}`),
      },
    );
    await checker.states();
    reason = "connection reconnecting";
    await checker.states();
    reason = "connection closed";
    await checker.states();
    reason = undefined;
    await checker.states();
    await checker.states();
    assert.deepEqual(changes, ["redis=ok", "redis=connection reconnecting", "redis=ok"]);
  });

  it("checks the database with a query, which fails once it is closed", async () => {
    const folder = await mkdtemp(join(tmpdir(), "lorastack-readiness-"));
    try {
      const database = await openDatabase(databaseLocation("", folder));
      const check = databaseCheck(database);
      assert.equal(check.name, "database");
      assert.deepEqual(await new DependencyChecker([check]).states(), { database: "ok" });
      await database.close();
      const after = await new DependencyChecker([check]).states();
      assert.notEqual(after.database, "ok");
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe("the /readyz answer", () => {
  it("is ready only when running, every component ready and every dependency ok", () => {
    assert.deepEqual(
      composeReadiness({
        state: "running",
        components: { is: true, gs: true },
        dependencies: { database: "ok", redis: "ok" },
      }),
      {
        ready: true,
        components: { is: true, gs: true },
        dependencies: { database: "ok", redis: "ok" },
        failed: [],
      },
    );
  });

  it("names what failed, and keeps reasons out of the answer", () => {
    const answer = composeReadiness({
      state: "running",
      components: { is: true, ns: false },
      dependencies: { database: "ok", redis: "connect ECONNREFUSED 10.1.2.3:6379", "peer:as": "x" },
    });
    assert.equal(answer.ready, false);
    assert.deepEqual(answer.failed, ["ns", "redis", "peer:as"]);
    assert.deepEqual(answer.dependencies, {
      database: "ok",
      redis: "unavailable",
      "peer:as": "unavailable",
    });
    assert.doesNotMatch(JSON.stringify(answer), /10\.1\.2\.3/);
  });

  it("is not ready while starting or stopping", () => {
    for (const state of ["starting", "stopping"] as const) {
      const answer = composeReadiness({ state, components: {}, dependencies: {} });
      assert.equal(answer.ready, false);
      assert.deepEqual(answer.failed, [state]);
    }
  });
});
