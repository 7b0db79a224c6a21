import assert from "node:assert/strict";
import { createCipheriv } from "node:crypto";
import { describe, it } from "node:test";
import fc from "fast-check";
import { AesKey } from "./aes-key.ts";
import { errInvalidBlockLength, errInvalidKeyLength } from "./errors.ts";
import {
  AES_KEY_CACHE_CAPACITY,
  aesKey,
  aesKeyCacheSize,
  clearAesKeyCache,
  hashKey,
  key128,
} from "./key-cache.ts";

const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "hex"));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

/** RFC 4493 §4 test vectors (AES-128 key 2b7e1516...). */
const RFC4493 = {
  key: "2b7e151628aed2a6abf7158809cf4f3c",
  message64:
    "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
  examples: [
    { name: "Example 1: len = 0", length: 0, tag: "bb1d6929e95937287fa37d129b756746" },
    { name: "Example 2: len = 16", length: 16, tag: "070a16b46b4d4144f79bdd9dd04a287c" },
    { name: "Example 3: len = 40", length: 40, tag: "dfa66747de9ae63030ca32611497c827" },
    { name: "Example 4: len = 64", length: 64, tag: "51f0bebf7e3b9d92fc49741779363cfe" },
  ],
};

/** A textbook CMAC (RFC 4493 §2.4) on one-shot ECB encryptions, as an oracle for the fast one. */
function referenceCmac(key: Uint8Array, message: Uint8Array): Uint8Array {
  const aes = (block: Uint8Array): Uint8Array => {
    const cipher = createCipheriv(`aes-${key.length * 8}-ecb`, key, null);
    cipher.setAutoPadding(false);
    return new Uint8Array(cipher.update(block));
  };
  const dbl = (x: Uint8Array): Uint8Array => {
    const out = new Uint8Array(16);
    for (let i = 0; i < 16; i++) out[i] = (((x[i] ?? 0) << 1) | ((x[i + 1] ?? 0) >> 7)) & 0xff;
    if (((x[0] ?? 0) & 0x80) !== 0) out[15] = (out[15] ?? 0) ^ 0x87;
    return out;
  };
  const k1 = dbl(aes(new Uint8Array(16)));
  const k2 = dbl(k1);
  const n = Math.max(1, Math.ceil(message.length / 16));
  const complete = message.length > 0 && message.length % 16 === 0;
  let x: Uint8Array = new Uint8Array(16);
  for (let b = 0; b < n; b++) {
    const block = new Uint8Array(16);
    const chunk = message.subarray(b * 16, b * 16 + 16);
    block.set(chunk);
    if (b === n - 1) {
      if (!complete) block[chunk.length] = 0x80;
      const k = complete ? k1 : k2;
      for (let i = 0; i < 16; i++) block[i] = (block[i] ?? 0) ^ (k[i] ?? 0);
    }
    for (let i = 0; i < 16; i++) block[i] = (block[i] ?? 0) ^ (x[i] ?? 0);
    x = aes(block);
  }
  return x;
}

