import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  decodePhyPayload,
  encodeJoinAcceptPayload,
  encodePhyPayload,
} from "../../lorawan/codec/index.ts";
import {
  computeDataDownlinkMic10,
  computeDataDownlinkMic11,
  computeJoinAcceptMic10,
  computeJoinAcceptMic11,
  decryptFOpts,
  deriveJsIntKey,
  deriveSessionKeys,
  encryptFOpts,
  encryptJoinAccept,
  verifyDataUplinkMic10,
  verifyJoinRequestMic,
} from "../../lorawan/crypto/index.ts";
import {
  type DownlinkMacCommand,
  decodeMacCommands,
  encodeMacCommands,
  type UplinkMacCommand,
} from "../../lorawan/mac/index.ts";
import type { Air, AirDownlink, AirUplink } from "../radio.ts";
import type { DeviceProfile } from "./profile.ts";
import { SimulatedDevice } from "./simulated-device.ts";
import type { DeviceEvent } from "./stats.ts";
import { ManualTime } from "./timers.ts";

const hex = (text: string) => Uint8Array.from(Buffer.from(text, "hex"));
const APP_KEY = "2B7E151628AED2A6ABF7158809CF4F3C";
const NWK_KEY = "000102030405060708090A0B0C0D0E0F";
const DEV_EUI = "70B3D57ED0000001";
const JOIN_EUI = "70B3D57ED0000000";
const DEV_ADDR = hex("260B1234");
const NWK_S_KEY = hex("11111111111111111111111111111111");
const APP_S_KEY = hex("22222222222222222222222222222222");
const EU_RX2 = 869_525_000;
const SF7 = { spreadingFactor: 7, bandwidth: 125_000, codingRate: "4/5" };
const SF9 = { spreadingFactor: 9, bandwidth: 125_000, codingRate: "4/5" };
const SF12 = { spreadingFactor: 12, bandwidth: 125_000, codingRate: "4/5" };

