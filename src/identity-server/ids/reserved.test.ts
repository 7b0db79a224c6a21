import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  checkIdNotReserved,
  errForbiddenId,
  isReservedId,
  isValidId,
  reservedIds,
} from "./index.ts";

describe("reserved IDs", () => {
  it("refuses reserved IDs for every registrable kind", () => {
    for (const kind of ["user", "organization", "application", "gateway", "client"] as const) {
      assert.throws(
        () => checkIdNotReserved(kind, "admin"),
        (err) =>
          errForbiddenId.matches(err) &&
          err.code === "invalid_argument" &&
          err.attributes.field === `${kind}_id` &&
          err.attributes.value === "admin",
      );
    }
  });

  it("allows other IDs and IDs that only contain a reserved word", () => {
    checkIdNotReserved("user", "alice");
    checkIdNotReserved("user", "admin-2");
    checkIdNotReserved("application", "my-console");
  });

  it("adds operator-configured IDs", () => {
    const extra = new Set(["acme"]);
    assert.ok(isReservedId("acme", extra));
    assert.ok(!isReservedId("acme"));
    assert.throws(() => checkIdNotReserved("organization", "acme", extra), /reserved/);
  });

  it("only lists IDs that would otherwise be valid", () => {
    for (const id of reservedIds) assert.ok(isValidId(id), id);
  });
});
