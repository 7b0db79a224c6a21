import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  apiKeyIdLength,
  apiKeyPrefix,
  apiKeySecretLength,
  errMalformedApiKey,
  formatApiKey,
  generateApiKey,
  isApiKeyToken,
  parseApiKey,
} from "./index.ts";

const tokenPattern = /^NNSXS\.[A-Z2-7]{39}\.[A-Z2-7]{52}$/;
const base32Char = fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");

function assertMalformed(token: string) {
  assert.throws(
    () => parseApiKey(token),
    (err) =>
      errMalformedApiKey.matches(err) &&
      err.code === "unauthenticated" &&
      err.httpStatus === 401 &&
      (token.length < 8 || !err.message.includes(token)),
    token,
  );
}

describe("API key format", () => {
  it("uses The Things Stack's prefix and lengths", () => {
    assert.equal(apiKeyPrefix, "NNSXS");
    assert.equal(apiKeyIdLength, 39);
    assert.equal(apiKeySecretLength, 52);
  });

  it("generates tokens that parse back to their parts", () => {
    const key = generateApiKey();
    assert.match(key.token, tokenPattern);
    assert.equal(key.token, formatApiKey(key.id, key.secret));
    assert.deepEqual(parseApiKey(key.token), { id: key.id, secret: key.secret });
    assert.ok(isApiKeyToken(key.token));
    assert.ok(!isApiKeyToken("MFRWG.AAAA.BBBB"));
  });

  it("never repeats IDs or secrets", () => {
    const ids = new Set<string>();
    const secrets = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const key = generateApiKey();
      ids.add(key.id);
      secrets.add(key.secret);
    }
    assert.equal(ids.size, 2000);
    assert.equal(secrets.size, 2000);
  });

  it("accepts any well-formed token", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: base32Char, minLength: 39, maxLength: 39 }),
        fc.string({ unit: base32Char, minLength: 52, maxLength: 52 }),
        (id, secret) => {
          assert.deepEqual(parseApiKey(`NNSXS.${id}.${secret}`), { id, secret });
        },
      ),
    );
  });

  it("rejects malformed tokens with unauthenticated", () => {
    const { id, secret } = generateApiKey();
    for (const token of [
      "",
      "NNSXS",
      `NNSXS.${id}`,
      `NNSXS.${id}.${secret}.x`,
      `MFRWG.${id}.${secret}`,
      `nnsxs.${id}.${secret}`,
      `NNSXS.${id.toLowerCase()}.${secret}`,
      `NNSXS.${id}.${secret.slice(1)}`,
      `NNSXS.${id}A.${secret}`,
      `NNSXS.${id.slice(0, -1)}1.${secret}`,
      `NNSXS.${id}.${secret.slice(0, -1)}=`,
      ` NNSXS.${id}.${secret}`,
      `Bearer NNSXS.${id}.${secret}`,
    ]) {
      assertMalformed(token);
    }
  });

  it("rejects arbitrary strings that are not the format", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (token) => {
        fc.pre(!tokenPattern.test(token));
        assertMalformed(token);
      }),
    );
  });
});
