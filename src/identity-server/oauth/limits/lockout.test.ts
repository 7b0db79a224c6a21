import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type LockoutPolicy, lockDuration, MemoryLockouts } from "./lockout.ts";

const minute = 60_000;
const policy: LockoutPolicy = {
  threshold: 3,
  baseMs: minute,
  maxMs: 15 * minute,
  forgetAfterMs: 60 * minute,
};

describe("lockouts", () => {
  it("locks after the threshold, doubling with each failure up to the maximum", () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 8, 1e9].map((failures) => lockDuration(failures, policy) / minute),
      [0, 0, 1, 2, 4, 8, 15, 15, 15],
    );
  });

  it("counts failures per key, locks, forgets after a quiet time, and clears", async () => {
    let now = 0;
    const lockouts = new MemoryLockouts({ now: () => now });
    assert.equal(await lockouts.fail("a", policy), 0);
    assert.equal(await lockouts.fail("a", policy), 0);
    assert.equal(await lockouts.lockedFor("a"), 0);
    assert.equal(await lockouts.fail("a", policy), minute);
    assert.equal(await lockouts.lockedFor("a"), minute);
    assert.equal(await lockouts.lockedFor("b"), 0, "other keys are not locked");
    now += 30_000;
    assert.equal(await lockouts.lockedFor("a"), 30_000);
    now += 30_000;
    assert.equal(await lockouts.lockedFor("a"), 0, "a lock ends");
    assert.equal(await lockouts.fail("a", policy), 2 * minute, "the next failure locks longer");
    // Forgotten an hour after the last failure: the count starts again.
    now += 60 * minute;
    assert.equal(await lockouts.fail("a", policy), 0);
    await lockouts.fail("a", policy);
    await lockouts.clear("a");
    assert.equal(await lockouts.fail("a", policy), 0, "cleared");
  });

  it("checks and counts an attempt in one step", async () => {
    let now = 0;
    const lockouts = new MemoryLockouts({ now: () => now });
    const results = await Promise.all(
      Array.from({ length: 5 }, () => lockouts.attempt("a", policy)),
    );
    assert.deepEqual(results, [0, 0, 0, minute, minute]);
    now += minute;
    assert.equal(await lockouts.attempt("a", policy), 0);
    assert.equal(await lockouts.lockedFor("a"), 2 * minute, "the attempt counted at once");
    await lockouts.clear("a");
    assert.equal(await lockouts.lockedFor("a"), 0);
  });

  it("never holds a lock longer than the maximum after the last failure", async () => {
    let now = 0;
    const lockouts = new MemoryLockouts({ now: () => now });
    for (let index = 0; index < 50; index++) {
      await lockouts.fail("victim", policy);
      assert.ok((await lockouts.lockedFor("victim")) <= policy.maxMs);
      now += 1_000;
    }
    now += policy.maxMs;
    assert.equal(await lockouts.lockedFor("victim"), 0);
  });
});
