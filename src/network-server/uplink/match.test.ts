import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import loraPacketModule from "lora-packet";
import type { EndDevice, MACState_UplinkMessage } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { MACVersion } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import {
  decodeDataUplink,
  type MatchResult,
  matchDataUplink,
  type UplinkContext,
} from "./match.ts";
import {
  buildUplink,
  device,
  type FrameSpec,
  hex,
  joinRequestUplink,
  type MicSpec,
  recentUplink,
} from "./testing.ts";

// lora-packet's types describe a default export; at run time it is the CommonJS exports.
const loraPacket = loraPacketModule as unknown as (typeof loraPacketModule)["default"];

const T = Date.UTC(2026, 0, 1, 12);
const devAddr = hex("26011234");
const otherAddr = hex("26019999");
const keyA = hex("2b7e151628aed2a6abf7158809cf4f3c");
const keyB = hex("000102030405060708090a0b0c0d0e0f");
const keyC = hex("f0e0d0c0b0a090807060504030201000");
const fKey = hex("11111111111111111111111111111111");
const sKey = hex("22222222222222222222222222222222");
const context: UplinkContext = { dataRateIndex: 5, channelIndex: 2, receivedAtMs: T };

interface DeviceSpec {
  id: string;
  version?: MACVersion;
  key?: Uint8Array;
  last?: number;
  lastConfFCntDown?: number;
  supports32BitFCnt?: boolean;
  resetsFCnt?: boolean;
  supportsJoin?: boolean;
  recent?: MACState_UplinkMessage[];
  nbTrans?: number;
  devAddr?: Uint8Array;
  /** A pending session (after a join) with this DevAddr and the 1.0 key or 1.1 keys. */
  pending?: { devAddr: Uint8Array; version: MACVersion; key?: Uint8Array };
}

function sessionKeys(version: MACVersion, key: Uint8Array) {
  return version === MACVersion.MAC_V1_1
    ? { fNwkSIntKey: { key: fKey }, sNwkSIntKey: { key: sKey }, nwkSEncKey: { key: keyC } }
    : { fNwkSIntKey: { key } };
}

function makeDevice(spec: DeviceSpec): EndDevice {
  const version = spec.version ?? MACVersion.MAC_V1_0_2;
  return device({
    ids: { deviceId: spec.id, applicationIds: { applicationId: "app" } },
    lorawanVersion: version,
    supportsJoin: spec.supportsJoin ?? false,
    macSettings: {
      ...(spec.supports32BitFCnt === undefined
        ? {}
        : { supports32BitFCnt: { value: spec.supports32BitFCnt } }),
      ...(spec.resetsFCnt === undefined ? {} : { resetsFCnt: { value: spec.resetsFCnt } }),
    },
    session: {
      devAddr: spec.devAddr ?? devAddr,
      keys: sessionKeys(version, spec.key ?? keyA),
      lastFCntUp: spec.last ?? 0,
      lastConfFCntDown: spec.lastConfFCntDown ?? 0,
      startedAt: timestampFromMs(T - 3_600_000),
    },
    macState: {
      lorawanVersion: version,
      currentParameters: { rx1Delay: 1, adrNbTrans: spec.nbTrans ?? 1 },
      recentUplinks: spec.recent ?? [],
    },
    ...(spec.pending === undefined
      ? {}
      : {
          pendingSession: {
            devAddr: spec.pending.devAddr,
            keys: sessionKeys(spec.pending.version, spec.pending.key ?? keyB),
          },
          pendingMacState: {
            lorawanVersion: spec.pending.version,
            currentParameters: { rx1Delay: 1, adrNbTrans: 1 },
            recentUplinks: [joinRequestUplink(T - 6_000)],
            pendingJoinRequest: { rxDelay: 5, downlinkSettings: { rx1DrOffset: 2, rx2Dr: 3 } },
          },
        }),
  });
}

const mic10 = (nwkSKey: Uint8Array): MicSpec => ({ version: "1.0", nwkSKey });
const mic11 = (extra: { confFCnt?: number; txDr?: number; txCh?: number } = {}): MicSpec => ({
  version: "1.1",
  fNwkSIntKey: fKey,
  sNwkSIntKey: sKey,
  txDr: 5,
  txCh: 2,
  ...extra,
});

