import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { orderSrvRecords, type SrvRecord } from "./srv-order.ts";

function record(name: string, priority: number, weight: number): SrvRecord {
  return { name, port: 8884, priority, weight };
}

/** A deterministic stream of numbers in [0, 1) (a linear congruential generator). */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe("SRV order (RFC 2782)", () => {
  it("tries lower priorities first, whatever their weight", () => {
    const ordered = orderSrvRecords(
      [record("c", 20, 100), record("a", 0, 1), record("b", 10, 50)],
      () => 0.99,
    );
    assert.deepEqual(
      ordered.map((r) => r.name),
      ["a", "b", "c"],
    );
  });

  it("draws within a priority by weight", () => {
    const records = [record("light", 0, 1), record("heavy", 0, 3)];
    // The running sum is light 1, heavy 4: a draw below 1 picks light, above picks heavy.
    assert.deepEqual(
      orderSrvRecords(records, () => 0.1).map((r) => r.name),
      ["light", "heavy"],
    );
    assert.deepEqual(
      orderSrvRecords(records, () => 0.5).map((r) => r.name),
      ["heavy", "light"],
    );
    const random = seeded(7);
    let heavyFirst = 0;
    const draws = 4000;
    for (let i = 0; i < draws; i++)
      if (orderSrvRecords(records, random)[0]?.name === "heavy") heavyFirst++;
    // Expected 3/4 of the draws; 4000 draws keep it well within ±5 %.
    assert.ok(Math.abs(heavyFirst / draws - 0.75) < 0.05, `heavy first ${heavyFirst}/${draws}`);
  });

  it("puts weight 0 after weighted records and orders a group of zeros at random", () => {
    const ordered = orderSrvRecords(
      [record("zero", 0, 0), record("one", 0, 1), record("later", 1, 0)],
      () => 0,
    );
    assert.deepEqual(
      ordered.map((r) => r.name),
      ["one", "zero", "later"],
    );
    const zeros = [record("x", 0, 0), record("y", 0, 0)];
    assert.equal(orderSrvRecords(zeros, () => 0.9)[0]?.name, "y");
    assert.equal(orderSrvRecords(zeros, () => 0.1)[0]?.name, "x");
  });

  it("keeps every record once", () => {
    const records = Array.from({ length: 20 }, (_, i) => record(`r${i}`, i % 3, i % 4));
    const ordered = orderSrvRecords(records, seeded(3));
    assert.equal(ordered.length, records.length);
    assert.deepEqual(new Set(ordered), new Set(records));
    const priorities = ordered.map((r) => r.priority);
    assert.deepEqual(
      priorities,
      [...priorities].sort((a, b) => a - b),
    );
  });
});
