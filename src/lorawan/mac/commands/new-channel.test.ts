import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { errInvalidField } from "../errors.ts";
import { encodeMacCommands } from "../sequence.ts";
import { assertGolden, assertRoundTrip } from "../testing.ts";
import { newChannel } from "./new-channel.ts";

describe("NewChannel (0x07)", () => {
  it("describes the CID", () => {
    assert.equal(newChannel.cid, 0x07);
    assert.equal(newChannel.uplinkLength, 1);
    assert.equal(newChannel.downlinkLength, 5);
  });

  it("decodes and encodes golden vectors", () => {
    // CID 0x07 | ChIndex=3 | Freq 867100000 Hz / 100 = 8671000 = 0x844F18, LE -> 18 4F 84
    // | DrRange: MaxDR(7:4)=5 MinDR(3:0)=0 -> 0x50
    assertGolden("downlink", "07 03 184F84 50", {
      cid: 0x07,
      name: "NewChannelReq",
      chIndex: 3,
      frequency: 867_100_000,
      minDataRate: 0,
      maxDataRate: 5,
    });
    // CID 0x07 | ChIndex=15 | Freq=0 (disable the channel) | DrRange 0x00
    assertGolden("downlink", "07 0F 000000 00", {
      cid: 0x07,
      name: "NewChannelReq",
      chIndex: 15,
      frequency: 0,
      minDataRate: 0,
      maxDataRate: 0,
    });
    // CID 0x07 | Status: RFU(7:2)=0 DataRateRangeOK(1)=1 ChannelFrequencyOK(0)=1
    assertGolden("uplink", "07 03", {
      cid: 0x07,
      name: "NewChannelAns",
      dataRateAck: true,
      frequencyAck: true,
    });
    // CID 0x07 | Status: DataRateRangeOK=1 ChannelFrequencyOK=0
    assertGolden("uplink", "07 02", {
      cid: 0x07,
      name: "NewChannelAns",
      dataRateAck: true,
      frequencyAck: false,
    });
  });

  it("refuses out-of-range fields", () => {
    assert.throws(
      () =>
        encodeMacCommands(
          [
            {
              cid: 0x07,
              name: "NewChannelReq",
              chIndex: 256,
              frequency: 0,
              minDataRate: 0,
              maxDataRate: 0,
            },
          ],
          "downlink",
        ),
      (err) => errInvalidField.matches(err) && err.attributes.field === "chIndex",
    );
  });

  it("round-trips", () => {
    assertRoundTrip("NewChannelReq");
    assertRoundTrip("NewChannelAns");
  });
});
