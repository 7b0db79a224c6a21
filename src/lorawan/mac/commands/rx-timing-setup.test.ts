import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeMacCommands } from "../sequence.ts";
import { assertGolden, assertRoundTrip, fromHex } from "../testing.ts";
import { rxTimingSetup } from "./rx-timing-setup.ts";

describe("RXTimingSetup (0x08)", () => {
  it("describes the CID", () => {
    assert.equal(rxTimingSetup.cid, 0x08);
    assert.equal(rxTimingSetup.uplinkLength, 0);
    assert.equal(rxTimingSetup.downlinkLength, 1);
  });

  it("decodes and encodes golden vectors", () => {
    // CID 0x08 | Settings: RFU(7:4)=0 Del(3:0)=1 (1 s)
    assertGolden("downlink", "08 01", { cid: 0x08, name: "RXTimingSetupReq", delay: 1 });
    // CID 0x08 | Del=15 (15 s)
    assertGolden("downlink", "08 0F", { cid: 0x08, name: "RXTimingSetupReq", delay: 15 });
    // CID 0x08, no payload
    assertGolden("uplink", "08", { cid: 0x08, name: "RXTimingSetupAns" });
  });

  it("ignores RFU bits", () => {
    assert.deepEqual(decodeMacCommands(fromHex("08 F5"), "downlink"), [
      { cid: 0x08, name: "RXTimingSetupReq", delay: 5 },
    ]);
  });

  it("round-trips", () => {
    assertRoundTrip("RXTimingSetupReq");
    assertRoundTrip("RXTimingSetupAns");
  });
});
