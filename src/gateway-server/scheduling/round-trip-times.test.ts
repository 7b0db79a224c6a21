import assert from "node:assert/strict";
import { test } from "node:test";
import { RoundTripTimes, roundTripFromRefTime, roundTripWindow } from "./round-trip-times.ts";

test("statistics over the valid measurements; none gives undefined", () => {
  const rtts = new RoundTripTimes();
  assert.equal(rtts.stats(0), undefined);
  for (const [rtt, at] of [
    [40_000, 1],
    [10_000, 2],
    [30_000, 3],
    [20_000, 4],
  ] as const) {
    rtts.record(rtt, at);
  }
  assert.deepEqual(rtts.stats(5), {
    minUs: 10_000,
    maxUs: 40_000,
    medianUs: 25_000,
    p90Us: 40_000,
    count: 4,
  });
  rtts.record(-1, 6);
  rtts.record(Number.NaN, 6);
  assert.equal(rtts.stats(6)?.count, 4, "nonsense measurements are ignored");
});

test("keeps the newest 20 for 30 minutes (The Things Stack's window)", () => {
  const rtts = new RoundTripTimes();
  for (let i = 1; i <= 25; i++) rtts.record(i * 1000, i);
  assert.deepEqual(rtts.stats(30), {
    minUs: 6000,
    maxUs: 25_000,
    medianUs: 15_500,
    // 18 of the 20 are at most this: two slow ones do not count.
    p90Us: 23_000,
    count: 20,
  });
  assert.equal(rtts.stats(10 + roundTripWindow.ttlUs)?.minUs, 10_000, "older ones expired");
  assert.equal(rtts.stats(26 + roundTripWindow.ttlUs), undefined);
});

test("Basics Station RefTime gives the round trip; nonsense gives none", () => {
  // From the transcript: MuxTime 1796447917.779 ... RefTime 1796447918.084952, received 40 ms later.
  assert.equal(roundTripFromRefTime(1_796_447_918.084952, 1_796_447_918.124952), 40_000);
  assert.equal(roundTripFromRefTime(1_796_447_918.2, 1_796_447_918.1), undefined);
  assert.equal(roundTripFromRefTime(Number.NaN, 1), undefined);
  assert.equal(roundTripFromRefTime(0, 1_796_447_918), undefined);
});
