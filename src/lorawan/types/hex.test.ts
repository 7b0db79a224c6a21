import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DefinedError } from "../../errors/index.ts";
import { errInvalidHex, errInvalidLength } from "./errors.ts";
import { formatHex, parseHexBytes } from "./hex.ts";

const parse3 = (text: string) => parseHexBytes(text, 3, "Thing", "A1B2C3");
const abc = new Uint8Array([0xa1, 0xb2, 0xc3]);

describe("parseHexBytes", () => {
  it("accepts the forms users type", () => {
    for (const text of [
      "A1B2C3",
      "a1b2c3",
      "A1b2C3",
      "A1-B2-C3",
      "a1:b2:c3",
      "A1 B2 C3",
      "  a1b2c3\n",
      "\tA1-B2-C3 ",
    ]) {
      assert.deepEqual(parse3(text), abc, text);
    }
  });

  it("rejects wrong lengths with invalid_length naming kind and input", () => {
    for (const [text, length] of [
      ["", 0],
      ["A1B2", 2],
      ["A1B2C3D4", 4],
      ["A1-B2", 2],
      ["A1:B2:C3:D4", 4],
    ] as const) {
      assert.throws(
        () => parse3(text),
        (err: unknown) => {
          assert.ok(errInvalidLength.matches(err), `${text}: ${String(err)}`);
          assert.equal(err.code, "invalid_argument");
          assert.equal(err.attributes.kind, "Thing");
          assert.equal(err.attributes.input, text);
          assert.equal(err.attributes.length, length);
          assert.match(err.message, /Thing/);
          return true;
        },
      );
    }
  });

  it("rejects non-hex, odd digits and mixed or misplaced separators with invalid_hex", () => {
    for (const text of [
      "A1B2CG",
      "0xA1B2",
      "A1-B2:C3",
      "A1--B2C3",
      "A1B-2C3",
      "A1B2C",
      "A1_B2_C3",
      "A1.B2.C3",
      "é1b2c3",
      "A1B2C３",
      "A1 -B2C3",
    ]) {
      assert.throws(
        () => parse3(text),
        (err: unknown) => {
          assert.ok(errInvalidHex.matches(err), `${text}: ${String(err)}`);
          assert.equal(err.attributes.kind, "Thing");
          assert.equal(err.attributes.input, text);
          return true;
        },
      );
    }
  });

  it("gives a typed error for non-strings and shortens huge inputs", () => {
    assert.throws(() => parse3(undefined as unknown as string), DefinedError);
    assert.throws(() => parse3(42 as unknown as string), DefinedError);
    assert.throws(
      () => parse3("Z".repeat(100_000)),
      (err: unknown) => err instanceof DefinedError && String(err.attributes.input).length === 65,
    );
  });

  it("handles zero-byte values", () => {
    assert.deepEqual(parseHexBytes(" ", 0, "Empty", ""), new Uint8Array(0));
  });
});

describe("formatHex", () => {
  it("prints upper-case hex without separators", () => {
    assert.equal(formatHex(new Uint8Array([0x00, 0x0a, 0xff, 0x70, 0xb3])), "000AFF70B3");
    assert.equal(formatHex(new Uint8Array(0)), "");
  });

  it("round-trips every byte value", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    assert.deepEqual(parseHexBytes(formatHex(all), 256, "All", ""), all);
    assert.deepEqual(parseHexBytes(formatHex(all).toLowerCase(), 256, "All", ""), all);
  });
});