/** The air as a test sees it: what devices sent, and downlinks the test transmits. */
class FakeAir implements Air {
  readonly sent: AirUplink[] = [];
  readonly #listeners = new Set<(downlink: AirDownlink) => void>();
  send(uplink: AirUplink): void {
    this.sent.push(uplink);
  }
  onDownlink(listener: (downlink: AirDownlink) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  transmit(downlink: Omit<AirDownlink, "gatewayId">): void {
    for (const listener of this.#listeners) listener({ ...downlink, gatewayId: "gw" });
  }
  get last(): AirUplink {
    const last = this.sent[this.sent.length - 1];
    assert.ok(last, "the device sent nothing");
    return last;
  }
}

/** A deterministic random source (LCG), so channel choices and back-offs repeat. */
function seeded(seed = 1): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function abpProfile(overrides: Partial<DeviceProfile> = {}): DeviceProfile {
  return {
    deviceId: "dev-1",
    devEui: DEV_EUI,
    joinEui: JOIN_EUI,
    activation: {
      mode: "abp",
      devAddr: "260B1234",
      appSKey: Buffer.from(APP_S_KEY).toString("hex"),
      fNwkSIntKey: Buffer.from(NWK_S_KEY).toString("hex"),
    },
    version: "1.0.3",
    deviceClass: "A",
    frequencyPlanId: "EU_863_870_TTN",
    dataRate: 5,
    intervalMs: 60_000,
    confirmedShare: 0,
    ...overrides,
  };
}

function setup(profile: DeviceProfile) {
  const time = new ManualTime(1_000);
  const air = new FakeAir();
  const device = new SimulatedDevice({
    profile,
    air,
    clock: time.clock,
    timers: time,
    random: seeded(),
    startDelayMs: 0,
  });
  const events: DeviceEvent[] = [];
  device.on((event) => events.push(event));
  device.start();
  return { time, air, device, events };
}

/** Runs the clock until the device has sent `count` frames in all. */
function untilSent(time: ManualTime, air: FakeAir, count: number, limitMs = 600_000): AirUplink {
  const deadline = time.clock() + limitMs;
  while (air.sent.length < count && time.clock() < deadline) time.advance(10);
  assert.equal(air.sent.length, count, "the device did not transmit in time");
  return air.last;
}

interface NetworkSession {
  devAddr: Uint8Array;
  fNwkSIntKey: Uint8Array;
  sNwkSIntKey: Uint8Array;
  nwkSEncKey: Uint8Array;
  appSKey: Uint8Array;
  lorawan11: boolean;
}

const abpSession: NetworkSession = {
  devAddr: DEV_ADDR,
  fNwkSIntKey: NWK_S_KEY,
  sNwkSIntKey: NWK_S_KEY,
  nwkSEncKey: NWK_S_KEY,
  appSKey: APP_S_KEY,
  lorawan11: false,
};

/** A data downlink as the network builds it. */
function dataDownlink(
  session: NetworkSession,
  options: {
    fCnt: number;
    confirmed?: boolean;
    ack?: boolean;
    confFCnt?: number;
    fPending?: boolean;
    commands?: DownlinkMacCommand[];
  },
): Uint8Array {
  const plain = encodeMacCommands(options.commands ?? [], "downlink");
  const fOpts =
    session.lorawan11 && plain.length > 0
      ? encryptFOpts(session.nwkSEncKey, "NFCntDown", session.devAddr, options.fCnt, plain)
      : plain;
  const frame = {
    mType: options.confirmed ? ("confirmedDataDown" as const) : ("unconfirmedDataDown" as const),
    devAddr: session.devAddr,
    fCtrl: { adr: true, ack: options.ack ?? false, fPending: options.fPending ?? false },
    fCnt: options.fCnt,
    fOpts,
    frmPayload: new Uint8Array(),
    mic: new Uint8Array(4),
  };
  const unsigned = encodePhyPayload(frame);
  const msg = unsigned.subarray(0, unsigned.length - 4);
  const mic = session.lorawan11
    ? computeDataDownlinkMic11(
        session.sNwkSIntKey,
        session.devAddr,
        options.fCnt,
        options.ack ? (options.confFCnt ?? 0) : 0,
        msg,
      )
    : computeDataDownlinkMic10(session.fNwkSIntKey, session.devAddr, options.fCnt, msg);
  return encodePhyPayload({ ...frame, mic });
}

/** The uplink as the network reads it: MIC checked (1.0), MAC commands of FOpts. */
function readUplink(session: NetworkSession, uplink: AirUplink) {
  const frame = decodePhyPayload(uplink.phyPayload);
  assert.ok(frame.mType === "unconfirmedDataUp" || frame.mType === "confirmedDataUp");
  if (!session.lorawan11) {
    const msg = uplink.phyPayload.subarray(0, uplink.phyPayload.length - 4);
    assert.ok(
      verifyDataUplinkMic10(session.fNwkSIntKey, session.devAddr, frame.fCnt, msg, frame.mic),
      "uplink MIC",
    );
  }
  const fOpts = session.lorawan11
    ? decryptFOpts(session.nwkSEncKey, "FCntUp", session.devAddr, frame.fCnt, frame.fOpts)
    : frame.fOpts;
  return { frame, commands: decodeMacCommands(fOpts, "uplink") as UplinkMacCommand[] };
}

const rx1At = (uplink: AirUplink, delayMs = 1000) => uplink.endedAt + delayMs;

describe("SimulatedDevice", () => {
  it("joins (1.0.3 OTAA) and then sends uplinks at its interval on the plan's channels", () => {
    const { time, air, device, events } = setup(
      abpProfile({ activation: { mode: "otaa", appKey: APP_KEY } }),
    );
    const request = untilSent(time, air, 1);
    const joinRequest = decodePhyPayload(request.phyPayload);
    assert.equal(joinRequest.mType, "joinRequest");
    assert.ok(
      verifyJoinRequestMic(
        hex(APP_KEY),
        request.phyPayload.subarray(0, 19),
        request.phyPayload.subarray(19),
      ),
    );
    assert.ok([868_100_000, 868_300_000, 868_500_000].includes(request.frequencyHz));
    assert.deepEqual(request.rate, SF7);

    // The join-accept in RX1 (JOIN_ACCEPT_DELAY1 = 5 s), with a CFList of five more channels.
    const extra = [867_100_000, 867_300_000, 867_500_000, 867_700_000, 867_900_000];
    const payload = encodeJoinAcceptPayload({
      joinNonce: 7,
      homeNetId: hex("000013"),
      devAddr: DEV_ADDR,
      dlSettings: { optNeg: false, rx1DrOffset: 0, rx2DataRate: 3 },
      rxDelay: 1,
      cfList: { type: 0, frequencies: extra },
    });
    const msg = new Uint8Array([0x20, ...payload]);
    const mic = computeJoinAcceptMic10(hex(APP_KEY), msg);
    const accept = new Uint8Array([
      0x20,
      ...encryptJoinAccept(hex(APP_KEY), new Uint8Array([...payload, ...mic])),
    ]);
    time.advanceTo(rx1At(request, 5000));
    air.transmit({
      phyPayload: accept,
      frequencyHz: request.frequencyHz,
      rate: SF7,
      startsAt: time.clock(),
    });
    assert.equal(device.stats().joined, true);
    assert.equal(device.stats().downlinks.rx1, 1);

    const devNonce = joinRequest.mType === "joinRequest" ? joinRequest.devNonce : -1;
    const keys = deriveSessionKeys({
      optNeg: false,
      rootKey: hex(APP_KEY),
      joinNonce: 7,
      netId: hex("000013"),
      devNonce,
    });
    const session = { ...keys, devAddr: DEV_ADDR, lorawan11: false } as NetworkSession;
    const first = untilSent(time, air, 2);
    const second = untilSent(time, air, 3);
    assert.equal(readUplink(session, first).frame.fCnt, 0);
    assert.equal(readUplink(session, second).frame.fCnt, 1);
    const gap = second.endedAt - first.endedAt;
    assert.ok(gap >= 59_900 && gap <= 60_100, `interval ${gap}`);
    const frequencies = new Set(air.sent.slice(1).map((u) => u.frequencyHz));
    for (let i = 0; i < 20; i++) frequencies.add(untilSent(time, air, 4 + i).frequencyHz);
    assert.ok(
      [...frequencies].some((f) => extra.includes(f)),
      "uses the CFList channels",
    );
    assert.equal(device.stats().joins, 1);
    assert.equal(device.stats().uplinks, 23);
    assert.ok(events.some((e) => e.type === "joined"));
    device.stop();
    assert.equal(time.pending, 0);
  });

  it("retries a join with back-off and a fresh DevNonce when no join-accept comes", () => {
    const { time, air, device } = setup(
      abpProfile({ version: "1.0.4", activation: { mode: "otaa", appKey: APP_KEY } }),
    );
    const first = decodePhyPayload(untilSent(time, air, 1).phyPayload);
    const second = decodePhyPayload(untilSent(time, air, 2).phyPayload);
    assert.ok(first.mType === "joinRequest" && second.mType === "joinRequest");
    assert.equal(second.devNonce, first.devNonce + 1, "1.0.4 counts DevNonces");
    assert.ok(air.sent[1] && air.sent[0] && air.sent[1].endedAt - air.sent[0].endedAt > 6000);
    assert.equal(device.stats().joinFailures, 1);
    device.stop();
  });

  it("reads a downlink in RX1 and in RX2, and counts one outside both as missed", () => {
    const { time, air, device, events } = setup(abpProfile());
    // RX1: on the uplink's channel and data rate, RECEIVE_DELAY1 after it ended.
    const up1 = untilSent(time, air, 1);
    time.advanceTo(rx1At(up1));
    air.transmit({
      phyPayload: dataDownlink(abpSession, { fCnt: 0 }),
      frequencyHz: up1.frequencyHz,
      rate: up1.rate,
      startsAt: time.clock(),
    });
    assert.equal(device.stats().downlinks.rx1, 1);

    // RX2: 869.525 MHz at DR0 (the band's default), a second later.
    const up2 = untilSent(time, air, 2);
    time.advanceTo(rx1At(up2, 2000));
    air.transmit({
      phyPayload: dataDownlink(abpSession, { fCnt: 1 }),
      frequencyHz: EU_RX2,
      rate: SF12,
      startsAt: time.clock(),
    });
    assert.equal(device.stats().downlinks.rx2, 1);

    // Half a second after RX1 opened: in neither window.
    const up3 = untilSent(time, air, 3);
    time.advanceTo(rx1At(up3, 1500));
    air.transmit({
      phyPayload: dataDownlink(abpSession, { fCnt: 2 }),
      frequencyHz: up3.frequencyHz,
      rate: up3.rate,
      startsAt: time.clock(),
    });
    // RX2 at the wrong data rate is not heard either.
    time.advanceTo(rx1At(up3, 2000));
    air.transmit({
      phyPayload: dataDownlink(abpSession, { fCnt: 3 }),
      frequencyHz: EU_RX2,
      rate: SF9,
      startsAt: time.clock(),
    });
    const stats = device.stats();
    assert.deepEqual(stats.downlinks, { rx1: 1, rx2: 1, classC: 0 });
    assert.equal(stats.lateDownlinks + stats.missedDownlinks, 2);
    assert.equal(stats.lateDownlinks, 1, "started after RX1 closed, on its channel");
    assert.equal(stats.micFailures, 0);
    assert.ok(events.some((e) => e.type === "downlink" && e.window === "rx2"));
    device.stop();
  });

  it("counts a downlink whose MIC does not verify", () => {
    const { time, air, device } = setup(abpProfile());
    const up = untilSent(time, air, 1);
    time.advanceTo(rx1At(up));
    const phy = dataDownlink(abpSession, { fCnt: 0 });
    phy[phy.length - 1] = (phy[phy.length - 1] as number) ^ 0xff;
    air.transmit({
      phyPayload: phy,
      frequencyHz: up.frequencyHz,
      rate: up.rate,
      startsAt: time.clock(),
    });
    assert.equal(device.stats().micFailures, 1);
    assert.equal(device.stats().downlinks.rx1, 0);
    device.stop();
  });

  it("applies a LinkADRReq: the next uplink is on the new data rate with the acks", () => {
    const { time, air, device } = setup(abpProfile());
    const up1 = untilSent(time, air, 1);
    time.advanceTo(rx1At(up1));
    const chMask = Array.from({ length: 16 }, (_, i) => i < 3);
    air.transmit({
      phyPayload: dataDownlink(abpSession, {
        fCnt: 0,
        commands: [
          {
            cid: 0x03,
            name: "LinkADRReq",
            dataRateIndex: 3,
            txPowerIndex: 2,
            chMask,
            chMaskCntl: 0,
            nbTrans: 1,
          },
        ],
      }),
      frequencyHz: up1.frequencyHz,
      rate: up1.rate,
      startsAt: time.clock(),
    });
    const up2 = untilSent(time, air, 2);
    assert.deepEqual(up2.rate, SF9);
    assert.ok([868_100_000, 868_300_000, 868_500_000].includes(up2.frequencyHz));
    assert.deepEqual(readUplink(abpSession, up2).commands, [
      { cid: 0x03, name: "LinkADRAns", powerAck: true, dataRateAck: true, channelMaskAck: true },
    ]);
    assert.equal(device.stats().dataRate, 3);
    assert.equal(device.stats().txPowerIndex, 2);

    // An undefined data rate: refused as a whole, nothing changes, the ack bit says why.
    time.advanceTo(rx1At(up2));
    air.transmit({
      phyPayload: dataDownlink(abpSession, {
        fCnt: 1,
        commands: [
          {
            cid: 0x03,
            name: "LinkADRReq",
            dataRateIndex: 14,
            txPowerIndex: 1,
            chMask,
            chMaskCntl: 0,
            nbTrans: 1,
          },
        ],
      }),
      frequencyHz: up2.frequencyHz,
      rate: SF9,
      startsAt: time.clock(),
    });
    const up3 = untilSent(time, air, 3);
    assert.deepEqual(up3.rate, SF9);
    assert.deepEqual(readUplink(abpSession, up3).commands, [
      { cid: 0x03, name: "LinkADRAns", powerAck: true, dataRateAck: false, channelMaskAck: true },
    ]);
    assert.equal(device.stats().txPowerIndex, 2);
    assert.equal(device.stats().macCommandsApplied, 1);
    assert.equal(device.stats().macCommandsRefused, 1);
    device.stop();
  });

  it("repeats RXTimingSetupAns until a downlink and applies the new delay", () => {
    const { time, air, device } = setup(abpProfile());
    const up1 = untilSent(time, air, 1);
    time.advanceTo(rx1At(up1));
    air.transmit({
      phyPayload: dataDownlink(abpSession, {
        fCnt: 0,
        commands: [
          { cid: 0x08, name: "RXTimingSetupReq", delay: 3 },
          { cid: 0x06, name: "DevStatusReq" },
        ],
      }),
      frequencyHz: up1.frequencyHz,
      rate: up1.rate,
      startsAt: time.clock(),
    });
    const up2 = untilSent(time, air, 2);
    const names = (u: AirUplink) => readUplink(abpSession, u).commands.map((c) => c.name);
    assert.deepEqual(names(up2).sort(), ["DevStatusAns", "RXTimingSetupAns"]);
    const up3 = untilSent(time, air, 3);
    assert.deepEqual(names(up3), ["RXTimingSetupAns"], "repeated, DevStatusAns not");
    // RX1 now opens 3 s after the uplink; a downlink there stops the repetition.
    time.advanceTo(rx1At(up3, 3000));
    air.transmit({
      phyPayload: dataDownlink(abpSession, { fCnt: 1 }),
      frequencyHz: up3.frequencyHz,
      rate: up3.rate,
      startsAt: time.clock(),
    });
    assert.equal(device.stats().downlinks.rx1, 1 + 1);
    assert.deepEqual(names(untilSent(time, air, 4)), []);
    device.stop();
  });

  it("retransmits a confirmed uplink until it is acknowledged", () => {
    const { time, air, device, events } = setup(abpProfile({ confirmedShare: 1 }));
    const first = untilSent(time, air, 1);
    const second = untilSent(time, air, 2);
    const third = untilSent(time, air, 3);
    const fCnts = [first, second, third].map((u) => readUplink(abpSession, u).frame.fCnt);
    assert.deepEqual(fCnts, [0, 0, 0]);
    assert.equal(decodePhyPayload(third.phyPayload).mType, "confirmedDataUp");
    const wait = second.endedAt - first.endedAt;
    assert.ok(wait >= 3000 && wait <= 6000, `ACK_TIMEOUT after RX2: ${wait} ms`);
    // The ACK in RX2 of the third transmission.
    time.advanceTo(rx1At(third, 2000));
    air.transmit({
      phyPayload: dataDownlink(abpSession, { fCnt: 0, ack: true }),
      frequencyHz: EU_RX2,
      rate: SF12,
      startsAt: time.clock(),
    });
    const next = untilSent(time, air, 4);
    assert.equal(readUplink(abpSession, next).frame.fCnt, 1);
    assert.ok(next.endedAt - first.endedAt >= 59_000, "the next one waits for its interval");
    const stats = device.stats();
    assert.equal(stats.retransmissions, 2);
    assert.equal(stats.acknowledged, 1);
    assert.equal(stats.confirmedUplinks, 2);
    assert.ok(events.some((e) => e.type === "acknowledged" && e.fCnt === 0));
    device.stop();
  });

  it("gives a confirmed uplink up after its attempts", () => {
    const { time, air, device } = setup(abpProfile({ confirmedShare: 1, confirmedAttempts: 2 }));
    untilSent(time, air, 2);
    const third = untilSent(time, air, 3);
    assert.equal(readUplink(abpSession, third).frame.fCnt, 1);
    assert.equal(device.stats().unacknowledged, 1);
    device.stop();
  });

  it("class C reads a downlink at any time and acknowledges a confirmed one soon", () => {
    const { time, air, device } = setup(abpProfile({ deviceClass: "C" }));
    const up1 = untilSent(time, air, 1);
    time.advanceTo(up1.endedAt + 20_000);
    air.transmit({
      phyPayload: dataDownlink(abpSession, { fCnt: 0, confirmed: true }),
      frequencyHz: EU_RX2,
      rate: SF12,
      startsAt: time.clock(),
    });
    assert.equal(device.stats().downlinks.classC, 1);
    const ack = untilSent(time, air, 2, 5000);
    assert.equal(decodePhyPayload(ack.phyPayload).mType, "unconfirmedDataUp");
    const frame = readUplink(abpSession, ack).frame;
    assert.ok(frame.mType === "unconfirmedDataUp" && frame.fCtrl.ack, "ACK set");
    // Not on another frequency.
    time.advance(10_000);
    air.transmit({
      phyPayload: dataDownlink(abpSession, { fCnt: 1 }),
      frequencyHz: 868_100_000,
      rate: SF12,
      startsAt: time.clock(),
    });
    assert.equal(device.stats().downlinks.classC, 1);
    assert.equal(device.stats().missedDownlinks, 1);
    device.stop();
  });

  it("a class A device hears nothing between its windows", () => {
    const { time, air, device } = setup(abpProfile());
    const up1 = untilSent(time, air, 1);
    time.advanceTo(up1.endedAt + 20_000);
    air.transmit({
      phyPayload: dataDownlink(abpSession, { fCnt: 0 }),
      frequencyHz: EU_RX2,
      rate: SF12,
      startsAt: time.clock(),
    });
    assert.deepEqual(device.stats().downlinks, { rx1: 0, rx2: 0, classC: 0 });
    assert.equal(device.stats().missedDownlinks, 1);
    device.stop();
  });

  it("1.1 OTAA: sends RekeyInd after the join until RekeyConf", () => {
    const { time, air, device } = setup(
      abpProfile({
        version: "1.1",
        activation: { mode: "otaa", appKey: APP_KEY, nwkKey: NWK_KEY },
      }),
    );
    const request = untilSent(time, air, 1);
    const joinRequest = decodePhyPayload(request.phyPayload);
    assert.ok(joinRequest.mType === "joinRequest");
    assert.equal(joinRequest.devNonce, 1);
    const payload = encodeJoinAcceptPayload({
      joinNonce: 1,
      homeNetId: hex("000013"),
      devAddr: DEV_ADDR,
      dlSettings: { optNeg: true, rx1DrOffset: 0, rx2DataRate: 0 },
      rxDelay: 1,
    });
    const msg = new Uint8Array([0x20, ...payload]);
    const mic = computeJoinAcceptMic11(
      deriveJsIntKey(hex(NWK_KEY), hex(DEV_EUI)),
      { joinReqType: 0xff, joinEui: hex(JOIN_EUI), devNonce: 1 },
      msg,
    );
    const accept = new Uint8Array([
      0x20,
      ...encryptJoinAccept(hex(NWK_KEY), new Uint8Array([...payload, ...mic])),
    ]);
    // In RX2 this time (869.525 MHz, DR0), JOIN_ACCEPT_DELAY2 = 6 s.
    time.advanceTo(rx1At(request, 6000));
    air.transmit({ phyPayload: accept, frequencyHz: EU_RX2, rate: SF12, startsAt: time.clock() });
    assert.equal(device.stats().joined, true);
    assert.equal(device.stats().downlinks.rx2, 1);
    const keys = deriveSessionKeys({
      optNeg: true,
      nwkKey: hex(NWK_KEY),
      appKey: hex(APP_KEY),
      joinNonce: 1,
      joinEui: hex(JOIN_EUI),
      devNonce: 1,
    });
    const session = { ...keys, devAddr: DEV_ADDR, lorawan11: true } as NetworkSession;
    const rekey = [{ cid: 0x0b, name: "RekeyInd", minorVersion: 1 }];
    const up1 = untilSent(time, air, 2);
    assert.deepEqual(readUplink(session, up1).commands, rekey);
    const up2 = untilSent(time, air, 3);
    assert.deepEqual(readUplink(session, up2).commands, rekey, "until RekeyConf");
    time.advanceTo(rx1At(up2));
    air.transmit({
      phyPayload: dataDownlink(session, {
        fCnt: 0,
        commands: [{ cid: 0x0b, name: "RekeyConf", minorVersion: 1 }],
      }),
      frequencyHz: up2.frequencyHz,
      rate: up2.rate,
      startsAt: time.clock(),
    });
    assert.equal(device.stats().micFailures, 0);
    assert.deepEqual(readUplink(session, untilSent(time, air, 4)).commands, []);
    device.stop();
  });

  it("1.1 ABP: sends ResetInd until ResetConf", () => {
    const { time, air, device } = setup(
      abpProfile({
        version: "1.1",
        activation: {
          mode: "abp",
          devAddr: "260B1234",
          appSKey: Buffer.from(APP_S_KEY).toString("hex"),
          fNwkSIntKey: Buffer.from(NWK_S_KEY).toString("hex"),
          sNwkSIntKey: Buffer.from(NWK_S_KEY).toString("hex"),
          nwkSEncKey: Buffer.from(NWK_S_KEY).toString("hex"),
        },
      }),
    );
    const session = { ...abpSession, lorawan11: true };
    const up1 = untilSent(time, air, 1);
    assert.deepEqual(readUplink(session, up1).commands, [
      { cid: 0x01, name: "ResetInd", minorVersion: 1 },
    ]);
    time.advanceTo(rx1At(up1));
    air.transmit({
      phyPayload: dataDownlink(session, {
        fCnt: 0,
        commands: [{ cid: 0x01, name: "ResetConf", minorVersion: 1 }],
      }),
      frequencyHz: up1.frequencyHz,
      rate: up1.rate,
      startsAt: time.clock(),
    });
    assert.deepEqual(readUplink(session, untilSent(time, air, 2)).commands, []);
    device.stop();
  });

  it("rejects a profile it cannot simulate", () => {
    assert.throws(() => setup(abpProfile({ dataRate: 7 })), /LoRa data rate/);
    assert.throws(() => setup(abpProfile({ intervalMs: 0 })), /interval/);
  });
});
