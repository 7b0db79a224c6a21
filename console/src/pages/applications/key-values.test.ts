import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mapOf, rowsOf } from "./key-values.ts";

describe("key/value rows (headers, attributes)", () => {
  it("round-trips a map and drops empty rows", () => {
    const rows = rowsOf({ Authorization: "Bearer x", "X-A": "" });
    assert.deepEqual(mapOf([...rows, { key: "", value: "" }]), {
      map: { Authorization: "Bearer x", "X-A": "" },
    });
    assert.deepEqual(rowsOf(undefined), []);
  });
  it("refuses a value without a key and a key given twice", () => {
    assert.deepEqual(mapOf([{ key: " ", value: "v" }]), { error: "Row 1: enter a key" });
    assert.deepEqual(
      mapOf([
        { key: "a", value: "1" },
        { key: "a ", value: "2" },
      ]),
      { error: '"a" is given twice' },
    );
  });
});
