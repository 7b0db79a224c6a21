import assert from "node:assert/strict";
import { pbkdf2Sync } from "node:crypto";
import { describe, it } from "node:test";
import { isPbkdf2Hash, verifyPassword, verifyPbkdf2 } from "./index.ts";

// RFC 7914 §11, PBKDF2-HMAC-SHA256 test vector: P = "passwd", S = "salt", c = 1, dkLen = 64.
const rfc7914Key = Buffer.from(
  "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc" +
    "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783",
  "hex",
);
// The same vector in The Things Stack's stored format: PBKDF2$algorithm$iterations$salt$key.
const rfc7914Stored = `PBKDF2$sha256$1$salt$${rfc7914Key.toString("base64url")}`;

describe("legacy PBKDF2 hashes", () => {
  it("verifies the RFC 7914 vector in The Things Stack's format", async () => {
    assert.ok(isPbkdf2Hash(rfc7914Stored));
    assert.equal(await verifyPbkdf2("passwd", rfc7914Stored), true);
    assert.equal(await verifyPbkdf2("passwe", rfc7914Stored), false);
    assert.equal(await verifyPassword("passwd", rfc7914Stored), true);
  });

  it("verifies hashes shaped like The Things Stack's defaults", async () => {
    // 16-character salt used as text, 20000 iterations, 32-byte key.
    const salt = "q8MZ2y0lAfZPdFc1";
    for (const algorithm of ["sha256", "sha512"] as const) {
      const key = pbkdf2Sync("secret-Passw0rd", salt, 20000, 32, algorithm).toString("base64url");
      const stored = `PBKDF2$${algorithm}$20000$${salt}$${key}`;
      assert.equal(await verifyPbkdf2("secret-Passw0rd", stored), true);
      assert.equal(await verifyPbkdf2("secret-Passw0rD", stored), false);
    }
  });

  it("treats malformed hashes as a mismatch", async () => {
    const key = rfc7914Key.toString("base64url");
    for (const stored of [
      "",
      "PBKDF2",
      `PBKDF2$md5$1$salt$${key}`,
      `PBKDF2$sha256$0$salt$${key}`,
      `PBKDF2$sha256$x$salt$${key}`,
      `PBKDF2$sha256$99999999999$salt$${key}`,
      `PBKDF2$sha256$1$$${key}`,
      "PBKDF2$sha256$1$salt$",
      `PBKDF2$sha256$1$salt$${key}=`,
      `PBKDF2$sha256$1$salt$${key}$extra`,
      `BCRYPT$sha256$1$salt$${key}`,
    ]) {
      assert.equal(await verifyPbkdf2("passwd", stored), false, stored);
      assert.equal(await verifyPassword("passwd", stored), false, stored);
    }
  });
});
