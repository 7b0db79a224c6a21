import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ErrorDefinition } from "../../errors/index.ts";
import type { EndDevice } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { deriveJsEncKey, deriveJsIntKey } from "../../lorawan/crypto/index.ts";
import {
  errDevNonceReused,
  errDevNonceTooSmall,
  errJoinNonceExhausted,
  errMicMismatch,
  errNetIdMismatch,
  errNoAppKey,
  errNoNwkKey,
  errRejoinCountTooSmall,
  errUnsupportedJoinRequest,
  errUnsupportedMacVersion,
} from "../errors.ts";
import type { JoinOrigin } from "../join-handler.ts";
import { acceptJoin, type JoinOutcome } from "./accept-join.ts";
import { deviceReads, loraPacket } from "./device-side.ts";
import { decodeJoinMessage } from "./join-message.ts";
import {
  hex,
  joinRequest,
  joinRequestBytes,
  MACVersion,
  rejoinRequestBytes,
  type TestDeviceInit,
  testDevice,
  toHex,
} from "./test-device.ts";
import { versionRules } from "./versions.ts";

const appKey = hex("2b7e151628aed2a6abf7158809cf4f3c");
const nwkKey = hex("000102030405060708090a0b0c0d0e0f");

/** Runs one join of `device` with `devNonce`, signed as the version requires. */
function join(
  device: EndDevice,
  version: MACVersion,
  devNonce: number,
  origin: JoinOrigin = { kind: "cluster" },
): JoinOutcome {
  const lorawan11 = version === MACVersion.MAC_V1_1;
  const raw = joinRequestBytes(device, devNonce, lorawan11 ? nwkKey : appKey);
  const rules = versionRules(version);
  return acceptJoin(device, {
    request: joinRequest(raw, version),
    message: decodeJoinMessage(raw),
    rules,
    origin,
  });
}

interface Scenario {
  name: string;
  version: MACVersion;
  fields: TestDeviceInit["fields"];
  devNonce: number;
  /** The error, or what the stored device then holds. */
  expect: ErrorDefinition | { usedDevNonces?: number[]; lastDevNonce?: number };
}

const { MAC_V1_0_2, MAC_V1_0_3, MAC_V1_0_4, MAC_V1_1 } = MACVersion;

// DevNonce rules: random and never reused before 1.0.4, counting up from 1.0.4 (TTS's rules,
// resets_join_nonces included).
const scenarios: Scenario[] = [
  {
    name: "1.0.2, first join",
    version: MAC_V1_0_2,
    fields: {},
    devNonce: 771,
    expect: { usedDevNonces: [771] },
  },
  {
    name: "1.0.2, a used DevNonce",
    version: MAC_V1_0_2,
    fields: { usedDevNonces: [5, 771, 900], lastJoinNonce: 3 },
    devNonce: 771,
    expect: errDevNonceReused,
  },
  {
    name: "1.0.3, a smaller unused DevNonce is fine and the history stays sorted",
    version: MAC_V1_0_3,
    fields: { usedDevNonces: [5, 900], lastDevNonce: 900, lastJoinNonce: 2 },
    devNonce: 6,
    expect: { usedDevNonces: [5, 6, 900], lastDevNonce: 900 },
  },
  {
    name: "1.0.3, a used DevNonce with resets_join_nonces",
    version: MAC_V1_0_3,
    fields: { usedDevNonces: [5, 900], lastJoinNonce: 2, resetsJoinNonces: true },
    devNonce: 900,
    expect: { usedDevNonces: [5, 900] },
  },
  {
    name: "1.0.4, DevNonce 0 of a device that never joined",
    version: MAC_V1_0_4,
    fields: {},
    devNonce: 0,
    expect: { lastDevNonce: 0 },
  },
  {
    name: "1.0.4, DevNonce 0 again after a join",
    version: MAC_V1_0_4,
    fields: { lastJoinNonce: 1 },
    devNonce: 0,
    expect: errDevNonceTooSmall,
  },
  {
    name: "1.0.4, the last DevNonce again",
    version: MAC_V1_0_4,
    fields: { lastDevNonce: 10, lastJoinNonce: 4 },
    devNonce: 10,
    expect: errDevNonceTooSmall,
  },
  {
    name: "1.0.4, a smaller DevNonce",
    version: MAC_V1_0_4,
    fields: { lastDevNonce: 10, lastJoinNonce: 4 },
    devNonce: 9,
    expect: errDevNonceTooSmall,
  },
  {
    name: "1.0.4, a greater DevNonce (the 1.0 history does not count)",
    version: MAC_V1_0_4,
    fields: { lastDevNonce: 10, lastJoinNonce: 4, usedDevNonces: [11] },
    devNonce: 11,
    expect: { lastDevNonce: 11, usedDevNonces: [11] },
  },
  {
    name: "1.0.4, a smaller DevNonce with resets_join_nonces",
    version: MAC_V1_0_4,
    fields: { lastDevNonce: 10, lastJoinNonce: 4, resetsJoinNonces: true },
    devNonce: 2,
    expect: { lastDevNonce: 2 },
  },
  {
    name: "1.1, the last DevNonce again",
    version: MAC_V1_1,
    fields: { lastDevNonce: 300, lastJoinNonce: 7 },
    devNonce: 300,
    expect: errDevNonceTooSmall,
  },
  {
    name: "1.1, a greater DevNonce",
    version: MAC_V1_1,
    fields: { lastDevNonce: 300, lastJoinNonce: 7 },
    devNonce: 301,
    expect: { lastDevNonce: 301 },
  },
  {
    name: "1.1, a smaller DevNonce with resets_join_nonces",
    version: MAC_V1_1,
    fields: { lastDevNonce: 300, lastJoinNonce: 7, resetsJoinNonces: true },
    devNonce: 1,
    expect: { lastDevNonce: 1 },
  },
];

