import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { errInvalidField } from "../errors.ts";
import { decodeMacCommands, encodeMacCommands } from "../sequence.ts";
import { assertGolden, assertRoundTrip, fromHex } from "../testing.ts";
import { devStatus } from "./dev-status.ts";

describe("DevStatus (0x06)", () => {
  it("describes the CID", () => {
    assert.equal(devStatus.cid, 0x06);
    assert.equal(devStatus.uplinkLength, 2);
    assert.equal(devStatus.downlinkLength, 0);
  });

  it("decodes and encodes golden vectors", () => {
    // CID 0x06, no payload
    assertGolden("downlink", "06", { cid: 0x06, name: "DevStatusReq" });
    // CID 0x06 | Battery=0xFF (cannot measure) | RadioStatus: RFU(7:6)=0 SNR(5:0)=0x3F = -1
    assertGolden("uplink", "06 FF 3F", {
      cid: 0x06,
      name: "DevStatusAns",
      battery: 255,
      margin: -1,
    });
    // CID 0x06 | Battery=0x00 (external power) | SNR=0x1F = +31
    assertGolden("uplink", "06 00 1F", { cid: 0x06, name: "DevStatusAns", battery: 0, margin: 31 });
    // CID 0x06 | Battery=0x80 | SNR=0x20 = -32
    assertGolden("uplink", "06 80 20", {
      cid: 0x06,
      name: "DevStatusAns",
      battery: 128,
      margin: -32,
    });
  });

  it("ignores the RFU bits of RadioStatus", () => {
    // RadioStatus 0xE0: RFU(7:6)=3, SNR=0x20 = -32
    assert.deepEqual(decodeMacCommands(fromHex("06 80 E0"), "uplink"), [
      { cid: 0x06, name: "DevStatusAns", battery: 128, margin: -32 },
    ]);
  });

  it("refuses a margin outside -32..31", () => {
    for (const margin of [32, -33]) {
      assert.throws(
        () =>
          encodeMacCommands([{ cid: 0x06, name: "DevStatusAns", battery: 1, margin }], "uplink"),
        (err) => errInvalidField.matches(err) && err.attributes.field === "margin",
      );
    }
  });

  it("round-trips", () => {
    assertRoundTrip("DevStatusReq");
    assertRoundTrip("DevStatusAns");
  });
});
