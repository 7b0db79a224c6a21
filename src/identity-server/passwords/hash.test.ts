import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hashPassword, passwordNeedsRehash, verifyPassword } from "./index.ts";

describe("password hashing", () => {
  it("hashes with argon2id and verifies", async () => {
    const stored = await hashPassword("Correct horse 1");
    assert.match(stored, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    assert.equal(await verifyPassword("Correct horse 1", stored), true);
    assert.equal(await verifyPassword("Correct horse 2", stored), false);
    assert.equal(passwordNeedsRehash(stored), false);
  });

  it("salts every hash", async () => {
    assert.notEqual(await hashPassword("same"), await hashPassword("same"));
  });

  it("treats malformed stored hashes as a mismatch instead of throwing", async () => {
    const good = await hashPassword("pw");
    for (const stored of [
      "",
      "plain-text",
      "$argon2id$",
      "$argon2id$v=19$m=19456,t=2,p=1$AAAA$BBBB",
      good.slice(0, -5),
      good.replace("m=19456", "m=0"),
      good.replace("$argon2id$", "$argon2i$"),
    ]) {
      assert.equal(await verifyPassword("pw", stored), false, stored);
    }
  });

  it("asks for a rehash of weaker or foreign hashes", () => {
    assert.ok(passwordNeedsRehash("PBKDF2$sha256$20000$salt$key"));
    assert.ok(passwordNeedsRehash("$argon2id$v=19$m=4096,t=3,p=1$c29tZXNhbHQ$ZGlnZXN0ZGlnZXN0"));
    assert.ok(passwordNeedsRehash("$argon2id$garbage"));
    assert.ok(passwordNeedsRehash(""));
  });
});