describe("DevNonce rules", () => {
  for (const scenario of scenarios) {
    it(scenario.name, () => {
      const device = testDevice({ nwkKey: toHex(nwkKey), fields: scenario.fields });
      const run = () => join(device, scenario.version, scenario.devNonce);
      const { expect } = scenario;
      if ("matches" in expect) {
        assert.throws(run, (error) => expect.matches(error));
        return;
      }
      const outcome = run();
      assert.equal(outcome.joinNonce, device.lastJoinNonce + 1);
      assert.equal(outcome.device.lastJoinNonce, outcome.joinNonce);
      if (expect.usedDevNonces)
        assert.deepEqual(outcome.device.usedDevNonces, expect.usedDevNonces);
      if (expect.lastDevNonce !== undefined)
        assert.equal(outcome.device.lastDevNonce, expect.lastDevNonce);
    });
  }

  it("leaves the device it was given unchanged (the registry stores the result)", () => {
    const device = testDevice({ fields: { usedDevNonces: [1] } });
    join(device, MAC_V1_0_2, 2);
    assert.deepEqual(device.usedDevNonces, [1]);
    assert.equal(device.lastJoinNonce, 0);
  });
});

describe("acceptJoin", () => {
  it("takes JoinNonce 2^24 - 1, then refuses: the device must get new root keys", () => {
    const last = join(testDevice({ fields: { lastJoinNonce: 0xfffffe } }), MAC_V1_0_2, 1);
    assert.equal(last.joinNonce, 0xffffff);
    assert.throws(
      () => join(testDevice({ fields: { lastJoinNonce: 0xffffff } }), MAC_V1_0_2, 1),
      (error) => errJoinNonceExhausted.matches(error),
    );
  });

  it("refuses a wrong MIC: 1.0 signed with another key, 1.1 signed with the AppKey", () => {
    const device = testDevice({ nwkKey: toHex(nwkKey) });
    const forged = joinRequestBytes(device, 1, hex("00".repeat(16)));
    const rules = versionRules(MAC_V1_0_2);
    const request = joinRequest(forged, MAC_V1_0_2);
    const origin = { kind: "cluster" } as const;
    assert.throws(
      () => acceptJoin(device, { request, message: decodeJoinMessage(forged), rules, origin }),
      (error) => errMicMismatch.matches(error),
    );
    const withAppKey = joinRequestBytes(device, 1, appKey);
    assert.throws(
      () =>
        acceptJoin(device, {
          request: joinRequest(withAppKey, MAC_V1_1),
          message: decodeJoinMessage(withAppKey),
          rules: versionRules(MAC_V1_1),
          origin,
        }),
      (error) => errMicMismatch.matches(error),
    );
  });

  it("needs the AppKey, and for 1.1 the NwkKey; refuses versions it does not serve", () => {
    assert.throws(
      () => join(testDevice({ fields: { rootKeys: {} } }), MAC_V1_0_2, 1),
      (error) => errNoAppKey.matches(error),
    );
    assert.throws(
      () => join(testDevice(), MAC_V1_1, 1),
      (error) => errNoNwkKey.matches(error),
    );
    for (const version of [MACVersion.MAC_UNKNOWN, MACVersion.MAC_V1_2_0]) {
      assert.throws(
        () => versionRules(version),
        (error) => errUnsupportedMacVersion.matches(error),
      );
    }
  });

  it("serves a Backend Interfaces join only from the device's home NetID", () => {
    const device = testDevice({ netId: "000013" });
    assert.throws(
      () => join(device, MAC_V1_0_3, 1, { kind: "interop", netId: hex("000042") }),
      (error) => errNetIdMismatch.matches(error),
    );
    assert.throws(
      () => join(device, MAC_V1_0_3, 1, { kind: "interop" }),
      (error) => errNetIdMismatch.matches(error),
    );
    assert.equal(
      join(device, MAC_V1_0_3, 1, { kind: "interop", netId: hex("000013") }).joinNonce,
      1,
    );
  });

  it("1.0.2: the ChirpStack join-request vector (V7) is accepted; the device reads the accept and derives the same keys", () => {
    const device = testDevice({
      joinEui: "0101010101010101",
      devEui: "0202020202020202",
      appKey: "0102030405060708090a0b0c0d0e0f10",
    });
    const raw = hex("0001010101010101010202020202020202030309b97b32");
    const request = joinRequest(raw, MAC_V1_0_2, {
      netId: hex("000013"),
      devAddr: hex("26011f2a"),
      downlinkSettings: { rx1DrOffset: 2, rx2Dr: 3 },
      rxDelay: 5,
    });
    const outcome = acceptJoin(device, {
      request,
      message: decodeJoinMessage(raw),
      rules: versionRules(MAC_V1_0_2),
      origin: { kind: "cluster" },
    });
    const key = hex("0102030405060708090a0b0c0d0e0f10");
    const read = deviceReads(outcome.joinAccept, { lorawan11: false, appKey: key });
    assert.equal(read.micOk, true);
    assert.deepEqual(
      [read.joinNonce, read.netId, read.devAddr, read.dlSettings, read.rxDelay, read.optNeg],
      ["000001", "000013", "26011f2a", "23", "05", false],
    );
    const keys = loraPacket.generateSessionKeys10(
      Buffer.from(key),
      Buffer.from(hex("000013")),
      Buffer.from(hex("000001")),
      Buffer.from(hex("0303")),
    );
    assert.equal(toHex(outcome.keys.fNwkSIntKey), keys.NwkSKey.toString("hex"));
    assert.equal(toHex(outcome.keys.appSKey), keys.AppSKey.toString("hex"));
    assert.equal(outcome.keys.sNwkSIntKey, undefined);
    assert.equal(outcome.keys.nwkSEncKey, undefined);
  });

  it("derives the session keys of the ChirpStack vector (V12) for 1.0.x and 1.1", () => {
    const v12 = {
      nwkKey: "01020304050607080102030405060708",
      appKey: "00000000000000000000000000000000",
      joinEui: "0807060504030201",
    };
    const fields = { lastJoinNonce: 65535, lastDevNonce: 257 };
    const as10 = join10(testDevice({ joinEui: v12.joinEui, appKey: v12.nwkKey, fields }));
    assert.equal(toHex(as10.keys.fNwkSIntKey), "df53c35f3034ccced0ff354c70de04df");
    assert.equal(toHex(as10.keys.appSKey), "927b9c911183cffe4cb2ff4b75545f6d");

    const device = testDevice({
      joinEui: v12.joinEui,
      appKey: v12.appKey,
      nwkKey: v12.nwkKey,
      fields,
    });
    const raw = joinRequestBytes(device, 258, hex(v12.nwkKey));
    const as11 = acceptJoin(device, {
      request: joinRequest(raw, MAC_V1_1, { netId: hex("010203") }),
      message: decodeJoinMessage(raw),
      rules: versionRules(MAC_V1_1),
      origin: { kind: "cluster" },
    });
    assert.equal(as11.joinNonce, 65536);
    assert.equal(toHex(as11.keys.fNwkSIntKey), "537f8aae896c79e015d102d06286354e");
    assert.equal(toHex(as11.keys.sNwkSIntKey), "589498993092cfdb5fd2e02ac7510bf1");
    assert.equal(toHex(as11.keys.nwkSEncKey), "9898283c4f66eb6c6fd5165882046c40");
    assert.equal(toHex(as11.keys.appSKey), "01621215d1ca08febf0c602cc2ad90fa");
    const read = deviceReads(as11.joinAccept, {
      lorawan11: true,
      decryptionKey: hex(v12.nwkKey),
      jsIntKey: deriveJsIntKey(hex(v12.nwkKey), device.ids?.devEui as Uint8Array),
      joinReqType: 0xff,
      joinEui: hex(v12.joinEui),
      devNonce: 258,
    });
    assert.equal(read.micOk, true);
    assert.equal(read.optNeg, true);
    assert.equal(read.joinNonce, "010000");

    function join10(d: EndDevice) {
      const bytes = joinRequestBytes(d, 258, hex(v12.nwkKey));
      return acceptJoin(d, {
        request: joinRequest(bytes, MAC_V1_0_4, { netId: hex("010203") }),
        message: decodeJoinMessage(bytes),
        rules: versionRules(MAC_V1_0_4),
        origin: { kind: "cluster" },
      });
    }
  });
});

