import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fCntCandidates, fullFCnt } from "./frame-counter.ts";

describe("fullFCnt", () => {
  const cases: {
    name: string;
    fCnt: number;
    last: number;
    bits32: boolean;
    want: number | undefined;
  }[] = [
    { name: "first frame", fCnt: 0, last: 0, bits32: true, want: 0 },
    { name: "same block", fCnt: 0x0005, last: 0x10003, bits32: true, want: 0x10005 },
    { name: "rollover 65535 → 65536", fCnt: 0, last: 65535, bits32: true, want: 65536 },
    { name: "retransmission", fCnt: 7, last: 7, bits32: true, want: 7 },
    { name: "16-bit device: the field as is", fCnt: 3, last: 65535, bits32: false, want: 3 },
    { name: "past 2^32-1", fCnt: 0, last: 0xffffffff, bits32: true, want: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(fullFCnt(c.fCnt, c.last, c.bits32), c.want));
  }
});

describe("fCntCandidates", () => {
  it("adds the field as is for devices that reset their counter", () => {
    assert.deepEqual(fCntCandidates(1, 500, { supports32BitFCnt: true, resetsFCnt: true }), [
      { fCnt: 65537, reset: false },
      { fCnt: 1, reset: true },
    ]);
  });
  it("adds the field in the last counter's epoch when it is below the last counter (a replay)", () => {
    assert.deepEqual(fCntCandidates(1, 70_000, { supports32BitFCnt: true, resetsFCnt: false }), [
      { fCnt: 131_073, reset: false },
      { fCnt: 65_537, reset: false },
    ]);
    assert.deepEqual(fCntCandidates(1, 0, { supports32BitFCnt: true, resetsFCnt: false }), [
      { fCnt: 1, reset: false },
    ]);
  });
  it("does not repeat a candidate", () => {
    assert.deepEqual(fCntCandidates(600, 500, { supports32BitFCnt: true, resetsFCnt: true }), [
      { fCnt: 600, reset: false },
    ]);
  });
  it("is empty when the 32-bit counter is used up and the device does not reset", () => {
    assert.deepEqual(
      fCntCandidates(0, 0xffffffff, { supports32BitFCnt: true, resetsFCnt: false }),
      [],
    );
  });
});
