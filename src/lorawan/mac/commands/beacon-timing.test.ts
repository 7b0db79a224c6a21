import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertGolden, assertRoundTrip } from "../testing.ts";
import { beaconTiming } from "./beacon-timing.ts";

describe("BeaconTiming (0x12, deprecated)", () => {
  it("describes the CID", () => {
    assert.equal(beaconTiming.cid, 0x12);
    assert.equal(beaconTiming.uplinkLength, 0);
    assert.equal(beaconTiming.downlinkLength, 3);
    assert.equal(beaconTiming.deprecated, true);
    assert.deepEqual(beaconTiming.versions, ["1.0.0", "1.0.1", "1.0.2"]);
  });

  it("decodes and encodes golden vectors", () => {
    // CID 0x12, no payload
    assertGolden("uplink", "12", { cid: 0x12, name: "BeaconTimingReq" });
    // CID 0x12 | Delay 1000 (30 s) = 0x03E8, LE -> E8 03 | Channel=2
    assertGolden("downlink", "12 E803 02", {
      cid: 0x12,
      name: "BeaconTimingAns",
      delay: 1000,
      channel: 2,
    });
  });

  it("round-trips", () => {
    assertRoundTrip("BeaconTimingReq");
    assertRoundTrip("BeaconTimingAns");
  });
});
