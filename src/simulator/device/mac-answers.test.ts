import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getFrequencyPlan } from "../../lorawan/frequency-plans/index.ts";
import { answerMacCommands, type MacContext } from "./mac-answers.ts";
import { bootSettings } from "./radio-settings.ts";

function context(planId: string): MacContext {
  return {
    settings: bootSettings(getFrequencyPlan(planId), "1.0.3-a", 2, true),
    version: "1.0.3",
    battery: 200,
    margin: 7,
    confirmed: new Set(),
  };
}

const bits = (from: number, to: number) =>
  Array.from({ length: 16 }, (_, i) => i >= from && i <= to);

describe("answerMacCommands", () => {
  it("US915: a LinkADRReq block (ChMaskCntl 7 then block 1) leaves sub-band 2 on", () => {
    const mac = context("US_902_928_FSB_1");
    const outcome = answerMacCommands(
      [
        {
          cid: 0x03,
          name: "LinkADRReq",
          dataRateIndex: 3,
          txPowerIndex: 1,
          chMask: bits(99, 99),
          chMaskCntl: 7,
          nbTrans: 2,
        },
        {
          cid: 0x03,
          name: "LinkADRReq",
          dataRateIndex: 3,
          txPowerIndex: 1,
          chMask: bits(0, 7),
          chMaskCntl: 1,
          nbTrans: 2,
        },
      ],
      mac,
    );
    const ack = {
      cid: 0x03,
      name: "LinkADRAns",
      powerAck: true,
      dataRateAck: true,
      channelMaskAck: true,
    };
    assert.deepEqual(outcome.answers, [ack, ack], "one answer per request");
    const enabled = mac.settings.channels.flatMap((c, i) => (c?.enabled ? [i] : []));
    assert.deepEqual(enabled, [16, 17, 18, 19, 20, 21, 22, 23]);
    assert.equal(mac.settings.dataRate, 3);
    assert.equal(mac.settings.nbTrans, 2);
  });

  it("refuses a mask that leaves no channel, and changes nothing", () => {
    const mac = context("EU_863_870_TTN");
    const outcome = answerMacCommands(
      [
        {
          cid: 0x03,
          name: "LinkADRReq",
          dataRateIndex: 5,
          txPowerIndex: 0,
          chMask: bits(99, 99),
          chMaskCntl: 0,
          nbTrans: 1,
        },
      ],
      mac,
    );
    assert.deepEqual(outcome.answers[0], {
      cid: 0x03,
      name: "LinkADRAns",
      powerAck: true,
      dataRateAck: false,
      channelMaskAck: false,
    });
    assert.equal(mac.settings.dataRate, 2);
    assert.equal(outcome.refused, 1);
  });

  it("EU868: NewChannelReq, DlChannelReq (sticky), RXParamSetupReq (sticky), DevStatusReq", () => {
    const mac = context("EU_863_870_TTN");
    const outcome = answerMacCommands(
      [
        {
          cid: 0x07,
          name: "NewChannelReq",
          chIndex: 9,
          frequency: 867_900_000,
          minDataRate: 0,
          maxDataRate: 5,
        },
        {
          cid: 0x07,
          name: "NewChannelReq",
          chIndex: 1,
          frequency: 867_900_000,
          minDataRate: 0,
          maxDataRate: 5,
        },
        { cid: 0x0a, name: "DlChannelReq", chIndex: 9, frequency: 869_525_000 },
        {
          cid: 0x05,
          name: "RXParamSetupReq",
          rx1DataRateOffset: 1,
          rx2DataRateIndex: 3,
          rx2Frequency: 869_525_000,
        },
        { cid: 0x06, name: "DevStatusReq" },
      ],
      mac,
    );
    assert.deepEqual(outcome.answers, [
      { cid: 0x07, name: "NewChannelAns", dataRateAck: true, frequencyAck: true },
      { cid: 0x07, name: "NewChannelAns", dataRateAck: false, frequencyAck: false },
      { cid: 0x06, name: "DevStatusAns", battery: 200, margin: 7 },
    ]);
    assert.deepEqual(
      outcome.sticky.map((c) => c.name),
      ["DlChannelAns", "RXParamSetupAns"],
    );
    assert.equal(mac.settings.channels[9]?.downlinkFrequencyHz, 869_525_000);
    assert.deepEqual(mac.settings.rx2, { frequencyHz: 869_525_000, dataRate: 3 });
    assert.equal(mac.settings.rx1DataRateOffset, 1);
  });
});
