import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { streamResults } from "./stored-ups.ts";

describe("streamed REST answers", () => {
  it("reads one result per line and skips blank lines", () => {
    assert.deepEqual(streamResults('{"result":{"a":1}}\n\n{"result":{"a":2}}\n'), {
      results: [{ a: 1 }, { a: 2 }],
    });
    assert.deepEqual(streamResults(""), { results: [] });
  });
  it("stops at an error line or a line that is not JSON", () => {
    assert.deepEqual(streamResults('{"result":1}\n{"error":{"message":"boom"}}\n{"result":2}'), {
      results: [1],
      error: "boom",
    });
    assert.deepEqual(streamResults("{oops"), {
      results: [],
      error: "The server's answer is not JSON",
    });
  });
});
