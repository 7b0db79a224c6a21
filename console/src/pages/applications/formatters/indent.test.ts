import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { indent } from "./indent.ts";

describe("code editor indentation", () => {
  it("inserts two spaces at the cursor on Tab", () => {
    assert.deepEqual(indent({ text: "ab", selectionStart: 1, selectionEnd: 1 }, false), {
      text: "a  b",
      selectionStart: 3,
      selectionEnd: 3,
    });
  });
  it("indents and outdents every selected line", () => {
    const text = "a\nb\nc";
    const indented = indent({ text, selectionStart: 0, selectionEnd: 3 }, false);
    assert.deepEqual(indented, { text: "  a\n  b\nc", selectionStart: 2, selectionEnd: 7 });
    const outdented = indent(indented, true);
    assert.deepEqual(outdented, { text, selectionStart: 0, selectionEnd: 3 });
  });
  it("outdents a line with less than one unit, and leaves unindented lines alone", () => {
    assert.deepEqual(indent({ text: " x\ny", selectionStart: 1, selectionEnd: 4 }, true), {
      text: "x\ny",
      selectionStart: 0,
      selectionEnd: 3,
    });
  });
});
