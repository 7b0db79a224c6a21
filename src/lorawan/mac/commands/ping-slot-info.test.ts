import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeMacCommands } from "../sequence.ts";
import { assertGolden, assertRoundTrip, fromHex } from "../testing.ts";
import { pingSlotInfo } from "./ping-slot-info.ts";

describe("PingSlotInfo (0x10)", () => {
  it("describes the CID", () => {
    assert.equal(pingSlotInfo.cid, 0x10);
    assert.equal(pingSlotInfo.uplinkLength, 1);
    assert.equal(pingSlotInfo.downlinkLength, 0);
    assert.equal(pingSlotInfo.initiatedBy, "device");
  });

  it("decodes and encodes golden vectors", () => {
    // CID 0x10 | PingSlotParam: RFU(7:3)=0 Periodicity(2:0)=7 (every 128 s)
    assertGolden("uplink", "10 07", { cid: 0x10, name: "PingSlotInfoReq", periodicity: 7 });
    // CID 0x10 | Periodicity=0 (every second)
    assertGolden("uplink", "10 00", { cid: 0x10, name: "PingSlotInfoReq", periodicity: 0 });
    // CID 0x10, no payload
    assertGolden("downlink", "10", { cid: 0x10, name: "PingSlotInfoAns" });
  });

  it("ignores RFU bits", () => {
    // 0xF9: RFU(7:3)=0x1F, Periodicity=1
    assert.deepEqual(decodeMacCommands(fromHex("10 F9"), "uplink"), [
      { cid: 0x10, name: "PingSlotInfoReq", periodicity: 1 },
    ]);
  });

  it("round-trips", () => {
    assertRoundTrip("PingSlotInfoReq");
    assertRoundTrip("PingSlotInfoAns");
  });
});