describe("AES-CMAC", () => {
  const key = hex(RFC4493.key);
  const message = hex(RFC4493.message64);
  for (const example of RFC4493.examples) {
    it(`matches RFC 4493 ${example.name}`, () => {
      const tag = new AesKey(key).cmac(message.subarray(0, example.length));
      assert.equal(toHex(tag), example.tag);
    });
  }

  it("gives the same tag for prefix || data as for the concatenation", () => {
    const aes = new AesKey(key);
    for (let split = 0; split <= 64; split += 5) {
      const tag = aes.cmac(message.subarray(split), message.subarray(0, split));
      assert.equal(toHex(tag), RFC4493.examples[3]?.tag);
    }
  });

  it("writes and compares truncated tags", () => {
    const aes = new AesKey(key);
    const target = new Uint8Array(6);
    aes.cmacInto(target, 1, 4, message.subarray(0, 16));
    assert.equal(toHex(target), "00070a16b400");
    assert.equal(aes.cmacEquals(hex("070a16b4"), 0, 4, message.subarray(0, 16)), true);
    assert.equal(aes.cmacEquals(hex("070a16b5"), 0, 4, message.subarray(0, 16)), false);
  });

  it("handles messages longer than the shared scratch buffer", () => {
    const long = new Uint8Array(1000).map((_, i) => i * 7);
    assert.equal(toHex(new AesKey(key).cmac(long)), toHex(referenceCmac(key, long)));
  });

  it("equals a textbook CMAC for random keys, sizes and messages, interleaved across keys", () => {
    // Interleaving several keys and lengths checks that each key's CBC chaining value is kept.
    const keys = [new AesKey(key), new AesKey(hex("000102030405060708090a0b0c0d0e0f"))];
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            which: fc.integer({ min: 0, max: 2 }),
            raw: fc.uint8Array({ minLength: 16, maxLength: 16 }),
            message: fc.uint8Array({ minLength: 0, maxLength: 300 }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        (steps) => {
          for (const { which, raw, message: m } of steps) {
            const context = which < 2 ? keys[which] : new AesKey(raw);
            const k =
              which === 0 ? key : which === 1 ? hex("000102030405060708090a0b0c0d0e0f") : raw;
            assert.ok(context);
            assert.equal(toHex(context.cmac(m)), toHex(referenceCmac(k, m)));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it("works with AES-192 and AES-256 keys too", () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(24, 32)
          .chain((size) => fc.uint8Array({ minLength: size, maxLength: size })),
        fc.uint8Array({ maxLength: 70 }),
        (k, m) => {
          assert.equal(toHex(new AesKey(k).cmac(m)), toHex(referenceCmac(k, m)));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("AES block operations", () => {
  it("encrypts and decrypts the FIPS-197 Appendix C vectors", () => {
    const plain = hex("00112233445566778899aabbccddeeff");
    const cases = [
      { key: "000102030405060708090a0b0c0d0e0f", cipher: "69c4e0d86a7b0430d8cdb78070b4c55a" },
      {
        key: "000102030405060708090a0b0c0d0e0f1011121314151617",
        cipher: "dda97ca4864cdfe06eaf70a0ec0d7191",
      },
      {
        key: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
        cipher: "8ea2b7ca516745bfeafc49904b496089",
      },
    ];
    for (const { key, cipher } of cases) {
      const aes = new AesKey(hex(key));
      assert.equal(toHex(aes.encrypt(plain)), cipher);
      assert.equal(toHex(aes.decrypt(hex(cipher))), toHex(plain));
    }
  });

  it("encrypts several blocks independently (ECB) and returns plain Uint8Arrays", () => {
    const aes = new AesKey(hex("000102030405060708090a0b0c0d0e0f"));
    const two = hex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    const out = aes.encrypt(two);
    assert.equal(toHex(out), "69c4e0d86a7b0430d8cdb78070b4c55a".repeat(2));
    assert.equal(Object.getPrototypeOf(out), Uint8Array.prototype);
    assert.equal(out.buffer.byteLength, 32);
  });

  it("rejects partial blocks and bad key sizes with typed errors", () => {
    const aes = new AesKey(new Uint8Array(16));
    assert.throws(
      () => aes.encrypt(new Uint8Array(15)),
      (e) => errInvalidBlockLength.matches(e),
    );
    assert.throws(
      () => aes.decrypt(new Uint8Array(17)),
      (e) => errInvalidBlockLength.matches(e),
    );
    for (const size of [0, 8, 15, 17, 33]) {
      assert.throws(
        () => new AesKey(new Uint8Array(size)),
        (e) => errInvalidKeyLength.matches(e),
      );
    }
  });

  it("keeps its own copy of the key bytes", () => {
    const raw = hex("000102030405060708090a0b0c0d0e0f");
    const aes = new AesKey(raw);
    raw.fill(0);
    assert.equal(
      toHex(aes.encrypt(hex("00112233445566778899aabbccddeeff"))),
      "69c4e0d86a7b0430d8cdb78070b4c55a",
    );
  });
});

describe("key cache", () => {
  it("returns one context per key value", () => {
    clearAesKeyCache();
    const a = aesKey(hex("000102030405060708090a0b0c0d0e0f"));
    const b = aesKey(hex("000102030405060708090a0b0c0d0e0f"));
    const c = aesKey(hex("000102030405060708090a0b0c0d0e00"));
    assert.equal(a, b);
    assert.notEqual(a, c);
    assert.equal(aesKeyCacheSize(), 2);
  });

  it("holds at most its capacity, dropping the oldest entries", () => {
    clearAesKeyCache();
    const first = aesKey(new Uint8Array(16));
    for (let i = 1; i <= AES_KEY_CACHE_CAPACITY; i++) {
      const k = new Uint8Array(16);
      new DataView(k.buffer).setUint32(0, i);
      aesKey(k);
    }
    assert.equal(aesKeyCacheSize(), AES_KEY_CACHE_CAPACITY);
    assert.notEqual(aesKey(new Uint8Array(16)), first, "the oldest entry was dropped");
    clearAesKeyCache();
    assert.equal(aesKeyCacheSize(), 0);
  });

  it("keeps keys whose hashes collide apart", () => {
    // Birthday search over pseudo-random keys for two with the same 30-bit hash (about
    // 40,000 tries expected).
    const seen = new Map<number, Uint8Array>();
    let pair: [Uint8Array, Uint8Array] | undefined;
    let state = 0x2545f491;
    for (let i = 0; pair === undefined && i < 1_000_000; i++) {
      const k = new Uint8Array(16);
      const view = new DataView(k.buffer);
      for (let w = 0; w < 16; w += 4) {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        view.setUint32(w, state >>> 0);
      }
      const h = hashKey(k);
      const earlier = seen.get(h);
      if (earlier !== undefined) pair = [earlier, k];
      else seen.set(h, k);
    }
    assert.ok(pair, "found a collision");
    clearAesKeyCache();
    const [a, b] = pair;
    const contextA = aesKey(a);
    const contextB = aesKey(b);
    assert.notEqual(contextA, contextB);
    assert.equal(aesKey(a), contextA);
    assert.equal(aesKey(b), contextB);
    assert.equal(contextB.hasKey(b), true);
    assert.equal(contextB.hasKey(a), false);
    for (let i = 0; i < AES_KEY_CACHE_CAPACITY - 1; i++)
      aesKey(new Uint8Array(16).fill(i % 256).map((x, j) => (j === 0 ? i >> 8 : x)));
    assert.equal(aesKeyCacheSize(), AES_KEY_CACHE_CAPACITY, "a was evicted, b kept");
    assert.equal(aesKey(b), contextB);
    assert.notEqual(aesKey(a), contextA);
    clearAesKeyCache();
  });

  it("tells 24- and 32-byte keys apart from 16-byte ones and accepts contexts as they are", () => {
    const k16 = new AesKey(new Uint8Array(16));
    assert.equal(key128("NwkSKey", k16), k16);
    assert.throws(
      () => key128("NwkSKey", new Uint8Array(32)),
      (e) => errInvalidKeyLength.matches(e) && e.message.includes("NwkSKey"),
    );
    assert.throws(
      () => key128("NwkSKey", new AesKey(new Uint8Array(24))),
      (e) => errInvalidKeyLength.matches(e),
    );
    assert.notEqual(aesKey(new Uint8Array(24)), aesKey(new Uint8Array(32)));
  });
});
