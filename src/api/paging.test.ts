import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { errLimitTooLarge, requestedPage } from "./paging.ts";

describe("paging of List and Search calls", () => {
  it("gives a page of 100 when no limit is asked, and counts pages from 1", () => {
    assert.deepEqual(requestedPage({ limit: 0, page: 0 }), { limit: 100, page: 1 });
    assert.deepEqual(requestedPage({ limit: 0, page: 3 }), { limit: 100, page: 3 });
    assert.deepEqual(requestedPage({ limit: 5, page: 1 }), { limit: 5, page: 1 });
    assert.deepEqual(requestedPage({ limit: 1000, page: 2 }), { limit: 1000, page: 2 });
  });

  it("rejects a limit above 1000 as invalid, naming the limit", () => {
    assert.throws(
      () => requestedPage({ limit: 1001, page: 1 }),
      (error: unknown) =>
        errLimitTooLarge.matches(error) &&
        error.httpStatus === 400 &&
        error.message === "invalid `limit`: 1001 is more than the maximum of 1000",
    );
  });
});
