import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { decodeBase64, encodeBase64 } from "./base64.ts";

describe("semtech-udp base64", () => {
  it("decodes what Node encodes, padded, unpadded and URL-safe", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const padded = encodeBase64(bytes);
        assert.deepEqual(decodeBase64(padded), bytes);
        assert.deepEqual(decodeBase64(padded.replace(/=+$/, "")), bytes);
        assert.deepEqual(decodeBase64(Buffer.from(bytes).toString("base64url")), bytes);
      }),
      { numRuns: 2000 },
    );
  });

  it("refuses other characters, a lone last character and padding that does not fit", () => {
    for (const text of [
      "A",
      "AQI==",
      "AQ=",
      "A===",
      "=",
      "AQ=I",
      "AQ I",
      "AQ\u00e9=",
      "AQI*",
      "====",
      "AB==",
    ]) {
      assert.deepEqual(decodeBase64(text), text === "AB==" ? Uint8Array.of(0) : undefined, text);
    }
    assert.deepEqual(decodeBase64(""), new Uint8Array(0));
  });

  it("agrees with Node on every string of valid characters", () => {
    const characters = "AB+/-_=z9";
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...characters), maxLength: 12 }), (text) => {
        const decoded = decodeBase64(text);
        if (decoded !== undefined) {
          const normal = text.replace(/-/g, "+").replace(/_/g, "/");
          assert.deepEqual(decoded, new Uint8Array(Buffer.from(normal, "base64")), text);
        }
      }),
      { numRuns: 5000 },
    );
  });
});
