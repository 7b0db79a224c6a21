import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeMacCommands } from "../sequence.ts";
import { assertGolden, assertRoundTrip, fromHex } from "../testing.ts";
import { MAX_EIRP_TABLE, txParamSetup } from "./tx-param-setup.ts";

describe("TxParamSetup (0x09)", () => {
  it("describes the CID", () => {
    assert.equal(txParamSetup.cid, 0x09);
    assert.equal(txParamSetup.uplinkLength, 0);
    assert.equal(txParamSetup.downlinkLength, 1);
    assert.deepEqual(txParamSetup.versions, ["1.0.2", "1.0.3", "1.0.4", "1.1"]);
    assert.equal(MAX_EIRP_TABLE.length, 16);
    assert.equal(MAX_EIRP_TABLE[5], 16);
  });

  it("decodes and encodes golden vectors", () => {
    // CID 0x09 | EIRP_DwellTime: RFU(7:6)=0 DownlinkDwellTime(5)=1 UplinkDwellTime(4)=1
    // MaxEIRP(3:0)=5 (16 dBm) -> 0x35
    assertGolden("downlink", "09 35", {
      cid: 0x09,
      name: "TxParamSetupReq",
      downlinkDwellTime: true,
      uplinkDwellTime: true,
      maxEirpIndex: 5,
    });
    // CID 0x09 | DownlinkDwellTime=0 UplinkDwellTime=1 MaxEIRP=15 (36 dBm) -> 0x1F
    assertGolden("downlink", "09 1F", {
      cid: 0x09,
      name: "TxParamSetupReq",
      downlinkDwellTime: false,
      uplinkDwellTime: true,
      maxEirpIndex: 15,
    });
    // CID 0x09, no payload
    assertGolden("uplink", "09", { cid: 0x09, name: "TxParamSetupAns" });
  });

  it("ignores RFU bits", () => {
    assert.deepEqual(decodeMacCommands(fromHex("09 C0"), "downlink"), [
      {
        cid: 0x09,
        name: "TxParamSetupReq",
        downlinkDwellTime: false,
        uplinkDwellTime: false,
        maxEirpIndex: 0,
      },
    ]);
  });

  it("round-trips", () => {
    assertRoundTrip("TxParamSetupReq");
    assertRoundTrip("TxParamSetupAns");
  });
});
