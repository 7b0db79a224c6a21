import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import pino from "pino";
import { EventBus, type StackEvent } from "../../events/index.ts";
import { FrequencyPlans } from "../../frequency-plans/index.ts";
import { type EndDevice, EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import type { ErrorDetails } from "../../gen/ttn/lorawan/v3/error_pb.js";
import { MACVersion, MType, PHYVersion } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import type { ApplicationUp } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import { createJoinHandler } from "../../join-server/join/handle-join.ts";
import { createJoinServerRegistries } from "../../join-server/registry/index.ts";
import { StaticKeyVault } from "../../key-vault/index.ts";
import { encodePhyPayload, type RejoinRequestFrame } from "../../lorawan/codec/index.ts";
import {
  computeRejoinRequestMic,
  deriveJsEncKey,
  deriveJsIntKey,
} from "../../lorawan/crypto/index.ts";
import { registryDeviceStore } from "../device-store/device-store.ts";
import { createNetworkServerRegistries } from "../registry/index.ts";
import { activatePendingSession } from "../uplink/pending-session.ts";
import { sqlDevEuiLookup } from "./dev-eui-lookup.ts";
import { createJoinRequests } from "./join-requests.ts";
import { createJoinServerClient } from "./join-server-client.ts";
import {
  clusterWith,
  hex,
  joinRequestPhy,
  readJoinAccept,
  testDatabases,
  testDevice,
  testJsConfig,
  testNsConfig,
  toHex,
  uplinkOf,
} from "./testing.ts";

const { joinEui, devEui, appKey, nwkKey, key } = testDevice;
const netId = hex("000013");
const receivedAtMs = Date.UTC(2026, 11, 5, 12, 0, 0);
const logger = pino({ level: "silent" });
const nsConfig = testNsConfig;
const jsConfig = testJsConfig;

const databases = testDatabases("lorastack-ns-rejoin-");
after(() => databases.remove());
const openTestDatabase = () => databases.open();

/** A rejoin-request PHYPayload signed with `micKey`. */
function rejoinPhy(frame: RejoinRequestFrame, micKey: Uint8Array): Uint8Array {
  const unsigned = encodePhyPayload(frame);
  const signed = unsigned.subarray(0, unsigned.length - 4);
  return encodePhyPayload({ ...frame, mic: computeRejoinRequestMic(micKey, signed) });
}

/**
 * The real Join Server and the Network Server's registry on one SQLite database, a device of
 * `version` that joined and took its join-accept (its first uplink made the session current).
 */
async function setup(version: MACVersion = MACVersion.MAC_V1_1, lookup = true) {
  const vault = new StaticKeyVault(
    new Map(["default", "ns-kek"].map((label) => [label, new Uint8Array(randomBytes(16))])),
    "default",
  );
  const database = await openTestDatabase();
  const published: StackEvent[] = [];
  const events = new EventBus({ onPublish: (event) => published.push(event) });
  const lorawan11 = version === MACVersion.MAC_V1_1;
  const js = createJoinServerRegistries({ database, keyVault: vault, config: jsConfig.js });
  await js.devices.update(key, () =>
    create(EndDeviceSchema, {
      ids: { deviceId: "dev1", applicationIds: { applicationId: "app1" }, joinEui, devEui },
      rootKeys: { appKey: { key: appKey }, ...(lorawan11 ? { nwkKey: { key: nwkKey } } : {}) },
      netId,
    }),
  );
  const handler = createJoinHandler({
    devices: js.devices,
    sessionKeys: js.sessionKeys,
    keyVault: vault,
    config: jsConfig,
    events,
    logger,
  });
  const ns = createNetworkServerRegistries({ database, keyVault: vault, config: nsConfig });
  await ns.devices.update(key, () =>
    create(EndDeviceSchema, {
      ids: { deviceId: "dev1", applicationIds: { applicationId: "app1" }, joinEui, devEui },
      supportsJoin: true,
      lorawanVersion: version,
      lorawanPhyVersion: lorawan11 ? PHYVersion.RP001_V1_1_REV_B : PHYVersion.RP001_V1_0_3_REV_A,
      frequencyPlanId: "EU_863_870_TTN",
    }),
  );
  const forwarded: ApplicationUp[] = [];
  const drops: string[] = [];
  const store = registryDeviceStore(ns.devices);
  const joins = createJoinRequests({
    store,
    joinServers: createJoinServerClient({
      cluster: clusterWith((request) => handler.handleJoin(request, { kind: "cluster" })),
      events,
      logger,
    }),
    forwarder: { forward: async (ups) => void forwarded.push(...ups) },
    events,
    frequencyPlans: FrequencyPlans.builtIn(),
    config: nsConfig,
    keyVault: vault,
    logger,
    countDrop: (reason) => drops.push(reason),
    ...(lookup ? { devEuiLookup: sqlDevEuiLookup(database) } : {}),
  });
  const handle = (raw: Uint8Array) =>
    joins.handle({
      uplink: uplinkOf(raw, receivedAtMs),
      receivedAtMs,
      correlationIds: ["gs:uplink:test", "ns:uplink:test"],
    });

  // The join, then the device's first uplink in its session.
  const joined = await handle(joinRequestPhy(joinEui, devEui, 1, lorawan11 ? nwkKey : appKey));
  assert.ok(joined, "the join was dropped");
  const device = await ns.devices.update(key, (stored) => {
    assert.ok(stored);
    const next = activatePendingSession(stored, receivedAtMs);
    // What the MAC layer changes later in a session: the RX1 delay and a desired data rate.
    const current = next.macState?.currentParameters;
    if (current) current.rx1Delay = 3;
    return next;
  });
  assert.ok(device?.session);
  published.length = 0;
  forwarded.length = 0;
  return { handle, ns, js, store, published, forwarded, drops, session: device.session };
}

const names = (events: StackEvent[]) => events.map((event) => event.name);
const dropReason = (events: StackEvent[]) =>
  (events.find((event) => event.name === "ns.up.rejoin.drop")?.data as ErrorDetails | undefined)
    ?.name;

const rejoin02 = (rejoinType: 0 | 2, rjCount0: number, id = netId): RejoinRequestFrame => ({
  mType: "rejoinRequest",
  rejoinType,
  netId: id,
  devEui,
  rjCount0,
  mic: new Uint8Array(4),
});
const sNwkSIntKeyOf = (device: EndDevice | undefined) =>
  device?.session?.keys?.sNwkSIntKey?.key ?? new Uint8Array(16);

describe("createJoinRequests serves LoRaWAN 1.1 rejoin-requests against the Join Server", () => {
  const processed = [
    "ns.up.rejoin.receive",
    "ns.up.join.cluster.attempt",
    "js.join.accept",
    "ns.up.join.cluster.success",
    "ns.up.rejoin.process",
  ];

  it("type 0: new DevAddr, keys and radio parameters; the current session stays", async () => {
    const t = await setup();
    const before = await t.ns.devices.get(key);
    const raw = rejoinPhy(rejoin02(0, 0), sNwkSIntKeyOf(before));
    const device = await t.handle(raw);
    assert.ok(device, `dropped: ${dropReason(t.published)}`);
    assert.deepEqual(names(t.published), processed);

    // The device keeps its session until it uses the new one.
    assert.deepEqual(device.session, before?.session);
    assert.deepEqual(device.macState, before?.macState);
    const pending = device.pendingSession;
    assert.ok(pending);
    assert.notEqual(toHex(pending.devAddr), toHex(before?.session?.devAddr));
    assert.equal(toHex(pending.devAddr).slice(0, 5), "26011");
    assert.notDeepEqual(pending.keys?.sessionKeyId, before?.session?.keys?.sessionKeyId);
    assert.equal(device.lastRjCount0, 0);

    // The join-accept is encrypted with the JSEncKey; radio parameters are reset (RX1 delay 5
    // of the defaults, the CFList's channels).
    const queued = device.pendingMacState?.queuedJoinAccept;
    assert.ok(queued);
    const accept = readJoinAccept(queued.payload, deriveJsEncKey(nwkKey, devEui));
    assert.equal(toHex(accept.devAddr), toHex(pending.devAddr));
    assert.equal(accept.rxDelay, 5);
    assert.equal(accept.cfList?.type, 0);
    assert.equal(device.pendingMacState?.currentParameters?.rx1Delay, 5);
    assert.equal(
      device.pendingMacState?.recentUplinks[0]?.payload?.mHdr?.mType,
      MType.REJOIN_REQUEST,
    );

    // The keys are the Join Server's new ones; the Application Server gets the AppSKey.
    const issued = await t.js.sessionKeys.get(
      joinEui,
      devEui,
      pending.keys?.sessionKeyId ?? new Uint8Array(),
    );
    assert.deepEqual(pending.keys?.sNwkSIntKey?.key, issued.sNwkSIntKey?.key);
    assert.equal(t.forwarded[0]?.up.case, "joinAccept");
  });

  it("type 2: keeps the DevAddr and radio parameters, new keys", async () => {
    const t = await setup();
    const before = await t.ns.devices.get(key);
    const device = await t.handle(rejoinPhy(rejoin02(2, 0), sNwkSIntKeyOf(before)));
    assert.ok(device, `dropped: ${dropReason(t.published)}`);
    assert.deepEqual(names(t.published), processed);
    assert.deepEqual(device.session, before?.session);
    const pending = device.pendingSession;
    assert.equal(toHex(pending?.devAddr), toHex(before?.session?.devAddr));
    assert.notDeepEqual(pending?.keys?.sessionKeyId, before?.session?.keys?.sessionKeyId);

    const queued = device.pendingMacState?.queuedJoinAccept;
    const accept = readJoinAccept(
      queued?.payload ?? new Uint8Array(),
      deriveJsEncKey(nwkKey, devEui),
    );
    assert.equal(accept.rxDelay, 3, "the device's current RX1 delay, not the default 5");
    assert.equal(accept.cfList, undefined, "the channels stay");
    assert.deepEqual(
      device.pendingMacState?.currentParameters,
      before?.macState?.currentParameters,
      "radio parameters kept",
    );
  });

  it("type 1: found by JoinEUI and DevEUI, checked by the Join Server (JSIntKey, RJcount1)", async () => {
    const t = await setup();
    const frame = (rjCount1: number): RejoinRequestFrame => ({
      mType: "rejoinRequest",
      rejoinType: 1,
      joinEui,
      devEui,
      rjCount1,
      mic: new Uint8Array(4),
    });
    const jsIntKey = deriveJsIntKey(nwkKey, devEui);
    const before = await t.ns.devices.get(key);
    const device = await t.handle(rejoinPhy(frame(1), jsIntKey));
    assert.ok(device, `dropped: ${dropReason(t.published)}`);
    assert.deepEqual(names(t.published), processed);
    assert.deepEqual(device.session, before?.session);
    assert.notEqual(toHex(device.pendingSession?.devAddr), toHex(before?.session?.devAddr));
    const accept = readJoinAccept(
      device.pendingMacState?.queuedJoinAccept?.payload ?? new Uint8Array(),
      deriveJsEncKey(nwkKey, devEui),
    );
    assert.equal(toHex(accept.devAddr), toHex(device.pendingSession?.devAddr));

    // RJcount1 replayed: the Join Server refuses it, nothing is stored.
    t.published.length = 0;
    const stored = await t.ns.devices.get(key);
    assert.equal(await t.handle(rejoinPhy(frame(1), jsIntKey)), undefined);
    assert.equal(dropReason(t.published), "rejoin_count_too_small");
    assert.deepEqual(await t.ns.devices.get(key), stored);
  });

  it("refuses a replayed RJcount0 without asking the Join Server", async () => {
    const t = await setup();
    const sNwkSIntKey = sNwkSIntKeyOf(await t.ns.devices.get(key));
    assert.ok(await t.handle(rejoinPhy(rejoin02(0, 4), sNwkSIntKey)));
    const stored = await t.store.get(key);
    assert.equal(stored?.lastRjCount0, 4);
    t.published.length = 0;
    for (const count of [4, 3, 0]) {
      assert.equal(await t.handle(rejoinPhy(rejoin02(2, count), sNwkSIntKey)), undefined);
    }
    assert.deepEqual(names(t.published), [
      ...["ns.up.rejoin.receive", "ns.up.rejoin.drop"],
      ...["ns.up.rejoin.receive", "ns.up.rejoin.drop"],
      ...["ns.up.rejoin.receive", "ns.up.rejoin.drop"],
    ]);
    assert.equal(dropReason(t.published), "rejoin_count_too_small");
    assert.deepEqual(await t.store.get(key), stored);
    assert.ok(await t.handle(rejoinPhy(rejoin02(0, 5), sNwkSIntKey)), "a greater count passes");
  });

  it("refuses a device that is not LoRaWAN 1.1", async () => {
    const t = await setup(MACVersion.MAC_V1_0_3);
    const before = await t.ns.devices.get(key);
    assert.equal(await t.handle(rejoinPhy(rejoin02(0, 0), sNwkSIntKeyOf(before))), undefined);
    assert.deepEqual(names(t.published), ["ns.up.rejoin.receive", "ns.up.rejoin.drop"]);
    assert.equal(dropReason(t.published), "rejoin_not_lorawan_1_1");
    assert.deepEqual(t.drops.at(-1), "rejoin_not_lorawan_1_1");
    assert.deepEqual(await t.ns.devices.get(key), before);
  });

  it("drops types 0 and 2 when the Network Server has no DevEUI lookup", async () => {
    const t = await setup(MACVersion.MAC_V1_1, false);
    const before = await t.ns.devices.get(key);
    assert.equal(await t.handle(rejoinPhy(rejoin02(0, 1), sNwkSIntKeyOf(before))), undefined);
    assert.deepEqual(names(t.published), ["ns.up.rejoin.drop"]);
    assert.equal(dropReason(t.published), "dev_eui_lookup_missing");
  });

  const refused: [string, (sNwkSIntKey: Uint8Array) => Uint8Array, string][] = [
    ["a wrong MIC", () => rejoinPhy(rejoin02(0, 1), nwkKey), "rejoin_mic_mismatch"],
    [
      "another home network",
      (k) => rejoinPhy(rejoin02(0, 1, hex("000014")), k),
      "rejoin_net_id_mismatch",
    ],
    [
      "an unknown DevEUI",
      (k) => rejoinPhy({ ...rejoin02(2, 1), devEui: hex("0004a30b001c9999") }, k),
      "dev_eui_not_found",
    ],
  ];
  for (const [what, raw, reason] of refused) {
    it(`drops a rejoin-request of ${what} (${reason})`, async () => {
      const t = await setup();
      const before = await t.ns.devices.get(key);
      assert.equal(await t.handle(raw(sNwkSIntKeyOf(before))), undefined);
      assert.equal(dropReason(t.published), reason);
      assert.deepEqual(await t.ns.devices.get(key), before);
      assert.ok(!names(t.published).includes("ns.up.join.cluster.attempt"));
    });
  }
});
