import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { laterOf } from "./times.ts";

describe("the later of two times", () => {
  it("takes the later one, or the one that is there", () => {
    const early = "2026-12-06T03:00:00Z";
    const late = "2026-12-06T03:00:00.5Z";
    assert.equal(laterOf(early, late), late);
    assert.equal(laterOf(late, early), late);
    assert.equal(laterOf(undefined, early), early);
    assert.equal(laterOf(early, undefined), early);
    assert.equal(laterOf(undefined, undefined), undefined);
  });
  it("ignores a time it cannot read", () => {
    assert.equal(laterOf("soon", "2026-12-06T03:00:00Z"), "2026-12-06T03:00:00Z");
    assert.equal(laterOf("2026-12-06T03:00:00Z", "later"), "2026-12-06T03:00:00Z");
    assert.equal(laterOf("soon", "later"), undefined);
  });
});
