import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  assertBytes,
  bytesEqual,
  fromWireOrder,
  readWireOrder,
  reverseBytes,
  toWireOrder,
  writeWireOrder,
} from "./bytes.ts";
import { errInvalidBytes } from "./errors.ts";

describe("wire order", () => {
  const display = new Uint8Array([0x01, 0x02, 0x03, 0x04]);
  const wire = new Uint8Array([0x04, 0x03, 0x02, 0x01]);

  it("reverses into a new array", () => {
    assert.deepEqual(toWireOrder(display), wire);
    assert.deepEqual(fromWireOrder(wire), display);
    assert.deepEqual(reverseBytes(new Uint8Array(0)), new Uint8Array(0));
    assert.notEqual(reverseBytes(display), display);
    assert.deepEqual(display, new Uint8Array([1, 2, 3, 4]), "input untouched");
  });

  it("reads and writes fields inside a frame", () => {
    const frame = new Uint8Array([0xaa, 0x04, 0x03, 0x02, 0x01, 0xbb]);
    assert.deepEqual(readWireOrder(frame, 1, 4), display);
    const out = new Uint8Array(6);
    writeWireOrder(out, 1, display);
    assert.deepEqual(out, new Uint8Array([0, 4, 3, 2, 1, 0]));
  });

  it("compares bytes", () => {
    assert.ok(bytesEqual(display, new Uint8Array([1, 2, 3, 4])));
    assert.ok(!bytesEqual(display, wire));
    assert.ok(!bytesEqual(display, display.subarray(1)));
  });

  it("asserts sizes with a typed error", () => {
    assertBytes(display, 4, "DevAddr");
    assert.throws(
      () => assertBytes(display, 3, "NetID"),
      errInvalidBytes.matches.bind(errInvalidBytes),
    );
    assert.throws(
      () => assertBytes([1, 2, 3], 3, "NetID"),
      (err: unknown) => errInvalidBytes.matches(err) && err.attributes.actual === "object",
    );
  });
});