type Expect =
  | {
      device: string;
      session?: "current" | "pending";
      fCnt: number;
      reset?: boolean;
      transmission?: number;
    }
  | { drop: string; reasons: string[] };

interface Scenario {
  name: string;
  devices: DeviceSpec[];
  frame: FrameSpec;
  mic: MicSpec;
  context?: Partial<UplinkContext>;
  expect: Expect;
}

const repeated = buildUplink({ devAddr, fCnt: 30 }, mic10(keyA));
const repeatedConfirmed = buildUplink({ devAddr, fCnt: 30, confirmed: true }, mic10(keyA));

const scenarios: Scenario[] = [
  {
    name: "1.0.2 ABP device, next FCnt",
    devices: [{ id: "a", last: 10 }],
    frame: { devAddr, fCnt: 11 },
    mic: mic10(keyA),
    expect: { device: "a", fCnt: 11 },
  },
  {
    name: "1.1 device: FNwkSIntKey and SNwkSIntKey with TxDr and TxCh",
    devices: [{ id: "a", version: MACVersion.MAC_V1_1, last: 10 }],
    frame: { devAddr, fCnt: 12 },
    mic: mic11(),
    expect: { device: "a", fCnt: 12 },
  },
  {
    name: "1.1 MIC with another TxDr than the reception's",
    devices: [{ id: "a", version: MACVersion.MAC_V1_1, last: 10 }],
    frame: { devAddr, fCnt: 12 },
    mic: mic11({ txDr: 3 }),
    expect: { drop: "mic_mismatch", reasons: ["a/current:mic_mismatch"] },
  },
  {
    name: "three devices sharing a DevAddr, picked by MIC",
    devices: [
      { id: "a", key: keyA, last: 5 },
      { id: "b", key: keyB, last: 5 },
      { id: "c", key: keyC, last: 5 },
    ],
    frame: { devAddr, fCnt: 6 },
    mic: mic10(keyC),
    expect: { device: "c", fCnt: 6 },
  },
  {
    name: "the most recently active of two devices whose MIC verifies",
    devices: [
      {
        id: "old",
        last: 5,
        recent: [recentUplink(buildUplink({ devAddr, fCnt: 5 }, mic10(keyA)), T - 60_000, 5)],
      },
      {
        id: "new",
        last: 5,
        recent: [recentUplink(buildUplink({ devAddr, fCnt: 5 }, mic10(keyA)), T - 10_000, 5)],
      },
    ],
    frame: { devAddr, fCnt: 6 },
    mic: mic10(keyA),
    expect: { device: "new", fCnt: 6 },
  },
  {
    name: "FCnt rollover 65535 → 65536",
    devices: [{ id: "a", last: 65535 }],
    frame: { devAddr, fCnt: 65536 },
    mic: mic10(keyA),
    expect: { device: "a", fCnt: 65536 },
  },
  {
    name: "32-bit counter in a later block",
    devices: [{ id: "a", version: MACVersion.MAC_V1_0_4, last: 0x12345 }],
    frame: { devAddr, fCnt: 0x12400 },
    mic: mic10(keyA),
    expect: { device: "a", fCnt: 0x12400 },
  },
  {
    name: "16-bit counters: the field is the counter",
    devices: [{ id: "a", last: 100, supports32BitFCnt: false }],
    frame: { devAddr, fCnt: 101 },
    mic: mic10(keyA),
    expect: { device: "a", fCnt: 101 },
  },
  {
    name: "resets_f_cnt: the device rebooted and counts from 1",
    devices: [{ id: "a", last: 500, resetsFCnt: true }],
    frame: { devAddr, fCnt: 1 },
    mic: mic10(keyA),
    expect: { device: "a", fCnt: 1, reset: true },
  },
  {
    name: "reset counter of a device without resets_f_cnt",
    devices: [{ id: "a", last: 500 }],
    frame: { devAddr, fCnt: 1 },
    mic: mic10(keyA),
    expect: { drop: "f_cnt_too_low", reasons: ["a/current:f_cnt_too_low"] },
  },
  {
    name: "resets_f_cnt never while acknowledging a downlink",
    devices: [{ id: "a", last: 500, resetsFCnt: true }],
    frame: { devAddr, fCnt: 1, ack: true },
    mic: mic10(keyA),
    expect: { drop: "f_cnt_too_low", reasons: ["a/current:f_cnt_too_low"] },
  },
  {
    name: "replay of an older frame (16-bit counters)",
    devices: [{ id: "a", last: 20, supports32BitFCnt: false }],
    frame: { devAddr, fCnt: 19 },
    mic: mic10(keyA),
    expect: { drop: "f_cnt_too_low", reasons: ["a/current:f_cnt_too_low"] },
  },
  {
    name: "replay of an older frame (32-bit counters: verified in the last counter's epoch)",
    devices: [{ id: "a", last: 65_556 }],
    frame: { devAddr, fCnt: 65_555 },
    mic: mic10(keyA),
    expect: { drop: "f_cnt_too_low", reasons: ["a/current:f_cnt_too_low"] },
  },
  {
    name: "a frame of another key below the last counter: still a MIC mismatch",
    devices: [{ id: "a", last: 20 }],
    frame: { devAddr, fCnt: 19 },
    mic: mic10(keyB),
    expect: { drop: "mic_mismatch", reasons: ["a/current:mic_mismatch"] },
  },
  {
    name: "1.0.2 FCnt gap above MAX_FCNT_GAP",
    devices: [{ id: "a", last: 10 }],
    frame: { devAddr, fCnt: 16395 },
    mic: mic10(keyA),
    expect: { drop: "f_cnt_gap_too_large", reasons: ["a/current:f_cnt_gap_too_large"] },
  },
  {
    name: "1.0.4 has no MAX_FCNT_GAP",
    devices: [{ id: "a", version: MACVersion.MAC_V1_0_4, last: 10 }],
    frame: { devAddr, fCnt: 16395 },
    mic: mic10(keyA),
    expect: { device: "a", fCnt: 16395 },
  },
  {
    name: "retransmission within NbTrans and the delay",
    devices: [{ id: "a", last: 30, nbTrans: 2, recent: [recentUplink(repeated, T - 3_000, 30)] }],
    frame: { devAddr, fCnt: 30 },
    mic: mic10(keyA),
    expect: { device: "a", fCnt: 30, transmission: 2 },
  },
  {
    name: "confirmed retransmission before 1.0.4: up to 5 whatever NbTrans",
    devices: [
      {
        id: "a",
        last: 30,
        nbTrans: 1,
        recent: [1, 2, 3].map((i) => recentUplink(repeatedConfirmed, T - 9_000 + i * 2_000, 30)),
      },
    ],
    frame: { devAddr, fCnt: 30, confirmed: true },
    mic: mic10(keyA),
    expect: { device: "a", fCnt: 30, transmission: 4 },
  },
  {
    name: "retransmission beyond NbTrans",
    devices: [{ id: "a", last: 30, nbTrans: 1, recent: [recentUplink(repeated, T - 3_000, 30)] }],
    frame: { devAddr, fCnt: 30 },
    mic: mic10(keyA),
    expect: {
      drop: "transmission_number_exceeds",
      reasons: ["a/current:transmission_number_exceeds"],
    },
  },
  {
    name: "retransmission later than RX1 delay + 1 s + 10 s",
    devices: [{ id: "a", last: 30, nbTrans: 3, recent: [recentUplink(repeated, T - 12_001, 30)] }],
    frame: { devAddr, fCnt: 30 },
    mic: mic10(keyA),
    expect: {
      drop: "retransmission_delay_exceeds",
      reasons: ["a/current:retransmission_delay_exceeds"],
    },
  },
  {
    name: "same FCnt, other payload: not a retransmission",
    devices: [{ id: "a", last: 30, nbTrans: 3, recent: [recentUplink(repeated, T - 3_000, 30)] }],
    frame: { devAddr, fCnt: 30, frmPayload: hex("ff") },
    mic: mic10(keyA),
    expect: { drop: "f_cnt_repeated", reasons: ["a/current:f_cnt_repeated"] },
  },
  {
    name: "1.1 confirmed-downlink ACK: ConfFCnt is last_conf_f_cnt_down",
    devices: [{ id: "a", version: MACVersion.MAC_V1_1, last: 40, lastConfFCntDown: 7 }],
    frame: { devAddr, fCnt: 41, ack: true },
    mic: mic11({ confFCnt: 7 }),
    expect: { device: "a", fCnt: 41 },
  },
  {
    name: "1.1 ACK signed without ConfFCnt",
    devices: [{ id: "a", version: MACVersion.MAC_V1_1, last: 40, lastConfFCntDown: 7 }],
    frame: { devAddr, fCnt: 41, ack: true },
    mic: mic11({ confFCnt: 0 }),
    expect: { drop: "mic_mismatch", reasons: ["a/current:mic_mismatch"] },
  },
  {
    name: "pending session after a 1.1 join (old session on another DevAddr)",
    devices: [
      {
        id: "a",
        version: MACVersion.MAC_V1_1,
        devAddr: otherAddr,
        last: 900,
        supportsJoin: true,
        pending: { devAddr, version: MACVersion.MAC_V1_1 },
      },
    ],
    frame: { devAddr, fCnt: 0 },
    mic: mic11(),
    expect: { device: "a", session: "pending", fCnt: 0 },
  },
  {
    name: "pending session after a 1.0.3 join, same DevAddr as the old session",
    devices: [
      {
        id: "a",
        version: MACVersion.MAC_V1_0_3,
        last: 900,
        supportsJoin: true,
        pending: { devAddr, version: MACVersion.MAC_V1_0_3, key: keyB },
      },
    ],
    frame: { devAddr, fCnt: 0 },
    mic: mic10(keyB),
    expect: { device: "a", session: "pending", fCnt: 0 },
  },
  {
    name: "first uplink of an OTAA session: FCnt 0 after the join-request",
    devices: [{ id: "a", supportsJoin: true, last: 0, recent: [joinRequestUplink(T - 6_000)] }],
    frame: { devAddr, fCnt: 0 },
    mic: mic10(keyA),
    expect: { device: "a", fCnt: 0 },
  },
  {
    name: "first uplink of an ABP device: FCnt 0",
    devices: [{ id: "a", last: 0 }],
    frame: { devAddr, fCnt: 0 },
    mic: mic10(keyA),
    expect: { device: "a", fCnt: 0 },
  },
  {
    name: "MIC of no candidate",
    devices: [
      { id: "a", key: keyA, last: 5 },
      { id: "b", key: keyB, last: 5 },
    ],
    frame: { devAddr, fCnt: 6 },
    mic: mic10(keyC),
    expect: { drop: "mic_mismatch", reasons: ["a/current:mic_mismatch", "b/current:mic_mismatch"] },
  },
  {
    name: "no device has the DevAddr",
    devices: [{ id: "a", devAddr: otherAddr, last: 5 }],
    frame: { devAddr, fCnt: 6 },
    mic: mic10(keyA),
    expect: { drop: "no_matching_device", reasons: [] },
  },
];

