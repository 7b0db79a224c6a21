import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { errInvalidField, errUnknownCommand } from "../errors.ts";
import { decodeMacCommands, encodeMacCommands } from "../sequence.ts";
import { assertGolden, assertRoundTrip, fromHex } from "../testing.ts";
import { type ForceRejoinReq, forceRejoin } from "./force-rejoin.ts";

describe("ForceRejoin (0x0E)", () => {
  it("describes the CID: downlink only", () => {
    assert.equal(forceRejoin.cid, 0x0e);
    assert.equal(forceRejoin.uplinkLength, null);
    assert.equal(forceRejoin.uplink, null);
    assert.equal(forceRejoin.downlinkLength, 2);
    assert.deepEqual(forceRejoin.versions, ["1.1"]);
  });

  it("decodes and encodes golden vectors", () => {
    // CID 0x0E | 16-bit LE payload 0x1A25:
    //   byte 0 = bits 7:0  = RFU(7)=0 RejoinType(6:4)=2 DR(3:0)=5         -> 0x25
    //   byte 1 = bits 15:8 = RFU(15:14)=0 Period(13:11)=3 Max_Retries(10:8)=2 -> 0x1A
    assertGolden("downlink", "0E 25 1A", {
      cid: 0x0e,
      name: "ForceRejoinReq",
      period: 3,
      maxRetries: 2,
      rejoinType: 2,
      dataRateIndex: 5,
    });
    // CID 0x0E | Period=7 Max_Retries=7 -> 0x3F; RejoinType=0 DR=0 -> 0x00
    assertGolden("downlink", "0E 00 3F", {
      cid: 0x0e,
      name: "ForceRejoinReq",
      period: 7,
      maxRetries: 7,
      rejoinType: 0,
      dataRateIndex: 0,
    });
  });

  it("ignores RFU bits 15:14 and 7", () => {
    assert.deepEqual(decodeMacCommands(fromHex("0E A5 DA"), "downlink"), [
      {
        cid: 0x0e,
        name: "ForceRejoinReq",
        period: 3,
        maxRetries: 2,
        rejoinType: 2,
        dataRateIndex: 5,
      },
    ]);
  });

  it("is unknown uplink", () => {
    assert.throws(
      () => decodeMacCommands(fromHex("0E 25 1A"), "uplink"),
      (err) => errUnknownCommand.matches(err) && err.attributes.cid === 0x0e,
    );
  });

  it("refuses the RFU rejoin types 3-7", () => {
    const command: ForceRejoinReq = {
      cid: 0x0e,
      name: "ForceRejoinReq",
      period: 0,
      maxRetries: 0,
      rejoinType: 3,
      dataRateIndex: 0,
    };
    assert.throws(
      () => encodeMacCommands([command], "downlink"),
      (err) => errInvalidField.matches(err) && err.attributes.field === "rejoinType",
    );
  });

  it("round-trips", () => {
    assertRoundTrip("ForceRejoinReq");
  });
});
