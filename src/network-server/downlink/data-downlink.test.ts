import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import loraPacketModule from "lora-packet";
import { type EndDevice, EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { MACCommandSchema, MACVersion } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import {
  type ApplicationDownlink,
  ApplicationDownlinkSchema,
} from "../../gen/ttn/lorawan/v3/messages_pb.js";
import { latestBand } from "../../lorawan/band/index.ts";
import { type DownlinkDataFrame, decodePhyPayload } from "../../lorawan/codec/index.ts";
import {
  decryptFOpts,
  decryptFrmPayload,
  verifyDataDownlinkMic10,
  verifyDataDownlinkMic11,
} from "../../lorawan/crypto/index.ts";
import { decodeMacCommands } from "../../lorawan/mac/index.ts";
import { acknowledgeDownlink } from "./acknowledge.ts";
import { buildDataDownlink, type DataDownlinkInput } from "./data-downlink.ts";

const loraPacket = loraPacketModule as unknown as (typeof loraPacketModule)["default"];
const hex = (text: string) => new Uint8Array(Buffer.from(text, "hex"));
const eu868 = latestBand("EU_863_870");
assert.ok(eu868);

const T = Date.UTC(2026, 11, 5, 12);
const devAddr = hex("26011234");
const NWK = hex("a1a2a3a4a5a6a7a8a9aaabacadaeaf00");
const SNWK = hex("b1b2b3b4b5b6b7b8b9babbbcbdbebf00");
const ENC = hex("c1c2c3c4c5c6c7c8c9cacbcccdcecf00");
const SKID = hex("0102");

function appDown(fCnt: number, init: MessageInitShape<typeof ApplicationDownlinkSchema> = {}) {
  return create(ApplicationDownlinkSchema, {
    sessionKeyId: SKID,
    fPort: 10,
    fCnt,
    frmPayload: hex("cafe"),
    correlationIds: [`as:down:${fCnt}`],
    ...init,
  });
}

function device(
  version: MACVersion,
  queue: ApplicationDownlink[] = [],
  extra: { lastN?: number; lastA?: number; answers?: boolean } = {},
): EndDevice {
  return create(EndDeviceSchema, {
    ids: { applicationIds: { applicationId: "app" }, deviceId: "dev" },
    frequencyPlanId: "EU_863_870_TTN",
    lorawanVersion: version,
    // No periodic DevStatusReq: the MAC commands in these frames are the queued answers only.
    macSettings: { statusCountPeriodicity: 0, statusTimePeriodicity: { seconds: 0n } },
    session: {
      devAddr,
      lastFCntUp: 10,
      lastNFCntDown: extra.lastN ?? 0,
      lastAFCntDown: extra.lastA ?? 0,
      keys: {
        sessionKeyId: SKID,
        fNwkSIntKey: { key: NWK },
        sNwkSIntKey: { key: SNWK },
        nwkSEncKey: { key: ENC },
      },
      queuedApplicationDownlinks: queue,
    },
    macState: {
      lorawanVersion: version,
      currentParameters: { rx1Delay: 1, rx2DataRateIndex: 0, rx2Frequency: 869_525_000n },
      // A LinkCheckAns waiting: 3 bytes in FOpts.
      queuedResponses: extra.answers
        ? [{ cid: 0x02, payload: { case: "rawPayload", value: hex("0701") } }]
        : [],
      recentDownlinks:
        (extra.lastN ?? 0) > 0 || (extra.lastA ?? 0) > 0
          ? [{ payload: { macPayload: { fPort: 0, fullFCnt: extra.lastN ?? 0 } } }]
          : [],
    },
  } as MessageInitShape<typeof EndDeviceSchema>);
}

const input = (d: EndDevice, over: Partial<DataDownlinkInput> = {}): DataDownlinkInput => ({
  device: d,
  band: eu868,
  deviceClass: "A",
  dataRateIndexes: [5, 0],
  dwellTime: false,
  nowMs: T,
  classCTimeoutMs: 60_000,
  maxConfirmedAttempts: 3,
  ...over,
});

function frameOf(phy: Uint8Array): DownlinkDataFrame {
  const frame = decodePhyPayload(phy);
  assert.ok(frame.mType === "unconfirmedDataDown" || frame.mType === "confirmedDataDown");
  return frame;
}
const msgOf = (phy: Uint8Array) => phy.subarray(0, phy.length - 4);

describe("data downlink builder", () => {
  it("1.0.3: ACK of a confirmed uplink, MIC with NwkSKey, lora-packet agrees", () => {
    const result = buildDataDownlink(input(device(MACVersion.MAC_V1_0_3), { ackFCntUp: 11 }));
    const down = result.downlink;
    assert.ok(down);
    const frame = frameOf(down.phyPayload);
    assert.equal(frame.fCtrl.ack, true);
    assert.equal(frame.fCtrl.fPending, false);
    assert.equal(frame.fPort, undefined);
    assert.equal(frame.fCnt, 0);
    assert.ok(verifyDataDownlinkMic10(NWK, devAddr, 0, msgOf(down.phyPayload), frame.mic));
    const parsed = loraPacket.fromWire(Buffer.from(down.phyPayload));
    assert.equal(parsed.getMType(), "Unconfirmed Data Down");
    assert.ok(loraPacket.verifyMIC(parsed, Buffer.from(NWK)));
    assert.equal(result.device.session?.lastNFCntDown, 0);
    assert.equal(result.device.macState?.recentDownlinks.length, 1);
  });

  it("nothing needed: no downlink", () => {
    const result = buildDataDownlink(input(device(MACVersion.MAC_V1_0_3)));
    assert.equal(result.downlink, undefined);
    assert.equal(result.changed, false);
  });

  it("ADRACKReq alone asks for a downlink", () => {
    const result = buildDataDownlink(input(device(MACVersion.MAC_V1_0_3), { adrAckReq: true }));
    assert.ok(result.downlink);
  });

  it("1.0.x: application downlink with FOpts, one counter, FPending when more waits", () => {
    const d = device(MACVersion.MAC_V1_0_3, [appDown(5), appDown(6)], {
      lastN: 4,
      answers: true,
    });
    const result = buildDataDownlink(input(d));
    const down = result.downlink;
    assert.ok(down);
    const frame = frameOf(down.phyPayload);
    assert.equal(frame.fCnt, 5);
    assert.equal(frame.fPort, 10);
    assert.deepEqual(frame.frmPayload, hex("cafe"));
    assert.equal(frame.fCtrl.fPending, true);
    assert.deepEqual(decodeMacCommands(frame.fOpts, "downlink")[0]?.cid, 0x02);
    assert.ok(verifyDataDownlinkMic10(NWK, devAddr, 5, msgOf(down.phyPayload), frame.mic));
    assert.equal(result.device.session?.lastNFCntDown, 5);
    assert.equal(result.device.session?.lastAFCntDown, 5);
    assert.deepEqual(
      result.device.session?.queuedApplicationDownlinks.map((q) => q.fCnt),
      [6],
    );
    assert.deepEqual(result.device.macState?.queuedResponses, []);
  });

  it("1.1: MAC-only uses NFCntDown, FOpts encrypted with NwkSEncKey, MIC with ConfFCnt", () => {
    const d = device(MACVersion.MAC_V1_1, [], { lastN: 7, lastA: 20, answers: true });
    const result = buildDataDownlink(input(d, { ackFCntUp: 70_000 }));
    const down = result.downlink;
    assert.ok(down);
    const frame = frameOf(down.phyPayload);
    assert.equal(frame.fCnt, 8);
    const plain = decryptFOpts(ENC, "NFCntDown", devAddr, 8, frame.fOpts);
    assert.equal(decodeMacCommands(plain, "downlink")[0]?.cid, 0x02);
    assert.ok(verifyDataDownlinkMic11(SNWK, devAddr, 8, 70_000, msgOf(down.phyPayload), frame.mic));
    assert.ok(!verifyDataDownlinkMic11(SNWK, devAddr, 8, 0, msgOf(down.phyPayload), frame.mic));
    assert.equal(result.device.session?.lastNFCntDown, 8);
    assert.equal(result.device.session?.lastAFCntDown, 20);
  });

  it("1.1: application downlink uses its AFCntDown and AFCntDown FOpts encryption", () => {
    const d = device(MACVersion.MAC_V1_1, [appDown(21)], { lastN: 7, lastA: 20, answers: true });
    const down = buildDataDownlink(input(d)).downlink;
    assert.ok(down);
    const frame = frameOf(down.phyPayload);
    assert.equal(frame.fCnt, 21);
    const plain = decryptFOpts(ENC, "AFCntDown", devAddr, 21, frame.fOpts);
    assert.equal(decodeMacCommands(plain, "downlink")[0]?.cid, 0x02);
  });

  it("invalidated: another session or a used counter, reported and skipped", () => {
    const other = appDown(9, { sessionKeyId: hex("ffff") });
    const d = device(MACVersion.MAC_V1_0_3, [appDown(3), other, appDown(9)], { lastN: 4 });
    const result = buildDataDownlink(input(d));
    assert.equal(result.downlink?.fCnt, 9);
    assert.deepEqual(
      result.invalidated.map((i) => i.fCnt),
      [3, 9],
    );
    const up = result.ups[0];
    assert.equal(up?.up.case, "downlinkQueueInvalidated");
    assert.equal(up?.up.case === "downlinkQueueInvalidated" && up.up.value.lastFCntDown, 4);
    assert.deepEqual(result.device.session?.queuedApplicationDownlinks, []);
  });

  it("payload too large for the window: the next that fits, FPending", () => {
    const big = appDown(5, { frmPayload: new Uint8Array(60) });
    const d = device(MACVersion.MAC_V1_0_3, [big, appDown(6)], { lastN: 4 });
    // DR0 in EU868: 51 bytes MACPayload, 43 of FRMPayload.
    const result = buildDataDownlink(input(d, { dataRateIndexes: [0] }));
    const frame = frameOf(result.downlink?.phyPayload ?? new Uint8Array());
    assert.equal(frame.fCnt, 6);
    assert.equal(frame.fCtrl.fPending, true);
    assert.deepEqual(
      result.device.session?.queuedApplicationDownlinks.map((q) => q.fCnt),
      [5],
    );
  });

  it("MAC commands beyond FOpts go on FPort 0, encrypted with the network key", () => {
    const d = device(MACVersion.MAC_V1_0_3);
    const macState = d.macState;
    assert.ok(macState);
    // Six LinkCheckAns answers: 18 bytes, more than FOpts holds.
    macState.queuedResponses = Array.from({ length: 6 }, (_, i) =>
      create(MACCommandSchema, {
        cid: 0x02,
        payload: { case: "rawPayload", value: new Uint8Array([i, 1]) },
      }),
    );
    const result = buildDataDownlink(input(d));
    const frame = frameOf(result.downlink?.phyPayload ?? new Uint8Array());
    assert.equal(frame.fPort, 0);
    assert.equal(frame.fOpts.length, 0);
    const plain = decryptFrmPayload(NWK, "downlink", devAddr, 0, frame.frmPayload);
    assert.equal(decodeMacCommands(plain, "downlink").length, 6);
  });

  it("confirmed downlink: pending until the ACK, then downlink_ack / downlink_nack", () => {
    const d = device(MACVersion.MAC_V1_0_3, [appDown(1, { confirmed: true })]);
    const result = buildDataDownlink(input(d));
    const frame = frameOf(result.downlink?.phyPayload ?? new Uint8Array());
    assert.equal(frame.mType, "confirmedDataDown");
    assert.equal(result.device.macState?.pendingApplicationDownlink?.fCnt, 1);
    assert.ok(result.device.macState?.lastConfirmedDownlinkAt);
    const acked = acknowledgeDownlink(result.device, true, T);
    assert.equal(acked.ups[0]?.up.case, "downlinkAck");
    assert.equal(acked.device.macState?.pendingApplicationDownlink, undefined);
    assert.equal(acknowledgeDownlink(result.device, false, T).ups[0]?.up.case, "downlinkNack");
    assert.deepEqual(acknowledgeDownlink(acked.device, true, T).ups, []);
  });

  it("class C confirmed: waits the timeout, retransmits the same frame, gives up", () => {
    const d = device(MACVersion.MAC_V1_0_3, [appDown(1, { confirmed: true })]);
    const first = buildDataDownlink(input(d, { deviceClass: "C" }));
    assert.ok(first.downlink);
    const waiting = buildDataDownlink(input(first.device, { deviceClass: "C", nowMs: T + 1000 }));
    assert.equal(waiting.downlink, undefined);
    assert.equal(waiting.waitUntilMs, T + 60_000);
    const again = buildDataDownlink(input(first.device, { deviceClass: "C", nowMs: T + 60_000 }));
    assert.ok(again.downlink?.retransmission);
    assert.equal(again.downlink?.fCnt, 1);
    assert.equal(again.device.macState?.pendingApplicationDownlink?.confirmedRetry?.attempt, 2);
    const third = buildDataDownlink(input(again.device, { deviceClass: "C", nowMs: T + 130_000 }));
    assert.equal(third.device.macState?.pendingApplicationDownlink?.confirmedRetry?.attempt, 3);
    const gaveUp = buildDataDownlink(input(third.device, { deviceClass: "C", nowMs: T + 200_000 }));
    assert.equal(gaveUp.downlink, undefined);
    assert.equal(gaveUp.ups[0]?.up.case, "downlinkNack");
    assert.equal(gaveUp.gaveUp?.fCnt, 1);
    assert.equal(gaveUp.device.macState?.pendingApplicationDownlink, undefined);
  });

  it("class A leaves class B/C-only downlinks queued", () => {
    const d = device(MACVersion.MAC_V1_0_3, [appDown(1, { classBC: {} })]);
    assert.equal(buildDataDownlink(input(d)).downlink, undefined);
    assert.equal(buildDataDownlink(input(d, { deviceClass: "C" })).downlink?.fCnt, 1);
  });

  it("session without keys is a typed error", () => {
    const d = device(MACVersion.MAC_V1_0_3);
    if (d.session?.keys) d.session.keys.fNwkSIntKey = undefined;
    assert.throws(() => buildDataDownlink(input(d)), {
      name: "network-server/downlink:session_key_missing",
    });
  });

  it("the input device is not changed", () => {
    const d = device(MACVersion.MAC_V1_0_3, [appDown(1)]);
    buildDataDownlink(input(d, { nowMs: T + 1 }));
    assert.equal(d.session?.queuedApplicationDownlinks.length, 1);
    assert.equal(d.macState?.lastDownlinkAt, undefined);
  });
});

describe("data downlink builder: multicast group", () => {
  const gateways = [{ gatewayIds: { gatewayId: "gw-1" } }];
  /** A class C group with a queued answer and a DevStatusReq due: a unicast device sends both. */
  const group = (queue: ApplicationDownlink[], multicast = true, lastN = 0) => {
    const d = device(MACVersion.MAC_V1_0_3, queue, { lastN, answers: true });
    d.multicast = multicast;
    d.macSettings = create(EndDeviceSchema, {
      macSettings: { statusCountPeriodicity: 1, statusTimePeriodicity: { seconds: 1n } },
    }).macSettings;
    return d;
  };
  const classC = (d: EndDevice, nowMs = T) => input(d, { deviceClass: "C", nowMs });

  it("no MAC commands and no ADR bit; the same device as unicast gets them", () => {
    const unicast = buildDataDownlink(
      classC(group([appDown(1, { classBC: { gateways } })], false)),
    );
    assert.ok(unicast.downlink?.macCommands, "the control: unicast carries MAC commands");
    const result = buildDataDownlink(classC(group([appDown(1, { classBC: { gateways } })])));
    const down = result.downlink;
    assert.ok(down);
    assert.equal(down.macCommands, false);
    const frame = frameOf(down.phyPayload);
    assert.equal(frame.fOpts.length, 0);
    assert.equal(frame.fCtrl.adr, false);
    assert.equal(frame.mType, "unconfirmedDataDown");
    assert.equal(frame.fPort, 10);
    assert.equal(result.device.macState?.queuedResponses.length, 1, "answers stay unsent");
  });

  it("NFCntDown as an ABP 1.0 device: the downlink's counter, then the next", () => {
    const first = buildDataDownlink(
      classC(
        group(
          [appDown(8, { classBC: { gateways } }), appDown(9, { classBC: { gateways } })],
          true,
          7,
        ),
      ),
    );
    assert.equal(first.downlink?.fCnt, 8);
    assert.equal(first.device.session?.lastNFCntDown, 8);
    assert.ok(
      verifyDataDownlinkMic10(
        NWK,
        devAddr,
        8,
        msgOf(first.downlink?.phyPayload ?? new Uint8Array()),
        frameOf(first.downlink?.phyPayload ?? new Uint8Array()).mic,
      ),
    );
    const second = buildDataDownlink(classC(first.device));
    assert.equal(second.downlink?.fCnt, 9);
    assert.equal(second.device.session?.lastNFCntDown, 9);
  });

  it("nothing but answers queued: no downlink for a group", () => {
    const result = buildDataDownlink(classC(group([])));
    assert.equal(result.downlink, undefined);
  });

  const refusals: [string, ApplicationDownlink, string][] = [
    [
      "confirmed",
      appDown(1, { confirmed: true, classBC: { gateways } }),
      "confirmed_multicast_downlink",
    ],
    ["no gateway named", appDown(1), "multicast_without_gateways"],
    [
      "absolute time passed",
      appDown(1, { classBC: { gateways, absoluteTime: { seconds: BigInt(T / 1000 - 1) } } }),
      "absolute_time_passed",
    ],
  ];
  for (const [name, refused, code] of refusals) {
    it(`refused (${name}): taken from the queue as downlink_failed, the next one goes`, () => {
      const next = appDown(2, { classBC: { gateways } });
      const result = buildDataDownlink(classC(group([refused, next])));
      assert.deepEqual(
        result.refused?.map((d) => d.fCnt),
        [1],
      );
      const failed = result.ups.find((u) => u.up.case === "downlinkFailed");
      assert.ok(failed?.up.case === "downlinkFailed");
      assert.equal(failed.up.value.error?.name, code);
      assert.equal(result.downlink?.fCnt, 2);
      assert.deepEqual(result.device.session?.queuedApplicationDownlinks, []);
    });
  }
});
