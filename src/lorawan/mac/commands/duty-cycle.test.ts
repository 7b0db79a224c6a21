import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { errInvalidField } from "../errors.ts";
import { decodeMacCommands, encodeMacCommands } from "../sequence.ts";
import { assertGolden, assertRoundTrip, fromHex } from "../testing.ts";
import { dutyCycle } from "./duty-cycle.ts";

describe("DutyCycle (0x04)", () => {
  it("describes the CID", () => {
    assert.equal(dutyCycle.cid, 0x04);
    assert.equal(dutyCycle.uplinkLength, 0);
    assert.equal(dutyCycle.downlinkLength, 1);
  });

  it("decodes and encodes golden vectors", () => {
    // CID 0x04 | DutyCyclePL: RFU(7:4)=0 MaxDCycle(3:0)=7 (1/128)
    assertGolden("downlink", "04 07", { cid: 0x04, name: "DutyCycleReq", maxDutyCycle: 7 });
    // CID 0x04, no payload
    assertGolden("uplink", "04", { cid: 0x04, name: "DutyCycleAns" });
  });

  it("ignores RFU bits and validates on encode", () => {
    assert.deepEqual(decodeMacCommands(fromHex("04 F7"), "downlink"), [
      { cid: 0x04, name: "DutyCycleReq", maxDutyCycle: 7 },
    ]);
    assert.throws(
      () => encodeMacCommands([{ cid: 0x04, name: "DutyCycleReq", maxDutyCycle: 16 }], "downlink"),
      (err) => errInvalidField.matches(err),
    );
  });

  it("round-trips", () => {
    assertRoundTrip("DutyCycleReq");
    assertRoundTrip("DutyCycleAns");
  });
});
