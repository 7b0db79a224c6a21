import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { errFCntExhausted, errInvalidFieldValue } from "./errors.ts";
import { fCntGap, fCntGapExceeds, MAX_FCNT_GAP_10, reconstructFCnt } from "./frame-counter.ts";

describe("reconstructFCnt", () => {
  const cases = [
    { name: "first frame of a session", last: 0, fCnt16: 0, full: 0 },
    { name: "next frame", last: 41, fCnt16: 42, full: 42 },
    { name: "retransmission keeps the counter", last: 42, fCnt16: 42, full: 42 },
    { name: "frames lost in between", last: 42, fCnt16: 1042, full: 1042 },
    { name: "rollover of the low 16 bits", last: 0xfffe, fCnt16: 0x0001, full: 0x1_0001 },
    { name: "in a later 65,536 block", last: 0x3_fff0, fCnt16: 0xfff5, full: 0x3_fff5 },
    { name: "rollover from a later block", last: 0x3_fff0, fCnt16: 0x0002, full: 0x4_0002 },
    { name: "up to the 32-bit maximum", last: 0xffff_fff0, fCnt16: 0xffff, full: 0xffff_ffff },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(reconstructFCnt(c.last, c.fCnt16), c.full));
  }

  it("throws a typed error instead of passing 2^32-1", () => {
    assert.throws(
      () => reconstructFCnt(0xffff_fff0, 0x0001),
      (e) => errFCntExhausted.matches(e),
    );
  });

  it("rejects counters out of range", () => {
    const value = (e: unknown) => errInvalidFieldValue.matches(e);
    assert.throws(() => reconstructFCnt(0, 0x1_0000), value);
    assert.throws(() => reconstructFCnt(-1, 0), value);
    assert.throws(() => reconstructFCnt(2 ** 32, 0), value);
    assert.throws(() => reconstructFCnt(0.5, 0), value);
  });

  it("recovers any counter from 0 to 65,535 ahead of the last one", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff_ffff - 0xffff }),
        fc.integer({ min: 0, max: 0xffff }),
        (last, ahead) => {
          const full = last + ahead;
          assert.equal(reconstructFCnt(last, full % 0x10000), full);
        },
      ),
      { numRuns: 5000 },
    );
  });
});

describe("frame counter gap", () => {
  it("measures the gap and flags gaps over the maximum", () => {
    assert.equal(fCntGap(10, 10), 0);
    assert.equal(fCntGap(10, 5), -5);
    assert.equal(fCntGap(0x1_0000, 0x1_0010), 16);
    assert.equal(fCntGapExceeds(0, MAX_FCNT_GAP_10, MAX_FCNT_GAP_10), false);
    assert.equal(fCntGapExceeds(0, MAX_FCNT_GAP_10 + 1, MAX_FCNT_GAP_10), true);
    const last = 0xfff0;
    assert.equal(fCntGapExceeds(last, reconstructFCnt(last, 0x0005), MAX_FCNT_GAP_10), false);
    assert.equal(fCntGapExceeds(100, 50, 10), false, "an older frame is not a gap");
  });

  it("rejects a negative maximum", () => {
    assert.throws(
      () => fCntGapExceeds(0, 1, -1),
      (e) => errInvalidFieldValue.matches(e),
    );
  });
});
