import assert from "node:assert/strict";
import { createCipheriv } from "node:crypto";
import { describe, it } from "node:test";
import fc from "fast-check";
import { errInvalidFieldLength, errInvalidKeyLength, errKeyUnwrapIntegrity } from "./errors.ts";
import { unwrapKey, wrapKey } from "./key-wrap.ts";

const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "hex"));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

/** RFC 3394 §4 test vectors. */
const RFC3394 = [
  {
    name: "4.1 128 bits of key data with a 128-bit KEK",
    kek: "000102030405060708090a0b0c0d0e0f",
    keyData: "00112233445566778899aabbccddeeff",
    wrapped: "1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5",
  },
  {
    name: "4.2 128 bits of key data with a 192-bit KEK",
    kek: "000102030405060708090a0b0c0d0e0f1011121314151617",
    keyData: "00112233445566778899aabbccddeeff",
    wrapped: "96778b25ae6ca435f92b5b97c050aed2468ab8a17ad84e5d",
  },
  {
    name: "4.3 128 bits of key data with a 256-bit KEK",
    kek: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
    keyData: "00112233445566778899aabbccddeeff",
    wrapped: "64e8c3f9ce0f5ba263e9777905818a2a93c8191e7d6e8ae7",
  },
  {
    name: "4.4 192 bits of key data with a 192-bit KEK",
    kek: "000102030405060708090a0b0c0d0e0f1011121314151617",
    keyData: "00112233445566778899aabbccddeeff0001020304050607",
    wrapped: "031d33264e15d33268f24ec260743edce1c6c7ddee725a936ba814915c6762d2",
  },
  {
    name: "4.5 192 bits of key data with a 256-bit KEK",
    kek: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
    keyData: "00112233445566778899aabbccddeeff0001020304050607",
    wrapped: "a8f9bc1612c68b3ff6e6f4fbe30e71e4769c8b80a32cb8958cd5d17d6b254da1",
  },
  {
    name: "4.6 256 bits of key data with a 256-bit KEK",
    kek: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
    keyData: "00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f",
    wrapped: "28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21",
  },
];

/** OpenSSL's own RFC 3394 implementation, as an independent oracle. */
function opensslWrap(kek: Uint8Array, keyData: Uint8Array): string {
  const iv = hex("a6a6a6a6a6a6a6a6");
  const cipher = createCipheriv(`id-aes${kek.length * 8}-wrap`, kek, iv);
  return toHex(new Uint8Array(Buffer.concat([cipher.update(keyData), cipher.final()])));
}

describe("RFC 3394 key wrap", () => {
  for (const vector of RFC3394) {
    it(`wraps and unwraps RFC 3394 §${vector.name}`, () => {
      assert.equal(toHex(wrapKey(hex(vector.kek), hex(vector.keyData))), vector.wrapped);
      assert.equal(toHex(unwrapKey(hex(vector.kek), hex(vector.wrapped))), vector.keyData);
    });
  }

  it("fails the integrity check with a typed error for a wrong KEK or altered data", () => {
    const [first] = RFC3394;
    assert.ok(first);
    const wrongKek = hex(first.kek);
    wrongKek[0] = 0xff;
    assert.throws(
      () => unwrapKey(wrongKek, hex(first.wrapped)),
      (e) => errKeyUnwrapIntegrity.matches(e),
    );
    const altered = hex(first.wrapped);
    altered[20] = (altered[20] ?? 0) ^ 0x01;
    assert.throws(
      () => unwrapKey(hex(first.kek), altered),
      (e) => errKeyUnwrapIntegrity.matches(e),
    );
  });

  it("agrees with OpenSSL and round-trips for every KEK size and key length", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(16, 24, 32).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
        fc
          .integer({ min: 2, max: 8 })
          .chain((n) => fc.uint8Array({ minLength: n * 8, maxLength: n * 8 })),
        (kek, keyData) => {
          const wrapped = wrapKey(kek, keyData);
          assert.equal(toHex(wrapped), opensslWrap(kek, keyData));
          assert.equal(toHex(unwrapKey(kek, wrapped)), toHex(keyData));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("rejects malformed lengths with typed errors", () => {
    const kek = new Uint8Array(16);
    assert.throws(
      () => wrapKey(kek, new Uint8Array(8)),
      (e) => errInvalidFieldLength.matches(e),
    );
    assert.throws(
      () => wrapKey(kek, new Uint8Array(20)),
      (e) => errInvalidFieldLength.matches(e),
    );
    assert.throws(
      () => unwrapKey(kek, new Uint8Array(16)),
      (e) => errInvalidFieldLength.matches(e),
    );
    assert.throws(
      () => unwrapKey(kek, new Uint8Array(25)),
      (e) => errInvalidFieldLength.matches(e),
    );
    assert.throws(
      () => wrapKey(new Uint8Array(20), new Uint8Array(16)),
      (e) => errInvalidKeyLength.matches(e),
    );
  });
});
