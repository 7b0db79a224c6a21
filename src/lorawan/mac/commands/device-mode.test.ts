import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { errInvalidField } from "../errors.ts";
import { decodeMacCommands, encodeMacCommands } from "../sequence.ts";
import { assertGolden, assertRoundTrip, fromHex } from "../testing.ts";
import { DEVICE_MODE_CLASS_A, DEVICE_MODE_CLASS_C, deviceMode } from "./device-mode.ts";

describe("DeviceMode (0x20)", () => {
  it("describes the CID", () => {
    assert.equal(deviceMode.cid, 0x20);
    assert.equal(deviceMode.uplinkLength, 1);
    assert.equal(deviceMode.downlinkLength, 1);
    assert.deepEqual(deviceMode.versions, ["1.1"]);
  });

  it("decodes and encodes golden vectors", () => {
    // CID 0x20 | Class=0x02 (Class C)
    assertGolden("uplink", "20 02", {
      cid: 0x20,
      name: "DeviceModeInd",
      deviceClass: DEVICE_MODE_CLASS_C,
    });
    // CID 0x20 | Class=0x00 (Class A)
    assertGolden("downlink", "20 00", {
      cid: 0x20,
      name: "DeviceModeConf",
      deviceClass: DEVICE_MODE_CLASS_A,
    });
  });

  it("keeps an RFU class on decode but refuses to encode it", () => {
    // CID 0x20 | Class=0x01 (RFU)
    assert.deepEqual(decodeMacCommands(fromHex("20 01"), "uplink"), [
      { cid: 0x20, name: "DeviceModeInd", deviceClass: 1 },
    ]);
    assert.throws(
      () => encodeMacCommands([{ cid: 0x20, name: "DeviceModeConf", deviceClass: 1 }], "downlink"),
      (err) => errInvalidField.matches(err) && err.attributes.field === "deviceClass",
    );
  });

  it("round-trips", () => {
    assertRoundTrip("DeviceModeInd");
    assertRoundTrip("DeviceModeConf");
  });
});
