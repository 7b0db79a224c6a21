import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { listShows, pagesOf } from "./list-shows.ts";

describe("searched lists", () => {
  it("tells an empty list from a search without a match", () => {
    assert.equal(listShows({ loading: false, items: [] }), "empty");
    assert.equal(listShows({ loading: false, items: [] }, "sensor"), "no-match");
    assert.equal(listShows({ loading: false, items: [1] }, "sensor"), "items");
  });

  it("keeps the rows shown while the next page loads, and says loading before the first", () => {
    assert.equal(listShows({ loading: true, items: [1] }), "items");
    assert.equal(listShows({ loading: true, items: [] }), "loading");
  });

  it("an error wins over everything", () => {
    assert.equal(listShows({ loading: false, error: new Error("x"), items: [1] }), "error");
  });

  it("counts pages, one at least", () => {
    assert.equal(pagesOf(0, 20), 1);
    assert.equal(pagesOf(20, 20), 1);
    assert.equal(pagesOf(21, 20), 2);
  });
});
