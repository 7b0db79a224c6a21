import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { errInvalidField } from "../errors.ts";
import { decodeMacCommands, encodeMacCommands } from "../sequence.ts";
import { assertGolden, assertRoundTrip, fromHex } from "../testing.ts";
import { type RXParamSetupReq, rxParamSetup } from "./rx-param-setup.ts";

describe("RXParamSetup (0x05)", () => {
  it("describes the CID", () => {
    assert.equal(rxParamSetup.cid, 0x05);
    assert.equal(rxParamSetup.uplinkLength, 1);
    assert.equal(rxParamSetup.downlinkLength, 4);
  });

  it("decodes and encodes golden vectors", () => {
    // CID 0x05 | DLSettings: RFU(7)=0 RX1DRoffset(6:4)=2 RX2DataRate(3:0)=3 -> 0x23
    // | Frequency 869525000 Hz / 100 = 8695250 = 0x84ADD2, LE -> D2 AD 84
    assertGolden("downlink", "05 23 D2AD84", {
      cid: 0x05,
      name: "RXParamSetupReq",
      rx1DataRateOffset: 2,
      rx2DataRateIndex: 3,
      rx2Frequency: 869_525_000,
    });
    // CID 0x05 | Status: RFU(7:3)=0 RX1DRoffsetACK(2)=1 RX2DataRateACK(1)=1 ChannelACK(0)=0
    assertGolden("uplink", "05 06", {
      cid: 0x05,
      name: "RXParamSetupAns",
      rx1DataRateOffsetAck: true,
      rx2DataRateIndexAck: true,
      rx2FrequencyAck: false,
    });
  });

  it("ignores the RFU bit of DLSettings", () => {
    const [command] = decodeMacCommands(fromHex("05 A3 D2AD84"), "downlink");
    assert.equal((command as RXParamSetupReq).rx1DataRateOffset, 2);
  });

  it("refuses frequencies that are not 24-bit multiples of 100 Hz", () => {
    const base: RXParamSetupReq = {
      cid: 0x05,
      name: "RXParamSetupReq",
      rx1DataRateOffset: 0,
      rx2DataRateIndex: 0,
      rx2Frequency: 869_525_000,
    };
    for (const rx2Frequency of [869_525_050, 1_677_721_600, -100, Number.NaN]) {
      assert.throws(
        () => encodeMacCommands([{ ...base, rx2Frequency }], "downlink"),
        (err) => errInvalidField.matches(err) && err.attributes.field === "rx2Frequency",
      );
    }
    assert.throws(
      () => encodeMacCommands([{ ...base, rx1DataRateOffset: 8 }], "downlink"),
      (err) => errInvalidField.matches(err),
    );
  });

  it("round-trips", () => {
    assertRoundTrip("RXParamSetupReq");
    assertRoundTrip("RXParamSetupAns");
  });
});
