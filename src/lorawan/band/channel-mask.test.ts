import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  applyChannelMasks,
  type Band,
  type ChMaskCommand,
  channelMaskSize,
  errChannelNotDefined,
  errInvalidChannelCount,
  errUnsupportedChMaskCntl,
  generateChannelMasks,
  getBand,
} from "./index.ts";

const us = getBand("US_902_928", "RP002-1.0.3");
const us102 = getBand("US_902_928", "1.0.2-b");
const au = getBand("AU_915_928", "RP002-1.0.3");
const cn96 = getBand("CN_470_510", "1.1-b");
const cn64 = getBand("CN_470_510_20_A", "RP002-1.0.3");
const cn48 = getBand("CN_470_510_26_B", "RP002-1.0.3");
const eu = getBand("EU_863_870", "RP002-1.0.3");

/** Channels `from..to` inclusive enabled in a set of `size`. */
function enabled(size: number, ...ranges: [number, number][]): boolean[] {
  const set = new Array<boolean>(size).fill(false);
  for (const [from, to] of ranges) for (let i = from; i <= to; i++) set[i] = true;
  return set;
}

/** US915/AU915 sub-band n (1–8): eight 125 kHz channels and their 500 kHz channel. */
function subBand(n: number): boolean[] {
  return enabled(72, [8 * (n - 1), 8 * n - 1], [63 + n, 63 + n]);
}

const all = (band: Band, value: boolean) => new Array<boolean>(channelMaskSize(band)).fill(value);

describe("generateChannelMasks", () => {
  it("uses ChMaskCntl 5 for a whole sub-band where the version supports it", () => {
    assert.deepEqual(generateChannelMasks(us, subBand(2)), [{ chMask: 0x02, chMaskCntl: 5 }]);
    assert.deepEqual(generateChannelMasks(au, subBand(1)), [{ chMask: 0x01, chMaskCntl: 5 }]);
  });

  it("falls back to ChMaskCntl 7 plus one block before ChMaskCntl 5 existed", () => {
    assert.deepEqual(generateChannelMasks(us102, subBand(2)), [
      { chMask: 0x02, chMaskCntl: 7 },
      { chMask: 0xff00, chMaskCntl: 0 },
    ]);
  });

  it("uses ChMaskCntl 6/7 for all 125 kHz channels on/off with the 500 kHz mask", () => {
    assert.deepEqual(generateChannelMasks(us, all(us, true)), [{ chMask: 0xff, chMaskCntl: 6 }]);
    assert.deepEqual(generateChannelMasks(us, enabled(72, [64, 65])), [
      { chMask: 0x03, chMaskCntl: 7 },
    ]);
  });

  it("combines sub-bands with a correction block", () => {
    // Sub-bands 1 and 2, but only the 500 kHz channel of sub-band 1.
    const desired = enabled(72, [0, 15], [64, 64]);
    const commands = generateChannelMasks(us, desired);
    assert.equal(commands.length, 2);
    assert.deepEqual(applyChannelMasks(us, all(us, true), commands), desired);
  });

  it("only sends the blocks that differ from the known current set", () => {
    const current = subBand(1);
    const desired = [...current];
    desired[3] = false;
    assert.deepEqual(generateChannelMasks(us, desired, current), [
      { chMask: 0x00f7, chMaskCntl: 0 },
    ]);
    // Nothing to change still yields one (re-asserting) command.
    assert.equal(generateChannelMasks(us, current, current).length, 1);
  });

  it("handles CN470 layouts", () => {
    assert.deepEqual(generateChannelMasks(cn96, all(cn96, true)), [{ chMask: 0, chMaskCntl: 6 }]);
    assert.deepEqual(generateChannelMasks(cn96, enabled(96, [0, 15])), [
      { chMask: 0xffff, chMaskCntl: 0 },
      { chMask: 0, chMaskCntl: 1 },
      { chMask: 0, chMaskCntl: 2 },
      { chMask: 0, chMaskCntl: 3 },
      { chMask: 0, chMaskCntl: 4 },
      { chMask: 0, chMaskCntl: 5 },
    ]);
    assert.deepEqual(generateChannelMasks(cn64, enabled(64, [0, 7])), [
      { chMask: 0, chMaskCntl: 7 },
      { chMask: 0x00ff, chMaskCntl: 0 },
    ]);
    assert.deepEqual(generateChannelMasks(cn48, all(cn48, true)), [{ chMask: 0, chMaskCntl: 3 }]);
    assert.deepEqual(generateChannelMasks(cn48, all(cn48, false)), [{ chMask: 0, chMaskCntl: 4 }]);
  });

  it("sends one ChMaskCntl 0 command for dynamic bands", () => {
    assert.deepEqual(generateChannelMasks(eu, [true, true, true, false, true]), [
      { chMask: 0b10111, chMaskCntl: 0 },
    ]);
  });

  it("rejects channel sets of the wrong size", () => {
    assert.throws(
      () => generateChannelMasks(us, all(us, true).slice(1)),
      (error) => errInvalidChannelCount.matches(error),
    );
    assert.throws(
      () => generateChannelMasks(eu, new Array(17).fill(true)),
      (error) => errInvalidChannelCount.matches(error),
    );
  });
});

