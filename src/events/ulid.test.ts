import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isUlid, UlidFactory, ulidCeiling, ulidFloor } from "./ulid.ts";

describe("ULIDs", () => {
  it("encode the time in the first ten characters (the specification's example)", () => {
    const { id, ms } = new UlidFactory(() => 1469918176385).next();
    assert.equal(id.slice(0, 10), "01ARYZ6S41");
    assert.equal(ms, 1469918176385);
    assert.ok(isUlid(id), id);
  });

  it("increase strictly within a millisecond and when the clock goes back", () => {
    let now = 1_700_000_000_000;
    const factory = new UlidFactory(() => now);
    const ids: string[] = [];
    for (let index = 0; index < 1000; index++) ids.push(factory.next().id);
    now -= 5_000;
    const late = factory.next();
    ids.push(late.id);
    assert.equal(late.ms, 1_700_000_000_000, "keeps the last time");
    now += 10_000;
    ids.push(factory.next().id);
    assert.deepEqual([...ids].sort(), ids);
    assert.equal(new Set(ids).size, ids.length);
  });

  it("bound a millisecond: floor ≤ every id of it ≤ ceiling < ids of the next", () => {
    const factory = new UlidFactory(() => 1_700_000_000_123);
    const { id } = factory.next();
    assert.ok(ulidFloor(1_700_000_000_123) <= id);
    assert.ok(id <= ulidCeiling(1_700_000_000_123));
    assert.ok(ulidCeiling(1_700_000_000_122) < id);
    assert.ok(ulidFloor(1_700_000_000_124) > id);
  });
});
