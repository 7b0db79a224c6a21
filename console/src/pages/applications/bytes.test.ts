import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { base64ToHex, bytesToBase64, parseFPort, parseHex } from "./bytes.ts";

describe("payload bytes typed as hex", () => {
  it("reads hex with or without spaces and a 0x prefix, and writes base64", () => {
    const parsed = parseHex("01 0a FF");
    assert.ok("bytes" in parsed);
    assert.deepEqual([...parsed.bytes], [1, 10, 255]);
    assert.equal(bytesToBase64(parsed.bytes), "AQr/");
    const prefixed = parseHex("0x010aff");
    assert.ok("bytes" in prefixed);
    assert.equal(bytesToBase64(prefixed.bytes), "AQr/");
    assert.equal(base64ToHex("AQr/"), "01 0A FF");
    const empty = parseHex("");
    assert.ok("bytes" in empty && empty.bytes.length === 0);
  });
  it("refuses odd lengths and non-hex characters with a sentence", () => {
    assert.deepEqual(parseHex("abc"), { error: "An even number of hex digits (two per byte)" });
    assert.deepEqual(parseHex("zz"), { error: "Only hex digits (0-9, a-f) and spaces" });
    assert.equal(base64ToHex("%%%"), "");
  });
  it("takes FPorts 1 to 223 only", () => {
    assert.deepEqual(parseFPort("1"), { fPort: 1 });
    assert.deepEqual(parseFPort(" 223 "), { fPort: 223 });
    for (const bad of ["0", "224", "-1", "1.5", "x", ""])
      assert.ok("error" in parseFPort(bad), bad);
  });
});
