import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  errInvalidRegexp,
  errNoMatchingEvents,
  errPatternsBusy,
  errPatternTooLong,
  errRegexpTimeout,
  errUnknownEventName,
} from "./errors.ts";
import { globMatches, NamePatternResolver } from "./name-patterns.ts";

const names = [
  "application.collaborator.update",
  "application.create",
  "application.update",
  "as.up.data.forward",
  "end_device.update",
  "gateway.api-key.create",
];

/** Long runs of `[a-z._]` make `/^(([a-z._])+)+!/` backtrack for hours. */
const longNames = [...names, "application.collaborator.update.and.some.more.words.here"];

describe("name patterns", () => {
  it("resolves exact names, globs and regular expressions against the defined names", async () => {
    const resolver = new NamePatternResolver({ names: () => names });
    try {
      assert.equal(await resolver.resolve([]), undefined, "no filter: every name");
      assert.deepEqual(
        await resolver.resolve(["application.create"]),
        new Set(["application.create"]),
      );
      assert.deepEqual(
        await resolver.resolve(["application.*"]),
        new Set(["application.collaborator.update", "application.create", "application.update"]),
      );
      assert.deepEqual(
        await resolver.resolve(["*.update", "/^as\\./"]),
        new Set([
          "application.collaborator.update",
          "application.update",
          "end_device.update",
          "as.up.data.forward",
        ]),
      );
    } finally {
      await resolver.close();
    }
  });

  it("refuses unknown names, patterns that match nothing, invalid and overlong ones", async () => {
    const resolver = new NamePatternResolver({ names: () => names, maxLength: 40 });
    try {
      await assert.rejects(resolver.resolve(["application.*", "nothing"]), (error) =>
        errUnknownEventName.matches(error),
      );
      await assert.rejects(resolver.resolve(["user.*"]), (error) =>
        errNoMatchingEvents.matches(error),
      );
      await assert.rejects(resolver.resolve(["/^user/"]), (error) =>
        errNoMatchingEvents.matches(error),
      );
      await assert.rejects(resolver.resolve(["/(/"]), (error) => errInvalidRegexp.matches(error));
      await assert.rejects(resolver.resolve([`/${"a".repeat(50)}/`]), (error) =>
        errPatternTooLong.matches(error),
      );
    } finally {
      await resolver.close();
    }
  });

  it("stops a catastrophic regular expression at its time limit while the main thread runs on", async () => {
    const resolver = new NamePatternResolver({ names: () => longNames, timeoutMs: 200 });
    let ticks = 0;
    let longestGap = 0;
    let last = performance.now();
    const interval = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
      ticks++;
    }, 5);
    try {
      const started = performance.now();
      await assert.rejects(
        resolver.resolve(["/^(([a-z._])+)+!/"]),
        (error) => errRegexpTimeout.matches(error) && /200 ms/.test((error as Error).message),
      );
      const elapsed = performance.now() - started;
      assert.ok(elapsed >= 190 && elapsed < 1_500, `refused after ${elapsed.toFixed(0)} ms`);
      assert.ok(ticks >= 10, `the interval fired ${ticks} times meanwhile`);
      assert.ok(longestGap < 100, `the main thread stalled ${longestGap.toFixed(0)} ms`);

      // The worker was replaced: the next expression is answered.
      assert.deepEqual(await resolver.resolve(["/forward$/"]), new Set(["as.up.data.forward"]));
      // The same pattern again is refused from the cache, without a worker.
      const again = performance.now();
      await assert.rejects(resolver.resolve(["/^(([a-z._])+)+!/"]), (error) =>
        errRegexpTimeout.matches(error),
      );
      assert.ok(performance.now() - again < 50, "refused at once");
    } finally {
      clearInterval(interval);
      await resolver.close();
    }
  });

  it("refuses regular expressions beyond the queue instead of queueing without limit", async () => {
    const resolver = new NamePatternResolver({
      names: () => longNames,
      timeoutMs: 300,
      maxPending: 2,
    });
    try {
      const slow = (n: number) => resolver.resolve([`/^(([a-z._])+)+!${n}/`]);
      const results = await Promise.allSettled([slow(1), slow(2), slow(3), slow(4)]);
      const reasons = results.map((result) =>
        result.status === "rejected" ? result.reason : undefined,
      );
      assert.ok(
        reasons.some((reason) => errPatternsBusy.matches(reason)),
        "some were refused as busy",
      );
      assert.ok(
        reasons.some((reason) => errRegexpTimeout.matches(reason)),
        "others timed out",
      );
    } finally {
      await resolver.close();
    }
  });

  it("matches globs without backtracking", () => {
    const table: [string, string, boolean][] = [
      ["*", "anything", true],
      ["as.*", "as.up.data.forward", true],
      ["as.*", "gs.up.receive", false],
      ["*.forward", "as.up.data.forward", true],
      ["as.*.forward", "as.up.data.forward", true],
      ["as.*.*.forward", "as.up.data.forward", true],
      ["as.*.*.*.forward", "as.up.data.forward", false],
      ["a*a", "a", false],
      ["a*a", "aa", true],
      [`${"*a".repeat(20)}!`, "a".repeat(10_000), false],
    ];
    for (const [glob, name, expected] of table)
      assert.equal(globMatches(glob, name), expected, `${glob} ~ ${name.slice(0, 30)}`);
  });
});