describe("rejoin-requests (LoRaWAN 1.1)", () => {
  const device11 = (fields: TestDeviceInit["fields"] = {}) =>
    testDevice({
      nwkKey: toHex(nwkKey),
      fields: { lastJoinNonce: 20, lastDevNonce: 5, ...fields },
    });

  function rejoin(device: EndDevice, type: 0 | 1 | 2, count: number, version = MAC_V1_1) {
    const raw = rejoinRequestBytes(device, type, count, nwkKey);
    return acceptJoin(device, {
      request: joinRequest(raw, version),
      message: decodeJoinMessage(raw),
      rules: versionRules(version),
      origin: { kind: "cluster" },
    });
  }

  for (const type of [0, 1, 2] as const) {
    it(`type ${type}: a join-accept encrypted with the JSEncKey and signed for JoinReqType ${type}`, () => {
      const device = device11();
      const outcome = rejoin(device, type, 7);
      const devEui = device.ids?.devEui as Uint8Array;
      const joinEui = device.ids?.joinEui as Uint8Array;
      const read = deviceReads(outcome.joinAccept, {
        lorawan11: true,
        decryptionKey: deriveJsEncKey(nwkKey, devEui),
        jsIntKey: deriveJsIntKey(nwkKey, devEui),
        joinReqType: type,
        joinEui,
        devNonce: 7,
      });
      assert.equal(read.micOk, true);
      assert.equal(read.joinNonce, "000015");
      const keys = loraPacket.generateSessionKeys11(
        Buffer.from(appKey),
        Buffer.from(nwkKey),
        Buffer.from(joinEui),
        Buffer.from(hex("000015")),
        Buffer.from(hex("0007")),
      );
      assert.equal(toHex(outcome.keys.sNwkSIntKey), keys.SNwkSIntKey.toString("hex"));
      assert.equal(toHex(outcome.keys.appSKey), keys.AppSKey.toString("hex"));
      assert.equal(outcome.device.lastDevNonce, 5);
      if (type === 1) assert.equal(outcome.device.lastRjCount1, 7);
      else assert.equal(outcome.device.lastRjCount0, 7);
    });
  }

  it("type 1: RJcount1 must grow; its MIC is checked with the JSIntKey", () => {
    assert.equal(rejoin(device11(), 1, 0).device.lastRjCount1, 0);
    for (const count of [3, 2]) {
      assert.throws(
        () => rejoin(device11({ lastRjCount1: 3 }), 1, count),
        (error) => errRejoinCountTooSmall.matches(error),
      );
    }
    const device = device11();
    const raw = rejoinRequestBytes(device, 1, 9, hex("ff".repeat(16)));
    assert.throws(
      () =>
        acceptJoin(device, {
          request: joinRequest(raw, MAC_V1_1),
          message: decodeJoinMessage(raw),
          rules: versionRules(MAC_V1_1),
          origin: { kind: "cluster" },
        }),
      (error) => errMicMismatch.matches(error),
    );
  });

  it("types 0 and 2: RJcount0 restarts with every join-accept, so it is recorded, not refused", () => {
    assert.equal(rejoin(device11({ lastRjCount0: 9 }), 0, 0).device.lastRjCount0, 0);
    assert.equal(rejoin(device11({ lastRjCount0: 9 }), 2, 3).device.lastRjCount0, 3);
  });

  it("is refused for LoRaWAN 1.0.x sessions", () => {
    assert.throws(
      () => rejoin(device11(), 1, 1, MAC_V1_0_4),
      (error) => errUnsupportedJoinRequest.matches(error),
    );
  });
});
