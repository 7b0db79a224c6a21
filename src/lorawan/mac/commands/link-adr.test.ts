import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { errInvalidField } from "../errors.ts";
import { decodeMacCommands, encodeMacCommands } from "../sequence.ts";
import { assertGolden, assertRoundTrip, fromHex } from "../testing.ts";
import { type LinkADRReq, linkADR } from "./link-adr.ts";

const mask = (...on: number[]) => Array.from({ length: 16 }, (_, i) => on.includes(i));

describe("LinkADR (0x03)", () => {
  it("describes the CID", () => {
    assert.equal(linkADR.cid, 0x03);
    assert.equal(linkADR.uplinkLength, 1);
    assert.equal(linkADR.downlinkLength, 4);
    assert.equal(linkADR.initiatedBy, "network");
  });

  it("decodes and encodes LinkADRReq golden vectors", () => {
    // CID 0x03 | DataRate_TXPower: DR(7:4)=5 TXPower(3:0)=2 -> 0x52
    // | ChMask LE 0x0007 (channels 0, 1, 2) -> 07 00
    // | Redundancy: RFU(7)=0 ChMaskCntl(6:4)=0 NbTrans(3:0)=1 -> 0x01
    assertGolden("downlink", "03 52 0700 01", {
      cid: 0x03,
      name: "LinkADRReq",
      dataRateIndex: 5,
      txPowerIndex: 2,
      chMask: mask(0, 1, 2),
      chMaskCntl: 0,
      nbTrans: 1,
    });
    // CID 0x03 | DR=3 TXPower=0 -> 0x30 | ChMask LE 0xFF00 (channels 8-15) -> 00 FF
    // | ChMaskCntl=7 NbTrans=3 -> 0x73
    assertGolden("downlink", "03 30 00FF 73", {
      cid: 0x03,
      name: "LinkADRReq",
      dataRateIndex: 3,
      txPowerIndex: 0,
      chMask: mask(8, 9, 10, 11, 12, 13, 14, 15),
      chMaskCntl: 7,
      nbTrans: 3,
    });
  });

  it("decodes and encodes LinkADRAns golden vectors", () => {
    // CID 0x03 | Status: RFU(7:3)=0 PowerACK(2)=1 DataRateACK(1)=1 ChannelMaskACK(0)=1
    assertGolden("uplink", "03 07", {
      cid: 0x03,
      name: "LinkADRAns",
      powerAck: true,
      dataRateAck: true,
      channelMaskAck: true,
    });
    // CID 0x03 | Status: PowerACK=1 DataRateACK=0 ChannelMaskACK=1 -> 0x05
    assertGolden("uplink", "03 05", {
      cid: 0x03,
      name: "LinkADRAns",
      powerAck: true,
      dataRateAck: false,
      channelMaskAck: true,
    });
  });

  it("ignores RFU bits on decode", () => {
    // Redundancy RFU(7)=1 with NbTrans=1; Status RFU(7:3)=0x1F with only ChannelMaskACK set
    assert.equal(
      (decodeMacCommands(fromHex("03 52 0700 81"), "downlink")[0] as LinkADRReq).nbTrans,
      1,
    );
    assert.deepEqual(decodeMacCommands(fromHex("03 F9"), "uplink"), [
      { cid: 0x03, name: "LinkADRAns", powerAck: false, dataRateAck: false, channelMaskAck: true },
    ]);
  });

  it("round-trips", () => {
    assertRoundTrip("LinkADRReq");
    assertRoundTrip("LinkADRAns");
  });

  it("refuses fields without a wire form", () => {
    const base: LinkADRReq = {
      cid: 0x03,
      name: "LinkADRReq",
      dataRateIndex: 0,
      txPowerIndex: 0,
      chMask: mask(0),
      chMaskCntl: 0,
      nbTrans: 1,
    };
    const bad: [string, Partial<LinkADRReq>][] = [
      ["chMask", { chMask: mask(0).slice(1) }],
      ["chMask[3]", { chMask: mask(0).map((v, i) => (i === 3 ? 1 : v)) as unknown as boolean[] }],
      ["chMaskCntl", { chMaskCntl: 8 }],
      ["dataRateIndex", { dataRateIndex: 16 }],
      ["txPowerIndex", { txPowerIndex: -1 }],
      ["nbTrans", { nbTrans: 1.5 }],
    ];
    for (const [field, change] of bad) {
      assert.throws(
        () => encodeMacCommands([{ ...base, ...change }], "downlink"),
        (err) => errInvalidField.matches(err) && err.attributes.field === field,
        field,
      );
    }
  });
});
