import assert from "node:assert/strict";
import { test } from "node:test";
import { LoopLag } from "./loop-lag.ts";

test("reports the lag of the ticks that ran in or right after an interval", () => {
  let now = 0;
  const lag = new LoopLag({ now: () => now, intervalUs: 20_000, keepUs: 1_000_000 });
  lag.start();
  lag.stop(); // the test drives the ticks itself
  for (now = 20_000; now <= 200_000; now += 20_000) lag.tick();
  assert.equal(lag.maxLagUs(0, 200_000), 0, "on time");
  // The loop was busy from 200 ms to 1.2 s: the next tick runs a second late.
  now = 1_220_000;
  lag.tick();
  assert.equal(lag.maxLagUs(300_000, 900_000), 1_000_000, "a busy time inside the interval");
  assert.equal(lag.maxLagUs(0, 150_000), 0, "before it");
  now = 1_240_000;
  lag.tick();
  assert.equal(lag.maxLagUs(1_225_000, 1_240_000), 0, "after it");
  // Lags older than keepUs are forgotten.
  now = 3_000_000;
  lag.tick();
  assert.equal(lag.maxLagUs(0, 1_000_000), 0, "the old busy time is forgotten");
});
