import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { errInvalidId, type IdKind, idFields, isValidId, validateId } from "./index.ts";

const kinds = Object.keys(idFields) as IdKind[];

describe("IDs", () => {
  it("accepts valid IDs", () => {
    for (const id of ["abc", "a-bc", "my-app-1", "000", "eui-70b3d57ed0000000", "a".repeat(36)]) {
      assert.ok(isValidId(id), id);
      for (const kind of kinds) validateId(kind, id);
    }
  });

  it("rejects invalid IDs", () => {
    for (const id of [
      "",
      "ab",
      "a-",
      "a-b",
      "a-b-",
      "-ab",
      "ab-",
      "a--b",
      "Abc",
      "ab_c",
      "ab.c",
      "ab c",
      "ábc",
      "abc\n",
      "a".repeat(37),
    ]) {
      assert.ok(!isValidId(id), JSON.stringify(id));
    }
  });

  it("names the field and value in the error", () => {
    assert.throws(
      () => validateId("application", "My_App"),
      (err) =>
        errInvalidId.matches(err) &&
        err.code === "invalid_argument" &&
        err.attributes.field === "application_id" &&
        err.attributes.value === "My_App" &&
        err.message.startsWith("invalid application_id `My_App`"),
    );
    assert.equal(idFields.device, "device_id");
    assert.equal(idFields.organization, "organization_id");
  });

  it("agrees with a description of the rule", () => {
    const char = fc.constantFrom(..."abz09-A_.");
    fc.assert(
      fc.property(fc.string({ unit: char, maxLength: 40 }), (id) => {
        // Dashes do not count towards the minimum of three.
        const expected =
          id.replaceAll("-", "").length >= 3 &&
          id.length <= 36 &&
          /^[a-z0-9-]+$/.test(id) &&
          !id.startsWith("-") &&
          !id.endsWith("-") &&
          !id.includes("--");
        assert.equal(isValidId(id), expected, id);
      }),
    );
  });
});
