import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeMacCommands } from "../sequence.ts";
import { assertGolden, assertRoundTrip, fromHex } from "../testing.ts";
import { rejoinParamSetup } from "./rejoin-param-setup.ts";

describe("RejoinParamSetup (0x0F)", () => {
  it("describes the CID", () => {
    assert.equal(rejoinParamSetup.cid, 0x0f);
    assert.equal(rejoinParamSetup.uplinkLength, 1);
    assert.equal(rejoinParamSetup.downlinkLength, 1);
    assert.deepEqual(rejoinParamSetup.versions, ["1.1"]);
  });

  it("decodes and encodes golden vectors", () => {
    // CID 0x0F | MaxTimeN(7:4)=14 MaxCountN(3:0)=10 -> 0xEA
    assertGolden("downlink", "0F EA", {
      cid: 0x0f,
      name: "RejoinParamSetupReq",
      maxTimeN: 14,
      maxCountN: 10,
    });
    // CID 0x0F | Status: RFU(7:1)=0 TimeOK(0)=1
    assertGolden("uplink", "0F 01", { cid: 0x0f, name: "RejoinParamSetupAns", maxTimeNAck: true });
    // CID 0x0F | Status: TimeOK=0
    assertGolden("uplink", "0F 00", { cid: 0x0f, name: "RejoinParamSetupAns", maxTimeNAck: false });
  });

  it("ignores RFU bits", () => {
    assert.deepEqual(decodeMacCommands(fromHex("0F FE"), "uplink"), [
      { cid: 0x0f, name: "RejoinParamSetupAns", maxTimeNAck: false },
    ]);
  });

  it("round-trips", () => {
    assertRoundTrip("RejoinParamSetupReq");
    assertRoundTrip("RejoinParamSetupAns");
  });
});