function summary(result: MatchResult) {
  if (!result.matched) {
    return {
      drop: result.error.definition.name,
      reasons: result.candidates.map(
        (drop) => `${drop.device.ids?.deviceId}/${drop.session}:${drop.error.definition.name}`,
      ),
    };
  }
  return {
    device: result.device.ids?.deviceId ?? "",
    session: result.session,
    fCnt: result.fCnt,
    reset: result.fCntReset,
    transmission: result.transmission,
  };
}

function expected(expect: Expect) {
  if ("drop" in expect) return expect;
  return { session: "current", reset: false, transmission: 1, ...expect };
}

describe("matchDataUplink", () => {
  for (const scenario of scenarios) {
    it(scenario.name, () => {
      const { phyPayload } = buildUplink(scenario.frame, scenario.mic);
      const result = matchDataUplink(
        decodeDataUplink(phyPayload),
        scenario.devices.map(makeDevice),
        { ...context, ...scenario.context },
      );
      assert.deepEqual(summary(result), expected(scenario.expect));
      if (result.matched) {
        assert.equal(result.retransmission, result.transmission > 1);
      }
    });
  }

  it("reports the matched 1.1 session's keys as AES contexts", () => {
    const { phyPayload } = buildUplink({ devAddr, fCnt: 3 }, mic11());
    const result = matchDataUplink(
      decodeDataUplink(phyPayload),
      [makeDevice({ id: "a", version: MACVersion.MAC_V1_1, last: 2 })],
      context,
    );
    assert.ok(result.matched);
    assert.equal(result.lorawanVersion, MACVersion.MAC_V1_1);
    assert.ok(result.keys.fNwkSIntKey.hasKey(fKey));
    assert.ok(result.keys.sNwkSIntKey?.hasKey(sKey));
    assert.ok(result.keys.nwkSEncKey?.hasKey(keyC));
  });

  it("drops a session whose keys are not in plain with session_keys_missing", () => {
    const { phyPayload } = buildUplink({ devAddr, fCnt: 3 }, mic10(keyA));
    const dev = makeDevice({ id: "a", last: 2 });
    if (dev.session?.keys?.fNwkSIntKey) dev.session.keys.fNwkSIntKey.key = new Uint8Array();
    const result = matchDataUplink(decodeDataUplink(phyPayload), [dev], context);
    assert.deepEqual(summary(result), {
      drop: "session_keys_missing",
      reasons: ["a/current:session_keys_missing"],
    });
  });

  it("matches a 1.0.2 uplink built by lora-packet (independent oracle) across the rollover", () => {
    const packet = loraPacket.fromFields(
      {
        MType: "Unconfirmed Data Up",
        DevAddr: Buffer.from(devAddr),
        FCtrl: { ADR: false, ACK: false },
        FCnt: 2,
        FPort: 10,
        payload: Buffer.from("hello"),
      },
      Buffer.from(keyB),
      Buffer.from(keyA),
      undefined,
      // The counter's high bytes as they follow FCnt in B0: little-endian.
      Buffer.from([0x01, 0x00]),
    );
    const phyPayload = new Uint8Array(packet.getPHYPayload() ?? Buffer.alloc(0));
    const uplink = decodeDataUplink(phyPayload);
    assert.equal(uplink.frame.fCnt, 2);
    const result = matchDataUplink(uplink, [makeDevice({ id: "a", last: 65534 })], context);
    assert.deepEqual(summary(result), {
      device: "a",
      session: "current",
      fCnt: 65538,
      reset: false,
      transmission: 1,
    });
    // And lora-packet agrees with the MIC our codec's frames carry.
    const ours = buildUplink({ devAddr, fCnt: 65538, fPort: 10 }, mic10(keyA)).phyPayload;
    const parsed = loraPacket.fromWire(Buffer.from(ours));
    assert.ok(
      loraPacket.verifyMIC(parsed, Buffer.from(keyA), undefined, Buffer.from([0x01, 0x00])),
    );
  });

  it("rejects frames that are not data uplinks", () => {
    assert.throws(
      () => decodeDataUplink(hex(`00${"01".repeat(22)}`)),
      /not_data_uplink|not a data uplink/,
    );
  });
});

describe("matchDataUplink with hostile input", () => {
  it("drops with mic_mismatch when the reception's TxDr does not fit a byte", () => {
    const { phyPayload } = buildUplink({ devAddr, fCnt: 3 }, mic11());
    const dev = makeDevice({ id: "a", version: MACVersion.MAC_V1_1, last: 2 });
    const result = matchDataUplink(decodeDataUplink(phyPayload), [dev], {
      ...context,
      dataRateIndex: 300,
    });
    assert.deepEqual(summary(result), {
      drop: "mic_mismatch",
      reasons: ["a/current:mic_mismatch"],
    });
  });
  it("drops a session with an unknown LoRaWAN version", () => {
    const { phyPayload } = buildUplink({ devAddr, fCnt: 3 }, mic10(keyA));
    const dev = makeDevice({ id: "a", version: MACVersion.MAC_UNKNOWN, last: 2 });
    const result = matchDataUplink(decodeDataUplink(phyPayload), [dev], context);
    assert.deepEqual(summary(result), {
      drop: "unknown_mac_version",
      reasons: ["a/current:unknown_mac_version"],
    });
  });
});
