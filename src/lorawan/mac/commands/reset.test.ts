import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { errInvalidField } from "../errors.ts";
import { decodeMacCommands, encodeMacCommands } from "../sequence.ts";
import { assertGolden, assertRoundTrip, fromHex } from "../testing.ts";
import { reset } from "./reset.ts";

describe("Reset (0x01)", () => {
  it("describes the CID", () => {
    assert.equal(reset.cid, 0x01);
    assert.equal(reset.uplinkLength, 1);
    assert.equal(reset.downlinkLength, 1);
    assert.deepEqual(reset.versions, ["1.1"]);
  });

  it("decodes and encodes golden vectors", () => {
    // CID 0x01 | Dev LoRaWAN version: RFU(7:4)=0, Minor(3:0)=1
    assertGolden("uplink", "01 01", { cid: 0x01, name: "ResetInd", minorVersion: 1 });
    // CID 0x01 | Serv LoRaWAN version: RFU(7:4)=0, Minor(3:0)=1
    assertGolden("downlink", "01 01", { cid: 0x01, name: "ResetConf", minorVersion: 1 });
  });

  it("ignores RFU bits on decode", () => {
    // RFU(7:4)=0xF, Minor=1
    assert.deepEqual(decodeMacCommands(fromHex("01 F1"), "uplink"), [
      { cid: 0x01, name: "ResetInd", minorVersion: 1 },
    ]);
  });

  it("round-trips", () => {
    assertRoundTrip("ResetInd");
    assertRoundTrip("ResetConf");
  });

  it("refuses a minor version over 4 bits", () => {
    assert.throws(
      () => encodeMacCommands([{ cid: 0x01, name: "ResetConf", minorVersion: 16 }], "downlink"),
      (err) => errInvalidField.matches(err) && err.attributes.field === "minorVersion",
    );
  });
});
