import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DefinedError } from "../../errors/index.ts";
import { errCfListType, errField, errWrongLength } from "./errors.ts";
import type { JoinAcceptPayload } from "./frame.ts";
import { decodeJoinAcceptPayload, encodeJoinAcceptPayload } from "./join-accept-payload.ts";
import { hex } from "./test-helpers.ts";

const noDlSettings = { optNeg: false, rx1DrOffset: 0, rx2DataRate: 0 };

const basePayload: JoinAcceptPayload = {
  joinNonce: 1,
  homeNetId: hex("000013"),
  devAddr: hex("260b1234"),
  dlSettings: noDlSettings,
  rxDelay: 1,
};

/** Decrypted join-accept MACPayloads (without MIC), every field labelled. */
const vectors: { name: string; bytes: string; payload: JoinAcceptPayload }[] = [
  {
    name: "1.0 (TTS, vector V4 plaintext)",
    //      JoinNonce(LE) Home_NetID(LE) DevAddr(LE) DLSettings RxDelay
    bytes: "030201        030201         04030201    00         01",
    payload: {
      joinNonce: 0x010203,
      homeNetId: hex("010203"),
      devAddr: hex("01020304"),
      dlSettings: noDlSettings,
      rxDelay: 1,
    },
  },
  {
    name: "1.0 (CS, vector V8 plaintext)",
    bytes: "010101        020202         04030201    00         00",
    payload: {
      joinNonce: 65793,
      homeNetId: hex("020202"),
      devAddr: hex("01020304"),
      dlSettings: noDlSettings,
      rxDelay: 0,
    },
  },
  {
    name: "1.1 with OptNeg (CS, vector V9 plaintext)",
    bytes: "010101        020202         04030201    80         00",
    payload: {
      joinNonce: 65793,
      homeNetId: hex("020202"),
      devAddr: hex("01020304"),
      dlSettings: { optNeg: true, rx1DrOffset: 0, rx2DataRate: 0 },
      rxDelay: 0,
    },
  },
  {
    name: "1.0, real network (LP, vector V14 plaintext join-accept)",
    bytes: "386337        ccbbaa         e7cd2c01    00         00",
    payload: {
      joinNonce: 0x376338,
      homeNetId: hex("aabbcc"),
      devAddr: hex("012ccde7"),
      dlSettings: noDlSettings,
      rxDelay: 0,
    },
  },
  {
    name: "EU868 with CFList type 0: 867.1–867.9 MHz (ours)",
    //                                           DLSettings(RX1DROffset 3, RX2 DR3)
    //      JoinNonce NetID  DevAddr  DLSettings RxDelay Freq0  Freq1  Freq2  Freq3  Freq4  Type
    bytes: "000001    130000 34120b26 33         05      184f84 e85684 b85e84 886684 586e84 00",
    payload: {
      joinNonce: 0x010000,
      homeNetId: hex("000013"),
      devAddr: hex("260b1234"),
      dlSettings: { optNeg: false, rx1DrOffset: 3, rx2DataRate: 3 },
      rxDelay: 5,
      cfList: { type: 0, frequencies: [867100000, 867300000, 867500000, 867700000, 867900000] },
    },
  },
  {
    name: "US915 FSB2 with CFList type 1: channels 8–15 and 65 (ours)",
    //      JoinNonce NetID  DevAddr  DLS RxD ChMask0..5                RFU    Type
    bytes: "ffffff    130000 34120b26 f8  0f  00ff 0000 0000 0000 0200 0000 000000 01",
    payload: {
      joinNonce: 0xffffff,
      homeNetId: hex("000013"),
      devAddr: hex("260b1234"),
      dlSettings: { optNeg: true, rx1DrOffset: 7, rx2DataRate: 8 },
      rxDelay: 15,
      cfList: { type: 1, channelMasks: [0xff00, 0, 0, 0, 0x0002, 0] },
    },
  },
];

