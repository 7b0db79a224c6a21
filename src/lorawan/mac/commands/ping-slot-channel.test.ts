import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeMacCommands } from "../sequence.ts";
import { assertGolden, assertRoundTrip, fromHex } from "../testing.ts";
import { pingSlotChannel } from "./ping-slot-channel.ts";

describe("PingSlotChannel (0x11)", () => {
  it("describes the CID", () => {
    assert.equal(pingSlotChannel.cid, 0x11);
    assert.equal(pingSlotChannel.uplinkLength, 1);
    assert.equal(pingSlotChannel.downlinkLength, 4);
  });

  it("decodes and encodes golden vectors", () => {
    // CID 0x11 | Frequency 869525000 Hz / 100 = 0x84ADD2, LE -> D2 AD 84
    // | DR: RFU(7:4)=0 DataRate(3:0)=3
    assertGolden("downlink", "11 D2AD84 03", {
      cid: 0x11,
      name: "PingSlotChannelReq",
      frequency: 869_525_000,
      dataRateIndex: 3,
    });
    // CID 0x11 | Frequency 923300000 Hz / 100 = 9233000 = 0x8CE268, LE -> 68 E2 8C | DR=8
    assertGolden("downlink", "11 68E28C 08", {
      cid: 0x11,
      name: "PingSlotChannelReq",
      frequency: 923_300_000,
      dataRateIndex: 8,
    });
    // CID 0x11 | Status: RFU(7:2)=0 DataRateOK(1)=1 ChannelFrequencyOK(0)=0
    assertGolden("uplink", "11 02", {
      cid: 0x11,
      name: "PingSlotChannelAns",
      dataRateAck: true,
      frequencyAck: false,
    });
  });

  it("ignores RFU bits of DR", () => {
    assert.deepEqual(decodeMacCommands(fromHex("11 000000 F3"), "downlink"), [
      { cid: 0x11, name: "PingSlotChannelReq", frequency: 0, dataRateIndex: 3 },
    ]);
  });

  it("round-trips", () => {
    assertRoundTrip("PingSlotChannelReq");
    assertRoundTrip("PingSlotChannelAns");
  });
});
