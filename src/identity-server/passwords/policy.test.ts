import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ErrorDefinition } from "../../errors/index.ts";
import {
  defaultPasswordPolicy,
  errCommonPassword,
  errPasswordContainsUserId,
  errPasswordDigits,
  errPasswordMaxLength,
  errPasswordMinLength,
  errPasswordSpecial,
  errPasswordUppercase,
  type PasswordPolicy,
  validatePassword,
} from "./index.ts";

function rejects(definition: ErrorDefinition, password: string, policy?: PasswordPolicy) {
  assert.throws(
    () => validatePassword(password, { policy, userId: "alice-1" }),
    (err) => definition.matches(err) && err.code === "invalid_argument",
    password,
  );
}

describe("password policy", () => {
  it("has The Things Stack's defaults", () => {
    assert.equal(defaultPasswordPolicy.minLength, 8);
    assert.equal(defaultPasswordPolicy.maxLength, 1000);
    assert.equal(defaultPasswordPolicy.minUppercase, 1);
    assert.equal(defaultPasswordPolicy.minDigits, 1);
    assert.equal(defaultPasswordPolicy.minSpecial, 0);
  });

  it("accepts passwords that meet the default rules", () => {
    for (const ok of ["Abcdefg1", "       1A", "ĀaaAAA123 ", `A1${"x".repeat(998)}`]) {
      validatePassword(ok);
    }
  });

  it("names the rule a password breaks", () => {
    rejects(errPasswordMinLength, "Abcdef1");
    rejects(errPasswordMaxLength, `A1${"x".repeat(999)}`);
    rejects(errPasswordUppercase, "abcdefg1");
    rejects(errPasswordDigits, "Abcdefgh");
    const err = (() => {
      try {
        validatePassword("Abc1");
      } catch (e) {
        return e;
      }
    })();
    assert.ok(errPasswordMinLength.matches(err));
    assert.equal(err.attributes.n, 8);
    assert.equal(err.message, "password must be at least 8 characters long");
  });

  it("counts length in UTF-8 bytes like The Things Stack", () => {
    validatePassword("ĀĀĀĀ1"); // 4 × 2 bytes + 1 = 9 bytes, 5 characters.
    rejects(errPasswordMaxLength, `A1${"é".repeat(500)}`);
  });

  it("applies the optional rules", () => {
    const strict: PasswordPolicy = {
      ...defaultPasswordPolicy,
      minSpecial: 1,
      rejectUserId: true,
      commonPasswords: new Set(["password1!a"]),
    };
    rejects(errPasswordSpecial, "Abcdefg12", strict);
    validatePassword("Abcdefg1 ", { policy: strict }); // A space is special.
    rejects(errPasswordContainsUserId, "xxALICE-1yy!", strict);
    rejects(errCommonPassword, "PASSWORD1!A", strict);
    validatePassword("Correct horse 1", { policy: strict, userId: "alice-1" });
  });
});
