import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { errInvalidField } from "../errors.ts";
import { encodeMacCommands } from "../sequence.ts";
import { assertGolden, assertRoundTrip } from "../testing.ts";
import { dlChannel } from "./dl-channel.ts";

describe("DlChannel (0x0A)", () => {
  it("describes the CID", () => {
    assert.equal(dlChannel.cid, 0x0a);
    assert.equal(dlChannel.uplinkLength, 1);
    assert.equal(dlChannel.downlinkLength, 4);
    assert.deepEqual(dlChannel.versions, ["1.0.2", "1.0.3", "1.0.4", "1.1"]);
  });

  it("decodes and encodes golden vectors", () => {
    // CID 0x0A | ChIndex=0 | Freq 868100000 Hz / 100 = 8681000 = 0x847628, LE -> 28 76 84
    assertGolden("downlink", "0A 00 287684", {
      cid: 0x0a,
      name: "DlChannelReq",
      chIndex: 0,
      frequency: 868_100_000,
    });
    // CID 0x0A | Status: RFU(7:2)=0 UplinkFrequencyExists(1)=1 ChannelFrequencyOK(0)=1
    assertGolden("uplink", "0A 03", {
      cid: 0x0a,
      name: "DlChannelAns",
      uplinkFrequencyExists: true,
      frequencyAck: true,
    });
    // CID 0x0A | Status: UplinkFrequencyExists=0 ChannelFrequencyOK=1
    assertGolden("uplink", "0A 01", {
      cid: 0x0a,
      name: "DlChannelAns",
      uplinkFrequencyExists: false,
      frequencyAck: true,
    });
  });

  it("refuses a frequency that is not a multiple of 100 Hz", () => {
    assert.throws(
      () =>
        encodeMacCommands(
          [{ cid: 0x0a, name: "DlChannelReq", chIndex: 0, frequency: 868_100_001 }],
          "downlink",
        ),
      (err) => errInvalidField.matches(err) && err.attributes.field === "frequency",
    );
  });

  it("round-trips", () => {
    assertRoundTrip("DlChannelReq");
    assertRoundTrip("DlChannelAns");
  });
});
