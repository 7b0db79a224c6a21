/**
 * Join-accepts byte for byte against published vectors (../shared/vectors/lorawan-crypto.json,
 * written here so that a fresh clone proves them), each also decrypted and verified by an
 * independent device-side implementation, lora-packet.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CFListType } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { deriveJsIntKey } from "../../lorawan/crypto/index.ts";
import { cfListOf } from "./accept-payload.ts";
import { deviceReads } from "./device-side.ts";
import { buildJoinAccept } from "./join-accept.ts";
import { hex, toHex } from "./test-device.ts";

describe("join-accept vectors", () => {
  it("V4: LoRaWAN 1.0 (TTS join_messages_test), AppKey 01…01, RxDelay 1", () => {
    const appKey = hex("01010101010101010101010101010101");
    const phy = buildJoinAccept(
      {
        joinNonce: 0x010203,
        homeNetId: hex("010203"),
        devAddr: hex("01020304"),
        dlSettings: { optNeg: false, rx1DrOffset: 0, rx2DataRate: 0 },
        rxDelay: 1,
      },
      { lorawan11: false, appKey },
    );
    assert.equal(toHex(phy), "20c9fbb259e11649096a568a9e3b7117c3");
    const read = deviceReads(phy, { lorawan11: false, appKey });
    assert.equal(read.micOk, true);
    assert.equal(read.mic, "32f54ab3");
    assert.deepEqual(
      [read.joinNonce, read.netId, read.devAddr, read.dlSettings, read.rxDelay],
      ["010203", "010203", "01020304", "00", "01"],
    );
  });

  it("V8: LoRaWAN 1.0 (ChirpStack lrwn), JoinNonce 65793, NetID 020202", () => {
    const appKey = hex("0102030405060708090a0b0c0d0e0f10");
    const phy = buildJoinAccept(
      {
        joinNonce: 65793,
        homeNetId: hex("020202"),
        devAddr: hex("01020304"),
        dlSettings: { optNeg: false, rx1DrOffset: 0, rx2DataRate: 0 },
        rxDelay: 0,
      },
      { lorawan11: false, appKey },
    );
    assert.equal(toHex(phy), "2023cf335489aae3183c0be0baa8dee5f3");
    const read = deviceReads(phy, { lorawan11: false, appKey });
    assert.equal(read.micOk, true);
    assert.equal(read.mic, "3449f212");
  });

  it("V14: all-zero key and fields (lora-packet join_accept_encrypt)", () => {
    const appKey = new Uint8Array(16);
    const phy = buildJoinAccept(
      {
        joinNonce: 0,
        homeNetId: new Uint8Array(3),
        devAddr: new Uint8Array(4),
        dlSettings: { optNeg: false, rx1DrOffset: 0, rx2DataRate: 0 },
        rxDelay: 0,
      },
      { lorawan11: false, appKey },
    );
    assert.equal(toHex(phy), "20e3de108795f776b8037610ef7869b5b3");
    assert.equal(deviceReads(phy, { lorawan11: false, appKey }).mic, "f86f0a91");
  });

  it("V9: LoRaWAN 1.1 with OptNeg (ChirpStack lrwn), one key for MIC and encryption", () => {
    const key = hex("0102030405060708090a0b0c0d0e0f10");
    const joinEui = hex("0807060504030201");
    const phy = buildJoinAccept(
      {
        joinNonce: 65793,
        homeNetId: hex("020202"),
        devAddr: hex("01020304"),
        dlSettings: { optNeg: true, rx1DrOffset: 0, rx2DataRate: 0 },
        rxDelay: 0,
      },
      {
        lorawan11: true,
        jsIntKey: key,
        encryptionKey: key,
        joinReqType: 0xff,
        joinEui,
        devNonce: 258,
      },
    );
    assert.equal(toHex(phy), "207abeea06b02920f11c02d0348fcf1815");
    const read = deviceReads(phy, {
      lorawan11: true,
      decryptionKey: key,
      jsIntKey: key,
      joinReqType: 0xff,
      joinEui,
      devNonce: 258,
    });
    assert.equal(read.micOk, true);
    assert.equal(read.optNeg, true);
    assert.equal(read.mic, "93ff9a3a");
  });

  it("V5: the LoRaWAN 1.1 MIC over JoinReqType | JoinEUI | DevNonce | MHDR | payload (TTS)", () => {
    const jsIntKey = hex("01010101010101010101010101010101");
    const joinEui = hex("0807060504030201");
    const nwkKey = hex("0f0e0d0c0b0a09080706050403020100");
    const phy = buildJoinAccept(
      {
        joinNonce: 0x010203,
        homeNetId: hex("010203"),
        devAddr: hex("01020304"),
        dlSettings: { optNeg: false, rx1DrOffset: 0, rx2DataRate: 0 },
        rxDelay: 1,
      },
      {
        lorawan11: true,
        jsIntKey,
        encryptionKey: nwkKey,
        joinReqType: 0xff,
        joinEui,
        devNonce: 0x0201,
      },
    );
    const read = deviceReads(phy, { lorawan11: false, appKey: nwkKey });
    assert.equal(read.mic, "48e9be5f");
  });

  it("CFLists of frequencies and of channel masks (ChirpStack cflist vectors)", () => {
    const appKey = hex("0102030405060708090a0b0c0d0e0f10");
    const cases = [
      {
        list: {
          type: CFListType.FREQUENCIES,
          freq: [8671000, 8673000, 8675000, 8677000, 8679000],
          chMasks: [],
        },
        bytes: "184f84e85684b85e84886684586e8400",
      },
      {
        list: {
          type: CFListType.CHANNEL_MASKS,
          freq: [],
          chMasks: Array.from({ length: 8 }, () => true),
        },
        bytes: "ff000000000000000000000000000001",
      },
      {
        list: {
          type: CFListType.CHANNEL_MASKS,
          freq: [],
          chMasks: Array.from({ length: 24 }, (_, channel) => channel >= 16),
        },
        bytes: "0000ff00000000000000000000000001",
      },
    ];
    for (const { list, bytes } of cases) {
      const phy = buildJoinAccept(
        {
          joinNonce: 1,
          homeNetId: hex("000013"),
          devAddr: hex("26011f2a"),
          dlSettings: { optNeg: false, rx1DrOffset: 1, rx2DataRate: 3 },
          rxDelay: 5,
          cfList: cfListOf(list as never),
        },
        { lorawan11: false, appKey },
      );
      assert.equal(phy.length, 33);
      const read = deviceReads(phy, { lorawan11: false, appKey });
      assert.equal(read.micOk, true);
      assert.equal(read.cfList, bytes);
      assert.equal(read.dlSettings, "13");
      assert.equal(read.rxDelay, "05");
    }
  });

  it("derives the JSIntKey of the TTS vector (V6) that signs 1.1 accepts", () => {
    const key = deriveJsIntKey(hex("bec499c69e9c939e413b663961636c61"), hex("0042004213424341"));
    assert.equal(toHex(key), "cb8e9ee114c3fb5ce472a5aa13ab1855");
  });
});
