import assert from "node:assert/strict";
import { test } from "node:test";
import { parseGoDuration } from "./go-duration.ts";

test("parseGoDuration reads Go durations and integer nanoseconds", () => {
  const cases: [unknown, number | undefined][] = [
    ["400ms", 400e6],
    ["1s", 1e9],
    ["1m30s", 90e9],
    ["128us", 128e3],
    ["128µs", 128e3],
    ["1.5h", 5400e9],
    ["250ns", 250],
    ["0", 0],
    [128000, 128000],
    ["", undefined],
    ["400", undefined],
    ["-1s", undefined],
    ["1 s", undefined],
    ["soon", undefined],
    [-5, undefined],
    [1.5, undefined],
    [true, undefined],
  ];
  for (const [input, expected] of cases) {
    assert.equal(parseGoDuration(input), expected, JSON.stringify(input));
  }
});
