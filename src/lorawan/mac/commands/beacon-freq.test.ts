import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeMacCommands } from "../sequence.ts";
import { assertGolden, assertRoundTrip, fromHex } from "../testing.ts";
import { beaconFreq } from "./beacon-freq.ts";

describe("BeaconFreq (0x13)", () => {
  it("describes the CID", () => {
    assert.equal(beaconFreq.cid, 0x13);
    assert.equal(beaconFreq.uplinkLength, 1);
    assert.equal(beaconFreq.downlinkLength, 3);
  });

  it("decodes and encodes golden vectors", () => {
    // CID 0x13 | Frequency 869525000 Hz / 100 = 0x84ADD2, LE -> D2 AD 84
    assertGolden("downlink", "13 D2AD84", {
      cid: 0x13,
      name: "BeaconFreqReq",
      frequency: 869_525_000,
    });
    // CID 0x13 | Status: RFU(7:1)=0 BeaconFrequencyOK(0)=1
    assertGolden("uplink", "13 01", { cid: 0x13, name: "BeaconFreqAns", frequencyAck: true });
  });

  it("ignores RFU bits", () => {
    assert.deepEqual(decodeMacCommands(fromHex("13 FE"), "uplink"), [
      { cid: 0x13, name: "BeaconFreqAns", frequencyAck: false },
    ]);
  });

  it("round-trips", () => {
    assertRoundTrip("BeaconFreqReq");
    assertRoundTrip("BeaconFreqAns");
  });
});
