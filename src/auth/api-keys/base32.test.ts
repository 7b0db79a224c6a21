import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { base32Length, encodeBase32 } from "./base32.ts";

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function decode(text: string): Uint8Array {
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of text) {
    buffer = (buffer << 5) | alphabet.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((buffer >> bits) & 0xff);
    }
  }
  return Uint8Array.from(out);
}

describe("base32", () => {
  it("matches the RFC 4648 §10 test vectors without padding", () => {
    const vectors: [string, string][] = [
      ["", ""],
      ["f", "MY"],
      ["fo", "MZXQ"],
      ["foo", "MZXW6"],
      ["foob", "MZXW6YQ"],
      ["fooba", "MZXW6YTB"],
      ["foobar", "MZXW6YTBOI"],
    ];
    for (const [plain, encoded] of vectors) {
      assert.equal(encodeBase32(new TextEncoder().encode(plain)), encoded);
    }
  });

  it("round-trips and has the computed length", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const text = encodeBase32(bytes);
        assert.equal(text.length, base32Length(bytes.length));
        assert.match(text, /^[A-Z2-7]*$/);
        assert.deepEqual(decode(text), bytes);
      }),
    );
  });
});
