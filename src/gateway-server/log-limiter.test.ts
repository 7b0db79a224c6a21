import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LogLimiter } from "./log-limiter.ts";

describe("log limiter", () => {
  it("lets one line per key through per interval", () => {
    const limiter = new LogLimiter(60_000);
    assert.equal(limiter.allow("AA", 0), true);
    assert.equal(limiter.allow("AA", 59_999), false);
    assert.equal(limiter.allow("BB", 10), true);
    assert.equal(limiter.allow("AA", 60_000), true);
  });

  it("forgets the oldest keys past its bound", () => {
    const limiter = new LogLimiter(60_000, 2);
    limiter.allow("a", 0);
    limiter.allow("b", 0);
    limiter.allow("c", 0);
    assert.equal(limiter.allow("a", 1), true, "a was forgotten");
    assert.equal(limiter.allow("c", 1), false);
  });
});
