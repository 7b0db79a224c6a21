import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BoundedMap } from "./bounded-map.ts";
import { MemoryRateLimiter } from "./rate-limiter.ts";

describe("MemoryRateLimiter (GCRA)", () => {
  const rate = { perMinute: 6, burst: 3 };

  it("allows the burst at once, then one request per interval", async () => {
    let now = 1_000_000;
    const limiter = new MemoryRateLimiter({ now: () => now });
    const taken = [];
    for (let index = 0; index < 4; index++) taken.push(await limiter.take("k", rate));
    assert.deepEqual(
      taken.map((decision) => [decision.allowed, decision.remaining]),
      [
        [true, 2],
        [true, 1],
        [true, 0],
        [false, 0],
      ],
    );
    const refused = taken[3];
    assert.equal(refused?.limit, 3);
    assert.equal(refused?.retryAfterMs, 10_000, "one interval: 60 s / 6");
    assert.equal(refused?.resetAfterMs, 30_000, "three intervals until the burst is back");
    now += 9_999;
    assert.equal((await limiter.take("k", rate)).allowed, false);
    now += 1;
    assert.equal((await limiter.take("k", rate)).allowed, true);
    assert.equal((await limiter.take("k", rate)).allowed, false);
    // A quiet time gives the whole burst back.
    now += 60_000;
    assert.equal((await limiter.take("k", rate)).remaining, 2);
  });

  it("counts keys apart, and refused requests take nothing", async () => {
    let now = 0;
    const limiter = new MemoryRateLimiter({ now: () => now });
    for (let index = 0; index < 3; index++) await limiter.take("a", rate);
    for (let index = 0; index < 100; index++) await limiter.take("a", rate);
    assert.equal((await limiter.take("b", rate)).allowed, true);
    now += 10_000;
    assert.equal(
      (await limiter.take("a", rate)).allowed,
      true,
      "100 refusals did not push it back",
    );
  });

  it("keeps at most maxKeys keys, dropping idle ones first", async () => {
    let now = 0;
    const limiter = new MemoryRateLimiter({ maxKeys: 10, now: () => now });
    for (let index = 0; index < 10; index++) await limiter.take(`old-${index}`, rate);
    now += 60_000;
    await limiter.take("busy", rate);
    await limiter.take("busy", rate);
    await limiter.take("busy", rate);
    assert.equal(limiter.size, 1, "the idle keys went to make room");
    assert.equal((await limiter.take("busy", rate)).allowed, false, "the busy key kept its state");
    for (let index = 0; index < 1_000; index++) await limiter.take(`flood-${index}`, rate);
    assert.ok(limiter.size <= 10);
  });
});

describe("BoundedMap", () => {
  it("forgets the least recently written entries when nothing is idle", () => {
    const map = new BoundedMap<number>(10, () => false);
    for (let index = 0; index < 10; index++) map.set(`k${index}`, index, 0);
    map.set("k0", 0, 0); // written again: now the newest
    map.set("k10", 10, 0);
    assert.equal(map.get("k0"), 0);
    assert.equal(map.get("k1"), undefined);
    assert.equal(map.size, 10);
    assert.throws(() => new BoundedMap(0, () => true), RangeError);
  });
});