describe("join-accept MACPayload", () => {
  for (const vector of vectors) {
    it(`decodes and encodes ${vector.name}`, () => {
      const bytes = hex(vector.bytes);
      assert.deepEqual(decodeJoinAcceptPayload(bytes), vector.payload);
      assert.deepEqual(encodeJoinAcceptPayload(vector.payload), bytes);
    });
  }

  it("ignores RFU bits: RxDelay upper nibble and the 3 bytes after ChMask5", () => {
    const bytes = hex("000000 000000 00000000 00 f1 0000 0000 0000 0000 0000 0000 ffffff 01");
    const payload = decodeJoinAcceptPayload(bytes);
    assert.equal(payload.rxDelay, 1);
    assert.deepEqual(payload.cfList, { type: 1, channelMasks: [0, 0, 0, 0, 0, 0] });
  });

  it("pads short CFLists with zeros", () => {
    const payload: JoinAcceptPayload = {
      ...basePayload,
      cfList: { type: 0, frequencies: [868800000] },
    };
    const decoded = decodeJoinAcceptPayload(encodeJoinAcceptPayload(payload));
    assert.deepEqual(decoded.cfList, { type: 0, frequencies: [868800000, 0, 0, 0, 0] });
  });

  it("rejects wrong lengths and unknown CFList types with typed errors", () => {
    for (const length of [0, 11, 13, 16, 27, 29, 32]) {
      assert.throws(
        () => decodeJoinAcceptPayload(new Uint8Array(length)),
        errWrongLength.matches.bind(errWrongLength),
        `length ${length}`,
      );
    }
    const cfListType2 = new Uint8Array(28);
    cfListType2[27] = 2;
    assert.throws(
      () => decodeJoinAcceptPayload(cfListType2),
      (err: unknown) => errCfListType.matches(err) && err.attributes.cf_list_type === 2,
    );
    assert.throws(() => decodeJoinAcceptPayload("0102" as unknown as Uint8Array), DefinedError);
  });

  it("validates what it encodes", () => {
    const valid = basePayload;
    const bad: [string, unknown][] = [
      ["JoinNonce", { ...valid, joinNonce: 0x1000000 }],
      ["JoinNonce", { ...valid, joinNonce: -1 }],
      ["Home_NetID", { ...valid, homeNetId: new Uint8Array(4) }],
      ["DevAddr", { ...valid, devAddr: undefined }],
      ["DLSettings", { ...valid, dlSettings: null }],
      ["DLSettings OptNeg", { ...valid, dlSettings: { ...noDlSettings, optNeg: 1 } }],
      ["DLSettings RX1DROffset", { ...valid, dlSettings: { ...noDlSettings, rx1DrOffset: 8 } }],
      ["DLSettings RX2DataRate", { ...valid, dlSettings: { ...noDlSettings, rx2DataRate: 16 } }],
      ["RxDelay", { ...valid, rxDelay: 16 }],
      ["CFList", { ...valid, cfList: "x" }],
      ["CFList type", { ...valid, cfList: { type: 2 } }],
      ["CFList frequencies", { ...valid, cfList: { type: 0, frequencies: [1, 2, 3, 4, 5, 6] } }],
      ["CFList frequencies", { ...valid, cfList: { type: 0 } }],
      ["CFList frequency 0", { ...valid, cfList: { type: 0, frequencies: [868100050] } }],
      ["CFList frequency 1", { ...valid, cfList: { type: 0, frequencies: [0, 2e9] } }],
      [
        "CFList channel masks",
        { ...valid, cfList: { type: 1, channelMasks: new Array(7).fill(0) } },
      ],
      ["CFList ChMask2", { ...valid, cfList: { type: 1, channelMasks: [0, 0, 0x10000] } }],
      ["join-accept payload", null],
    ];
    for (const [field, payload] of bad) {
      assert.throws(
        () => encodeJoinAcceptPayload(payload as JoinAcceptPayload),
        (err: unknown) => errField.matches(err) && err.attributes.field === field,
        field,
      );
    }
  });
});
