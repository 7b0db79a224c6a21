import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { errInvalidEmail, isValidEmail, validateEmail } from "./index.ts";

describe("email addresses", () => {
  it("accepts valid addresses", () => {
    for (const email of [
      "daniel@daniel.me",
      "root@localhost",
      "first.last+tag@sub.example.co.uk",
      "o'neil!#$%&*/=?^_`{|}~-@x.io",
      "1@2.3",
      `${"a".repeat(64)}@${"b".repeat(63)}.${"c".repeat(63)}.example`,
    ]) {
      assert.ok(isValidEmail(email), email);
    }
  });

  it("rejects invalid addresses", () => {
    for (const email of [
      "",
      "rootlocalhost.com",
      "@example.com",
      "user@",
      "user@@example.com",
      "user@-example.com",
      "user@example-.com",
      "user@example..com",
      "user@.example.com",
      "user@example.com.",
      "us er@example.com",
      "user@exa mple.com",
      '"quoted"@example.com',
      "user@[127.0.0.1]",
      "jöran@example.com",
      `user@${"a".repeat(64)}.com`,
      `${"a".repeat(250)}@x.io`,
    ]) {
      assert.ok(!isValidEmail(email), email);
    }
  });

  it("names the field in the error", () => {
    assert.throws(
      () => validateEmail("nope"),
      (err) =>
        errInvalidEmail.matches(err) &&
        err.code === "invalid_argument" &&
        err.attributes.field === "primary_email_address" &&
        err.attributes.value === "nope",
    );
    assert.throws(
      () => validateEmail("nope", "email"),
      (err) => errInvalidEmail.matches(err) && err.attributes.field === "email",
    );
  });
});
