import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { memoryLimiterState, OAuthGuard, type Refusal } from "./guard.ts";
import { defaultOAuthLimits, type OAuthLimits } from "./policy.ts";

const minute = 60_000;

function guard(limits: OAuthLimits = defaultOAuthLimits) {
  const clock = { now: 0 };
  const refusals: Refusal[] = [];
  const subject = new OAuthGuard(
    memoryLimiterState(() => clock.now),
    limits,
    (refusal) => refusals.push(refusal),
  );
  return { clock, refusals, guard: subject };
}

describe("OAuthGuard", () => {
  it("limits each endpoint per address", async () => {
    const { guard: g, refusals } = guard();
    for (let index = 0; index < 10; index++)
      assert.equal(await g.address("login", "192.0.2.1"), undefined);
    const refusal = await g.address("login", "192.0.2.1");
    assert.equal(refusal?.reason, "rate_limit");
    assert.equal(refusal?.key, "oauth:login:address:192.0.2.1");
    assert.equal(refusal?.perMinute, 10);
    assert.equal(await g.address("login", "192.0.2.2"), undefined);
    assert.equal(await g.address("token", "192.0.2.1"), undefined, "endpoints count apart");
    assert.deepEqual(refusals, [refusal]);
  });

  it("locks an account after five failures, for at most 15 minutes after the last", async () => {
    const { guard: g, clock } = guard();
    for (let index = 0; index < 5; index++)
      assert.equal(await g.loginAttempt("alice", undefined), undefined);
    const locked = await g.loginAttempt("alice", undefined);
    assert.equal(locked?.reason, "locked_out");
    assert.equal(locked?.retryAfterMs, minute);
    assert.equal(await g.loginAttempt("bob", undefined), undefined);
    // An attacker failing once after every lock: locks grow to 15 minutes and stay there.
    const locks: number[] = [];
    for (let round = 0; round < 8; round++) {
      clock.now += (await g.loginAttempt("alice", undefined))?.retryAfterMs ?? 0;
      assert.equal(await g.loginAttempt("alice", undefined), undefined);
      locks.push(((await g.loginAttempt("alice", undefined))?.retryAfterMs ?? 0) / minute);
    }
    assert.deepEqual(locks, [2, 4, 8, 15, 15, 15, 15, 15]);
    // The owner signing in (the attempt after the lock) clears the failures.
    clock.now += 15 * minute;
    assert.equal(await g.loginAttempt("alice", undefined), undefined);
    await g.loginSucceeded("alice", undefined);
    for (let index = 0; index < 4; index++)
      assert.equal(await g.loginAttempt("alice", undefined), undefined);
  });

  it("counts attempts made at the same time before any of them fails", async () => {
    const { guard: g } = guard();
    const attempts = await Promise.all(
      Array.from({ length: 8 }, () => g.loginAttempt("alice", undefined)),
    );
    assert.equal(attempts.filter((refusal) => refusal === undefined).length, 5);
  });

  it("exempts a known browser from the account's lock and limit, with a lock of its own", async () => {
    const { guard: g } = guard();
    for (let index = 0; index < 5; index++) await g.loginAttempt("alice", undefined);
    assert.equal((await g.loginAttempt("alice", undefined))?.reason, "locked_out");
    assert.equal(await g.loginAttempt("alice", "device-1"), undefined, "the owner's browser");
    for (let index = 0; index < 4; index++) await g.loginAttempt("alice", "device-1");
    assert.equal((await g.loginAttempt("alice", "device-1"))?.reason, "locked_out");
    assert.equal(await g.loginAttempt("alice", "device-2"), undefined);
  });

  it("limits account names that only look like device keys as accounts", async () => {
    const { guard: g } = guard();
    for (let index = 0; index < 5; index++)
      await g.loginAttempt("alice:device:device-1", undefined);
    assert.equal(await g.loginAttempt("alice", "device-1"), undefined);
  });

  it("locks a client after ten failed secrets; its successes do not clear them", async () => {
    const { guard: g, clock } = guard();
    const check = (matches: boolean) => g.clientSecret("app", async () => matches);
    for (let index = 0; index < 9; index++)
      assert.deepEqual(await check(false), { matches: false });
    assert.deepEqual(await check(true), { matches: true });
    assert.deepEqual(await check(false), { matches: false });
    const locked = await check(true);
    assert.ok("refusal" in locked);
    assert.equal(locked.refusal.reason, "locked_out");
    assert.equal(locked.refusal.key, "oauth:token:client:app");
    clock.now += minute;
    assert.deepEqual(await check(true), { matches: true });
  });

  it("checks one client's secrets one at a time, so the lock holds for guesses sent at once", async () => {
    const { guard: g } = guard();
    let checked = 0;
    const results = await Promise.all(
      Array.from({ length: 30 }, () =>
        g.clientSecret("app", async () => {
          checked++;
          await new Promise((resolve) => setImmediate(resolve));
          return false;
        }),
      ),
    );
    assert.equal(checked, 10, "checked until the lock, then refused");
    assert.equal(results.filter((result) => "refusal" in result).length, 20);
    // A failing check does not stop the queue.
    const failing = g.clientSecret("other", async () => {
      throw new Error("database down");
    });
    await assert.rejects(failing, /database down/);
    assert.deepEqual(await g.clientSecret("other", async () => true), { matches: true });
  });

  it("does not limit what is configured off", async () => {
    const { guard: g } = guard({
      ...defaultOAuthLimits,
      rates: { ...defaultOAuthLimits.rates, loginPerAddress: undefined },
    });
    for (let index = 0; index < 100; index++)
      assert.equal(await g.address("login", "192.0.2.1"), undefined);
  });
});
