import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { errInvalidField } from "../errors.ts";
import { encodeMacCommands } from "../sequence.ts";
import { assertGolden, assertRoundTrip } from "../testing.ts";
import { deviceTime } from "./device-time.ts";

describe("DeviceTime (0x0D)", () => {
  it("describes the CID", () => {
    assert.equal(deviceTime.cid, 0x0d);
    assert.equal(deviceTime.uplinkLength, 0);
    assert.equal(deviceTime.downlinkLength, 5);
    assert.equal(deviceTime.initiatedBy, "device");
    assert.deepEqual(deviceTime.versions, ["1.0.3", "1.0.4", "1.1"]);
  });

  it("decodes and encodes golden vectors", () => {
    // CID 0x0D, no payload
    assertGolden("uplink", "0D", { cid: 0x0d, name: "DeviceTimeReq" });
    // CID 0x0D | Seconds since GPS epoch 1234567890 = 0x499602D2, LE -> D2 02 96 49
    // | FractionalSec 0x80 = 128/256 s = 0.5 s
    assertGolden("downlink", "0D D2029649 80", {
      cid: 0x0d,
      name: "DeviceTimeAns",
      gpsSeconds: 1_234_567_890,
      fractionalSecond: 128,
    });
    // CID 0x0D | Seconds 0xFFFFFFFF (largest, unsigned) | FractionalSec 0xFF
    assertGolden("downlink", "0D FFFFFFFF FF", {
      cid: 0x0d,
      name: "DeviceTimeAns",
      gpsSeconds: 4_294_967_295,
      fractionalSecond: 255,
    });
  });

  it("refuses seconds beyond 32 bits", () => {
    assert.throws(
      () =>
        encodeMacCommands(
          [{ cid: 0x0d, name: "DeviceTimeAns", gpsSeconds: 2 ** 32, fractionalSecond: 0 }],
          "downlink",
        ),
      (err) => errInvalidField.matches(err) && err.attributes.field === "gpsSeconds",
    );
  });

  it("round-trips", () => {
    assertRoundTrip("DeviceTimeReq");
    assertRoundTrip("DeviceTimeAns");
  });
});
