import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  channelMaskSize,
  decodeCfList,
  encodeChannelMaskCfList,
  encodeFrequencyCfList,
  errCfListNotSupported,
  errInvalidCfListFrequency,
  errTooManyCfListFrequencies,
  getBand,
} from "./index.ts";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex").toUpperCase();

describe("CFList type 0 (frequencies)", () => {
  const eu = getBand("EU_863_870", "RP002-1.0.3");

  it("encodes the TTN EU868 extra channels as 24-bit little-endian units of 100 Hz", () => {
    const frequencies = [867_100_000, 867_300_000, 867_500_000, 867_700_000, 867_900_000];
    // 867.1 MHz / 100 Hz = 8671000 = 0x844F18: the CFList of TTN's EU868 join-accepts.
    assert.equal(hex(encodeFrequencyCfList(eu, frequencies)), "184F84E85684B85E84886684586E8400");
    assert.deepEqual(decodeCfList(eu, encodeFrequencyCfList(eu, frequencies)), {
      type: "frequencies",
      frequencies,
    });
  });

  it("pads missing frequencies with zeros", () => {
    assert.equal(hex(encodeFrequencyCfList(eu, [867_100_000])), "184F8400000000000000000000000000");
  });

  it("uses 200 Hz units for ISM2400", () => {
    const ism = getBand("ISM_2400", "RP002-1.0.3");
    const bytes = encodeFrequencyCfList(ism, [2_450_000_000]);
    assert.deepEqual([...bytes.subarray(0, 3)], [0x90, 0xeb, 0xba]); // 12250000 = 0xBAEB90
    assert.deepEqual(decodeCfList(ism, bytes), {
      type: "frequencies",
      frequencies: [2_450_000_000, 0, 0, 0, 0],
    });
  });

  it("rejects more than five frequencies and unrepresentable ones", () => {
    assert.throws(
      () => encodeFrequencyCfList(eu, new Array(6).fill(868_100_000)),
      (error) => errTooManyCfListFrequencies.matches(error),
    );
    assert.throws(
      () => encodeFrequencyCfList(eu, [868_100_050]),
      (error) => errInvalidCfListFrequency.matches(error),
    );
  });

  it("round-trips any representable frequencies", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffffff }), { maxLength: 5 }), (units) => {
        const frequencies = units.map((u) => u * 100);
        const decoded = decodeCfList(eu, encodeFrequencyCfList(eu, frequencies));
        assert.deepEqual(decoded, {
          type: "frequencies",
          frequencies: [...frequencies, ...new Array(5 - frequencies.length).fill(0)],
        });
      }),
    );
  });
});

describe("CFList type 1 (channel masks)", () => {
  const us = getBand("US_902_928", "RP002-1.0.3");

  it("encodes US915 sub-band 2 as ChMask0..4", () => {
    const channels = Array.from({ length: 72 }, (_, i) => (i >= 8 && i < 16) || i === 65);
    assert.equal(hex(encodeChannelMaskCfList(us, channels)), "00FF0000000000000200000000000001");
  });

  it("puts channel 0 at bit 0 of byte 0 and channel 16 at bit 0 of byte 2", () => {
    const only = (from: number) => Array.from({ length: 72 }, (_, i) => i >= from && i < from + 8);
    assert.equal(hex(encodeChannelMaskCfList(us, only(0))), "FF000000000000000000000000000001");
    assert.equal(hex(encodeChannelMaskCfList(us, only(16))), "0000FF00000000000000000000000001");
  });

  it("is not available where the version has no CFList", () => {
    const us102 = getBand("US_902_928", "1.0.2-b");
    assert.throws(
      () => encodeChannelMaskCfList(us102, new Array(72).fill(true)),
      (error) => errCfListNotSupported.matches(error),
    );
    assert.throws(
      () => encodeFrequencyCfList(us, [902_300_000]),
      (error) => errCfListNotSupported.matches(error),
    );
  });

  for (const [id, version] of [
    ["US_902_928", "RP002-1.0.3"],
    ["AU_915_928", "1.0.3-a"],
    ["CN_470_510", "1.0.3-a"],
    ["CN_470_510_20_B", "RP002-1.0.4"],
    ["CN_470_510_26_A", "RP002-1.0.0"],
  ] as const) {
    const band = getBand(id, version);
    const size = channelMaskSize(band);
    it(`${id} ${version}: round-trips any channel set`, () => {
      fc.assert(
        fc.property(fc.array(fc.boolean(), { minLength: size, maxLength: size }), (channels) => {
          const bytes = encodeChannelMaskCfList(band, channels);
          assert.equal(bytes[15], 1);
          assert.deepEqual(decodeCfList(band, bytes), { type: "channel-masks", channels });
        }),
        { numRuns: 50 },
      );
    });
  }
});
