import assert from "node:assert/strict";
import { pbkdf2Sync } from "node:crypto";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  apiKeyHashNeedsUpgrade,
  generateApiKey,
  hashApiKeySecret,
  verifyApiKeySecret,
} from "./index.ts";

describe("API key secret hashing", () => {
  it("stores a named SHA-256 digest, never the secret", () => {
    const { secret } = generateApiKey();
    const stored = hashApiKeySecret(secret);
    assert.match(stored, /^SHA256\$[A-Za-z0-9_-]{43}$/);
    assert.ok(!stored.includes(secret));
    assert.equal(hashApiKeySecret(secret), stored);
    assert.equal(apiKeyHashNeedsUpgrade(stored), false);
  });

  it("has a fixed vector", () => {
    // SHA-256("abc") per FIPS 180-2, base64url.
    assert.equal(hashApiKeySecret("abc"), "SHA256$ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
  });

  it("verifies the right secret and only it", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), async (secret, other) => {
        const stored = hashApiKeySecret(secret);
        assert.equal(await verifyApiKeySecret(secret, stored), true);
        if (other !== secret) assert.equal(await verifyApiKeySecret(other, stored), false);
      }),
    );
  });

  it("never matches malformed stored hashes", async () => {
    const { secret } = generateApiKey();
    const good = hashApiKeySecret(secret);
    for (const stored of ["", secret, "SHA256$", good.slice(0, -2), `${good}AA`, "sha256$x"]) {
      assert.equal(await verifyApiKeySecret(secret, stored), false, stored);
    }
  });

  it("verifies The Things Stack's PBKDF2 hashes of migrated keys and asks to upgrade them", async () => {
    const { secret } = generateApiKey();
    const salt = "Zl3pQ0aT9mN4xY7c";
    const key = pbkdf2Sync(secret, salt, 20000, 32, "sha256").toString("base64url");
    const stored = `PBKDF2$sha256$20000$${salt}$${key}`;
    assert.equal(await verifyApiKeySecret(secret, stored), true);
    assert.equal(await verifyApiKeySecret(generateApiKey().secret, stored), false);
    assert.equal(apiKeyHashNeedsUpgrade(stored), true);
  });
});
