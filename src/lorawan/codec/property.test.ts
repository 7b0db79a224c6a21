import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { DefinedError } from "../../errors/index.ts";
import { decodePhyPayload } from "./decode.ts";
import { encodePhyPayload } from "./encode.ts";
import type { PhyPayload } from "./frame.ts";
import {
  downlinkDataArbitrary,
  joinAcceptArbitrary,
  joinAcceptPayloadArbitrary,
  joinRequestArbitrary,
  phyPayloadArbitrary,
  proprietaryArbitrary,
  rejoinRequest1Arbitrary,
  rejoinRequest02Arbitrary,
  uplinkDataArbitrary,
} from "./frame-arbitraries.ts";
import { decodeJoinAcceptPayload, encodeJoinAcceptPayload } from "./join-accept-payload.ts";
import { mTypesByCode } from "./mhdr.ts";

/** Whether `phy` has RFU bits set, which decoding drops and encoding writes as 0. */
function hasRfuBits(phy: Uint8Array): boolean {
  const mhdr = phy[0] ?? 0;
  const mType = mhdr >>> 5;
  const downlink = mType === 3 || mType === 5;
  return (mhdr & 0x1c) !== 0 || (downlink && ((phy[5] ?? 0) & 0x40) !== 0);
}

/**
 * Any input decodes or throws a DefinedError; what decodes re-encodes to a frame that
 * decodes the same, and to the very same bytes when no RFU bit was set.
 */
function decodesOrFailsTyped(phy: Uint8Array): string {
  let frame: PhyPayload;
  try {
    frame = decodePhyPayload(phy);
  } catch (err) {
    if (!(err instanceof DefinedError)) throw err;
    return err.name;
  }
  const encoded = encodePhyPayload(frame);
  assert.deepEqual(decodePhyPayload(encoded), frame);
  if (!hasRfuBits(phy)) assert.deepEqual(encoded, phy);
  return frame.mType;
}

/** Uniform bytes from a seed (mulberry32): fast-check's byte arrays favour extreme values. */
function seededBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed | 0;
  for (let i = 0; i < length; i++) {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    bytes[i] = (t ^ (t >>> 14)) & 0xff;
  }
  return bytes;
}

/** 0 to 300 bytes: a quarter from fast-check (edge values), the rest uniform. */
const randomInput = fc.oneof(
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300, size: "max" }) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 300 }), fc.integer())
      .map(([length, seed]) => seededBytes(length, seed)),
  },
);

/** MHDRs with Major 0, mostly with RFU bits clear. */
const validMhdr = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 7 }).map((mType) => mType << 5) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }).map((mhdr) => mhdr & 0xfc) },
);
/** The lengths where decoding changes its mind, and some others. */
const interestingLength = fc.oneof(
  fc.constantFrom(1, 2, 11, 12, 13, 16, 17, 18, 19, 20, 22, 23, 24, 25, 27, 28, 32, 33, 34),
  fc.integer({ min: 0, max: 64 }),
);
/** Values for byte 1 (rejoin type) or byte 5 (FCtrl) that are often small. */
const biasedByte = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 255 }));

const biasedInput = fc
  .tuple(validMhdr, interestingLength, biasedByte, fc.boolean(), fc.integer())
  .map(([mhdr, length, biased, zeroFPort, seed]) => {
    const phy = seededBytes(length, seed);
    if (length === 0) return phy;
    phy[0] = mhdr;
    const mType = mhdr >>> 5;
    if (mType === 6) {
      if (length > 1) phy[1] = biased;
    } else if (length > 5) {
      phy[5] = biased;
      // An FPort of 0 right after FOpts, to reach the FOpts-with-FPort-0 rule.
      const fPortAt = 8 + (biased & 0x0f);
      if (zeroFPort && fPortAt < length) phy[fPortAt] = 0;
    }
    return phy;
  });

describe("PHYPayload properties", () => {
  it("decodes or throws a DefinedError for 100,000 random byte strings of 0 to 300 bytes", () => {
    fc.assert(
      fc.property(randomInput, (phy) => {
        decodesOrFailsTyped(phy);
      }),
      { numRuns: 100_000 },
    );
  });

  it("decodes or throws a DefinedError for 30,000 byte strings with valid MHDRs", () => {
    const outcomes = new Set<string>();
    fc.assert(
      fc.property(biasedInput, (phy) => {
        outcomes.add(decodesOrFailsTyped(phy));
      }),
      { numRuns: 30_000 },
    );
    // The bias is there to reach every message type and every decoding error.
    for (const outcome of [
      ...mTypesByCode,
      "lorawan/codec:payload_too_short",
      "lorawan/codec:payload_wrong_length",
      "lorawan/codec:rejoin_type_unknown",
      "lorawan/codec:f_opts_with_f_port_0",
    ]) {
      assert.ok(outcomes.has(outcome), `no input gave ${outcome}`);
    }
  });

  const roundTrips: [string, fc.Arbitrary<PhyPayload>][] = [
    ["join-requests", joinRequestArbitrary],
    ["rejoin-requests of type 0 and 2", rejoinRequest02Arbitrary],
    ["rejoin-requests of type 1", rejoinRequest1Arbitrary],
    ["join-accepts", joinAcceptArbitrary],
    ["data uplinks", uplinkDataArbitrary],
    ["data downlinks", downlinkDataArbitrary],
    ["proprietary frames", proprietaryArbitrary],
    ["frames of any type", phyPayloadArbitrary],
  ];
  for (const [name, arbitrary] of roundTrips) {
    it(`round-trips ${name} through encode and decode`, () => {
      fc.assert(
        fc.property(arbitrary, (frame) => {
          assert.deepEqual(decodePhyPayload(encodePhyPayload(frame)), frame);
        }),
        { numRuns: 3_000 },
      );
    });
  }

  it("round-trips join-accept MACPayloads, with and without CFList", () => {
    fc.assert(
      fc.property(joinAcceptPayloadArbitrary, (payload) => {
        const bytes = encodeJoinAcceptPayload(payload);
        assert.equal(bytes.length, payload.cfList === undefined ? 12 : 28);
        assert.deepEqual(decodeJoinAcceptPayload(bytes), payload);
      }),
      { numRuns: 3_000 },
    );
  });

  it("decodes or throws a DefinedError for random join-accept MACPayloads", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        try {
          const payload = decodeJoinAcceptPayload(bytes);
          assert.deepEqual(decodeJoinAcceptPayload(encodeJoinAcceptPayload(payload)), payload);
        } catch (err) {
          if (!(err instanceof DefinedError)) throw err;
        }
      }),
      { numRuns: 10_000 },
    );
  });
});