describe("applyChannelMasks", () => {
  it("applies ChMaskCntl 5 to banks of 125 kHz channels and their 500 kHz channel", () => {
    assert.deepEqual(
      applyChannelMasks(us, all(us, false), [{ chMask: 0x81, chMaskCntl: 5 }]),
      enabled(72, [0, 7], [56, 64], [71, 71]),
    );
  });

  it("rejects reserved ChMaskCntl values", () => {
    const reserved = (band: Band, command: ChMaskCommand) => () =>
      applyChannelMasks(band, all(band, false), [command]);
    const isReserved = (error: unknown) => errUnsupportedChMaskCntl.matches(error);
    assert.throws(reserved(us102, { chMask: 1, chMaskCntl: 5 }), isReserved);
    assert.throws(reserved(cn96, { chMask: 0, chMaskCntl: 7 }), isReserved);
    assert.throws(reserved(cn64, { chMask: 0, chMaskCntl: 4 }), isReserved);
    assert.throws(reserved(cn48, { chMask: 0, chMaskCntl: 6 }), isReserved);
    assert.throws(reserved(eu, { chMask: 0, chMaskCntl: 1 }), isReserved);
  });

  it("turns on the defined channels only with ChMaskCntl 6 on dynamic bands", () => {
    const defined = enabled(16, [0, 4]);
    assert.deepEqual(
      applyChannelMasks(eu, all(eu, false), [{ chMask: 0, chMaskCntl: 6 }], defined),
      defined,
    );
  });

  it("rejects masks that enable undefined channels", () => {
    const defined = enabled(16, [0, 2]);
    assert.throws(
      () => applyChannelMasks(eu, defined, [{ chMask: 0b1000, chMaskCntl: 0 }], defined),
      (error) => errChannelNotDefined.matches(error),
    );
    // ChMaskCntl 4 of US915 addresses channels 64–71 only.
    assert.throws(
      () => applyChannelMasks(us, all(us, false), [{ chMask: 0x100, chMaskCntl: 4 }]),
      (error) => errChannelNotDefined.matches(error),
    );
  });
});

describe("channel mask round trip", () => {
  const fixedBands = [us, us102, au, cn96, cn64, cn48];
  for (const band of fixedBands) {
    const size = channelMaskSize(band);
    it(`${band.id} ${band.version}: generate then apply gives the desired set`, () => {
      const set = fc.array(fc.boolean(), { minLength: size, maxLength: size });
      // Bias towards whole sub-bands, the common case, as well as random sets.
      const blocky = fc
        .array(fc.boolean(), { minLength: Math.ceil(size / 8), maxLength: Math.ceil(size / 8) })
        .map((banks) => Array.from({ length: size }, (_, i) => banks[i >> 3] === true));
      fc.assert(
        fc.property(fc.oneof(set, blocky), set, fc.boolean(), (desired, current, known) => {
          const commands = generateChannelMasks(band, desired, known ? current : undefined);
          assert.deepEqual(applyChannelMasks(band, current, commands), desired);
          // Never worse than setting every block explicitly.
          assert.ok(commands.length <= Math.ceil(size / 16));
        }),
        { numRuns: 150 },
      );
    });
  }

  /**
   * Reference: a LinkADRReq block's optimum is at most one global command (ChMaskCntl 3–7,
   * each command before it being overwritten) followed by one command per block still wrong;
   * try every global command with every ChMask it can carry.
   */
  function minimalLength(band: Band, desired: boolean[], current: boolean[] | undefined) {
    const size = channelMaskSize(band);
    const blocks = Math.ceil(size / 16);
    const wrongBlocks = (state: boolean[] | undefined) => {
      let n = 0;
      for (let b = 0; b < blocks; b++) {
        const differs =
          state === undefined ||
          desired.slice(16 * b, 16 * b + 16).some((v, i) => v !== state[16 * b + i]);
        if (differs) n++;
      }
      return n;
    };
    let best = Math.max(1, wrongBlocks(current));
    const apply = (chMask: number, chMaskCntl: number) =>
      applyChannelMasks(band, all(band, false), [{ chMask, chMaskCntl }]);
    for (let cntl = blocks; cntl < 8; cntl++) {
      try {
        apply(0, cntl);
      } catch {
        continue; // reserved
      }
      // Only US915/AU915 global commands carry a mask (for the 500 kHz channels or banks).
      const masks = band.channelMask.kind === "fixed-72" ? 256 : 1;
      for (let mask = 0; mask < masks; mask++)
        best = Math.min(best, 1 + wrongBlocks(apply(mask, cntl)));
    }
    return best;
  }

  for (const band of [us, us102, cn96, cn64, cn48]) {
    const size = channelMaskSize(band);
    it(`${band.id} ${band.version}: generates the fewest commands`, () => {
      const set = fc.array(fc.boolean(), { minLength: size, maxLength: size });
      const blocky = fc
        .array(fc.boolean(), { minLength: Math.ceil(size / 8), maxLength: Math.ceil(size / 8) })
        .map((banks) => Array.from({ length: size }, (_, i) => banks[i >> 3] === true));
      fc.assert(
        fc.property(fc.oneof(set, blocky), set, fc.boolean(), (desired, current, known) => {
          const from = known ? current : undefined;
          assert.equal(
            generateChannelMasks(band, desired, from).length,
            minimalLength(band, desired, from),
          );
        }),
        { numRuns: 40 },
      );
    });
  }

  it("EU868: generate then apply gives the desired set", () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }), (desired) => {
        assert.deepEqual(
          applyChannelMasks(eu, all(eu, false), generateChannelMasks(eu, desired)),
          desired,
        );
      }),
    );
  });
});
