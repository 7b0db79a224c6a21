import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertGolden, assertRoundTrip } from "../testing.ts";
import { adrParamSetup } from "./adr-param-setup.ts";

describe("ADRParamSetup (0x0C)", () => {
  it("describes the CID", () => {
    assert.equal(adrParamSetup.cid, 0x0c);
    assert.equal(adrParamSetup.uplinkLength, 0);
    assert.equal(adrParamSetup.downlinkLength, 1);
    assert.deepEqual(adrParamSetup.versions, ["1.1"]);
  });

  it("decodes and encodes golden vectors", () => {
    // CID 0x0C | ADRparam: Limit_exp(7:4)=6 (ADR_ACK_LIMIT 64) Delay_exp(3:0)=5 (ADR_ACK_DELAY 32)
    assertGolden("downlink", "0C 65", {
      cid: 0x0c,
      name: "ADRParamSetupReq",
      limitExp: 6,
      delayExp: 5,
    });
    // CID 0x0C, no payload
    assertGolden("uplink", "0C", { cid: 0x0c, name: "ADRParamSetupAns" });
  });

  it("round-trips", () => {
    assertRoundTrip("ADRParamSetupReq");
    assertRoundTrip("ADRParamSetupAns");
  });
});
