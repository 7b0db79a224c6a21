import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import pino from "pino";
import {
  type InteropCertificates,
  makeInteropCertificates,
} from "../../../test/harness/interop-certificates.ts";
import {
  makeTestCertificate,
  type TestCertificate,
} from "../../../test/harness/tls-certificate.ts";
import { EventBus, type StackEvent } from "../../events/index.ts";
import { FrequencyPlans } from "../../frequency-plans/index.ts";
import { type EndDevice, EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import type { ErrorDetails } from "../../gen/ttn/lorawan/v3/error_pb.js";
import type { JoinRequest, JoinResponse } from "../../gen/ttn/lorawan/v3/join_pb.js";
import { CFListType, MACVersion, PHYVersion } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import type { ApplicationUp } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import { InteropClient } from "../../interop/client.ts";
import { interopTlsOptions } from "../../interop/listeners.ts";
import { SenderAuthorities } from "../../interop/sender-authorities.ts";
import { InteropServer } from "../../interop/server.ts";
import { joinServerInterop } from "../../join-server/interop.ts";
import { createJoinHandler } from "../../join-server/join/handle-join.ts";
import type { JoinHandler } from "../../join-server/join-handler.ts";
import { createJoinServerRegistries } from "../../join-server/registry/index.ts";
import { StaticKeyVault } from "../../key-vault/index.ts";
import { encodePhyPayload } from "../../lorawan/codec/index.ts";
import { registryDeviceStore } from "../device-store/device-store.ts";
import { createNetworkServerRegistries } from "../registry/index.ts";
import { createJoinRequests } from "./join-requests.ts";
import { createJoinServerClient, type JoinServerClient } from "./join-server-client.ts";
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
const receivedAtMs = Date.UTC(2026, 11, 5, 12, 0, 0);
const logger = pino({ level: "silent" });
const nsConfig = testNsConfig;
const jsConfig = testJsConfig;

const databases = testDatabases("lorastack-ns-join-");
after(() => databases.remove());
const openTestDatabase = () => databases.open();

interface DeviceInit {
  version?: MACVersion;
  phyVersion?: PHYVersion;
  plan?: string;
}

/** A Join Server and a Network Server registry on one SQLite database, and the join handling. */
async function setup(
  init: DeviceInit = {},
  options: {
    joinServers?: (
      real: JoinServerClient,
      js: { handler: JoinHandler; events: EventBus },
    ) => JoinServerClient;
    forwardFails?: boolean;
  } = {},
) {
  const vault = new StaticKeyVault(
    new Map(["default", "ns-kek"].map((label) => [label, new Uint8Array(randomBytes(16))])),
    "default",
  );
  const database = await openTestDatabase();
  const published: StackEvent[] = [];
  const events = new EventBus({ onPublish: (event) => published.push(event) });
  const version = init.version ?? MACVersion.MAC_V1_0_3;
  const js = createJoinServerRegistries({ database, keyVault: vault, config: jsConfig.js });
  await js.devices.update(key, () =>
    create(EndDeviceSchema, {
      ids: { deviceId: "dev1", applicationIds: { applicationId: "app1" }, joinEui, devEui },
      rootKeys: {
        appKey: { key: appKey },
        ...(version === MACVersion.MAC_V1_1 ? { nwkKey: { key: nwkKey } } : {}),
      },
      netId: hex("000013"),
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
      lorawanPhyVersion: init.phyVersion ?? PHYVersion.RP001_V1_0_3_REV_A,
      frequencyPlanId: init.plan ?? "EU_863_870_TTN",
    }),
  );
  const real = createJoinServerClient({
    cluster: clusterWith((request) => handler.handleJoin(request, { kind: "cluster" })),
    events,
    logger,
  });
  const forwarded: ApplicationUp[] = [];
  const drops: string[] = [];
  const joins = createJoinRequests({
    store: registryDeviceStore(ns.devices),
    joinServers: options.joinServers ? options.joinServers(real, { handler, events }) : real,
    forwarder: {
      async forward(ups) {
        if (options.forwardFails) throw new Error("the Application Server is away");
        forwarded.push(...ups);
      },
    },
    events,
    frequencyPlans: FrequencyPlans.builtIn(),
    config: nsConfig,
    keyVault: vault,
    logger,
    countDrop: (reason) => drops.push(reason),
  });
  const micKey = version === MACVersion.MAC_V1_1 ? nwkKey : appKey;
  const handle = (devNonce: number, frequency?: bigint, raw?: Uint8Array) => {
    const rawPayload = raw ?? joinRequestPhy(joinEui, devEui, devNonce, micKey);
    return joins.handle({
      uplink: uplinkOf(rawPayload, receivedAtMs, frequency),
      receivedAtMs,
      correlationIds: ["gs:uplink:test", "ns:uplink:test"],
    });
  };
  return { handle, vault, js, ns, published, forwarded, drops, micKey };
}

const names = (events: StackEvent[]) => events.map((event) => event.name);
const dropReason = (events: StackEvent[]) =>
  (events.find((event) => event.name === "ns.up.join.drop")?.data as ErrorDetails | undefined)
    ?.name;

describe("createJoinRequests against the Join Server", () => {
  const versions = [
    ["1.0.2", MACVersion.MAC_V1_0_2, PHYVersion.RP001_V1_0_2_REV_B],
    ["1.0.3", MACVersion.MAC_V1_0_3, PHYVersion.RP001_V1_0_3_REV_A],
    ["1.0.4", MACVersion.MAC_V1_0_4, PHYVersion.RP002_V1_0_3],
    ["1.1", MACVersion.MAC_V1_1, PHYVersion.RP001_V1_1_REV_B],
  ] as const;
  for (const [name, version, phyVersion] of versions) {
    it(`joins a LoRaWAN ${name} device on EU868: pending session, MAC state and join-accept stored`, async () => {
      const t = await setup({ version, phyVersion });
      const device = await t.handle(1);
      assert.ok(device, `dropped: ${dropReason(t.published)}`);
      const stored = await t.ns.devices.get(key);
      assert.ok(stored);
      assert.deepEqual(stored.pendingSession, device.pendingSession);

      // The DevAddr is of the configured prefix 26011000/20.
      const session = stored.pendingSession;
      assert.ok(session);
      assert.equal(toHex(session.devAddr).slice(0, 5), "26011");
      assert.equal(Number(session.startedAt?.seconds) * 1000, receivedAtMs);

      // The keys are the Join Server's, in plain; 1.0.x has one NwkSKey for all three.
      const keyId = session.keys?.sessionKeyId ?? new Uint8Array();
      assert.equal(keyId.length, 16);
      const issued = await t.js.sessionKeys.get(joinEui, devEui, keyId);
      assert.deepEqual(session.keys?.fNwkSIntKey?.key, issued.fNwkSIntKey?.key);
      const lorawan11 = version === MACVersion.MAC_V1_1;
      const sNwk = lorawan11 ? issued.sNwkSIntKey?.key : issued.fNwkSIntKey?.key;
      const nwkSEnc = lorawan11 ? issued.nwkSEncKey?.key : issued.fNwkSIntKey?.key;
      assert.deepEqual(session.keys?.sNwkSIntKey?.key, sNwk);
      assert.deepEqual(session.keys?.nwkSEncKey?.key, nwkSEnc);
      assert.equal(session.keys?.appSKey, undefined, "the AppSKey is not the Network Server's");

      // The join-accept the device will read.
      const macState = stored.pendingMacState;
      const queued = macState?.queuedJoinAccept;
      assert.ok(macState && queued);
      const accept = readJoinAccept(queued.payload, t.micKey);
      assert.equal(toHex(accept.devAddr), toHex(session.devAddr));
      assert.equal(toHex(accept.homeNetId), "000013");
      assert.equal(accept.dlSettings.optNeg, lorawan11);
      assert.equal(accept.dlSettings.rx1DrOffset, 0);
      assert.equal(accept.dlSettings.rx2DataRate, 3, "the plan's RX2 (SF9)");
      assert.equal(accept.rxDelay, 5, "ns.default_mac_settings.desired_rx1_delay");
      assert.deepEqual(accept.cfList, {
        type: 0,
        frequencies: [867_100_000, 867_300_000, 867_500_000, 867_700_000, 867_900_000],
      });
      assert.equal(toHex(queued.devAddr), toHex(session.devAddr));
      assert.equal(toHex(queued.netId), "000013");
      assert.deepEqual(queued.keys?.fNwkSIntKey?.key, issued.fNwkSIntKey?.key);
      assert.equal(queued.request?.cfList?.type, CFListType.FREQUENCIES);
      assert.ok(queued.correlationIds.includes("ns:uplink:test"));

      // What the device uses after the join-accept: its RX settings and all eight channels.
      const current = macState.currentParameters;
      assert.equal(current?.rx1Delay, 5);
      assert.equal(current?.rx2DataRateIndex, 3);
      assert.deepEqual(
        current?.channels
          .filter((channel) => channel.enableUplink)
          .map((c) => Number(c.uplinkFrequency)),
        [
          868_100_000, 868_300_000, 868_500_000, 867_100_000, 867_300_000, 867_500_000, 867_700_000,
          867_900_000,
        ],
      );
      assert.equal(macState.rxWindowsAvailable, true);
      assert.equal(macState.recentUplinks.length, 1);
      assert.equal(macState.recentUplinks[0]?.deviceChannelIndex, 0);
      assert.equal(macState.recentUplinks[0]?.rxMetadata[0]?.gatewayIds?.gatewayId, "gateway-1");
      assert.equal(macState.lorawanVersion, version);

      // The Application Server gets the AppSKey as the Join Server wrapped it for it.
      const [up] = t.forwarded;
      assert.equal(up?.up.case, "joinAccept");
      const joinAccept = up?.up.case === "joinAccept" ? up.up.value : undefined;
      assert.deepEqual(joinAccept?.sessionKeyId, keyId);
      assert.equal(joinAccept?.appSKey?.kekLabel, "default");
      assert.deepEqual(
        await t.vault.unwrapKey({
          kekLabel: joinAccept?.appSKey?.kekLabel ?? "",
          encryptedKey: joinAccept?.appSKey?.encryptedKey ?? new Uint8Array(),
        }),
        issued.appSKey?.key,
      );
      assert.equal(toHex(up?.endDeviceIds?.devAddr), toHex(session.devAddr));

      assert.deepEqual(names(t.published), [
        "ns.up.join.receive",
        "ns.up.join.cluster.attempt",
        "js.join.accept",
        "ns.up.join.cluster.success",
        "ns.up.join.process",
      ]);
      assert.ok(t.published.every((event) => event.identifiers[0]?.id === "app1.dev1"));
      assert.deepEqual(t.drops, []);
    });
  }

  it("sends a channel mask CFList for US915 FSB 2 and enables those channels", async () => {
    const t = await setup({ plan: "US_902_928_FSB_2", phyVersion: PHYVersion.RP001_V1_0_3_REV_A });
    const device = await t.handle(1, 903_900_000n);
    assert.ok(device, `dropped: ${dropReason(t.published)}`);
    const macState = device.pendingMacState;
    const cfList = macState?.queuedJoinAccept?.request?.cfList;
    assert.equal(cfList?.type, CFListType.CHANNEL_MASKS);
    const enabled = (cfList?.chMasks ?? []).flatMap((on, channel) => (on ? [channel] : []));
    assert.deepEqual(enabled, [8, 9, 10, 11, 12, 13, 14, 15, 65]);
    const accept = readJoinAccept(macState?.queuedJoinAccept?.payload ?? new Uint8Array(), appKey);
    assert.equal(accept.cfList?.type, 1);
    assert.deepEqual(
      macState?.currentParameters?.channels.flatMap((channel, i) =>
        channel.enableUplink ? [i] : [],
      ),
      [8, 9, 10, 11, 12, 13, 14, 15, 65],
    );
    assert.equal(macState?.recentUplinks[0]?.deviceChannelIndex, 8);
  });

  it("drops a replayed DevNonce refused by the Join Server and stores nothing", async () => {
    const t = await setup();
    const first = await t.handle(7);
    assert.ok(first);
    const before = await t.ns.devices.get(key);
    t.published.length = 0;
    assert.equal(await t.handle(7), undefined);
    assert.deepEqual(await t.ns.devices.get(key), before);
    assert.deepEqual(names(t.published), [
      "ns.up.join.receive",
      "ns.up.join.cluster.attempt",
      "js.join.reject",
      "ns.up.join.cluster.fail",
      "ns.up.join.drop",
    ]);
    assert.equal(dropReason(t.published), "dev_nonce_reused");
    assert.deepEqual(t.drops, ["dev_nonce_reused"]);
    assert.equal(t.forwarded.length, 1, "only the first join went to the Application Server");
  });

  it("drops a join-request with a wrong MIC", async () => {
    const t = await setup();
    const raw = joinRequestPhy(joinEui, devEui, 1, nwkKey);
    assert.equal(await t.handle(1, undefined, raw), undefined);
    assert.equal(dropReason(t.published), "mic_mismatch");
    assert.equal((await t.ns.devices.get(key))?.pendingSession, undefined);
  });
});

describe("createJoinRequests drops what it cannot serve", () => {
  it("drops an unknown device, without identifiers", async () => {
    const t = await setup();
    const raw = joinRequestPhy(joinEui, hex("0004a30b001c9999"), 1, appKey);
    assert.equal(await t.handle(1, undefined, raw), undefined);
    assert.deepEqual(names(t.published), ["ns.up.join.drop"]);
    assert.deepEqual(t.published[0]?.identifiers, []);
    assert.equal(dropReason(t.published), "device_not_found");
    assert.deepEqual(t.drops, ["device_not_found"]);
  });

  const garbage: [string, Uint8Array, string][] = [
    ["garbage", Uint8Array.of(0x00, 0x01, 0x02), "decode_payload"],
    ["an empty payload", new Uint8Array(), "decode_payload"],
    [
      "a data uplink",
      encodePhyPayload({
        mType: "unconfirmedDataUp",
        devAddr: hex("26011234"),
        fCtrl: { adr: false, adrAckReq: false, ack: false, classB: false },
        fCnt: 1,
        fOpts: new Uint8Array(),
        frmPayload: new Uint8Array(),
        mic: new Uint8Array(4),
      }),
      "not_join_request",
    ],
  ];
  for (const [what, raw, reason] of garbage) {
    it(`drops ${what} (${reason})`, async () => {
      const t = await setup();
      assert.equal(await t.handle(1, undefined, raw), undefined);
      assert.equal(dropReason(t.published), reason);
      assert.deepEqual(t.drops, [reason]);
    });
  }

  it("drops a join-request on a frequency that is not one of the device's channels", async () => {
    const t = await setup();
    assert.equal(await t.handle(1, 869_525_000n), undefined);
    assert.equal(dropReason(t.published), "uplink_channel_not_found");
    assert.deepEqual(names(t.published), ["ns.up.join.receive", "ns.up.join.drop"]);
  });

  it("drops a device of an unknown frequency plan", async () => {
    const t = await setup({ plan: "NOT_A_PLAN" });
    assert.equal(await t.handle(1), undefined);
    assert.equal(dropReason(t.published), "frequency_plan_not_found");
  });
});

describe("createJoinRequests with a fake Join Server", () => {
  const refusing = (error: Error): JoinServerClient => ({
    handleJoin: async () => {
      throw error;
    },
  });

  it("stores nothing when the Join Server fails", async () => {
    const t = await setup({}, { joinServers: () => refusing(new Error("connection reset")) });
    const before = await t.ns.devices.get(key);
    assert.equal(await t.handle(1), undefined);
    assert.deepEqual(await t.ns.devices.get(key), before);
    assert.equal(dropReason(t.published), "internal");
  });

  it("drops an answer without network session keys", async () => {
    const t = await setup(
      {},
      {
        joinServers: (real) => ({
          async handleJoin(request: JoinRequest, eui: Uint8Array) {
            const response: JoinResponse = await real.handleJoin(request, eui);
            if (response.sessionKeys) response.sessionKeys.fNwkSIntKey = undefined;
            return response;
          },
        }),
      },
    );
    assert.equal(await t.handle(1), undefined);
    assert.equal(dropReason(t.published), "missing_session_keys");
    assert.equal((await t.ns.devices.get(key))?.pendingSession, undefined);
  });

  it("drops the join when the device changed while the Join Server answered", async () => {
    let change: (() => Promise<unknown>) | undefined;
    const t = await setup(
      {},
      {
        joinServers: (real) => ({
          async handleJoin(request: JoinRequest, eui: Uint8Array) {
            await change?.();
            return real.handleJoin(request, eui);
          },
        }),
      },
    );
    change = () =>
      t.ns.devices.update(key, (device) => {
        assert.ok(device);
        device.frequencyPlanId = "EU_863_870";
        return device;
      });
    assert.equal(await t.handle(1), undefined);
    assert.equal(dropReason(t.published), "device_changed");
    assert.equal((await t.ns.devices.get(key))?.pendingSession, undefined);
  });

  it("drops a join-request of an ABP device", async () => {
    const t = await setup();
    const abp = create(EndDeviceSchema, {
      ids: { deviceId: "dev1", applicationIds: { applicationId: "app1" }, joinEui, devEui },
      supportsJoin: false,
    });
    const joins = createJoinRequests({
      store: {
        candidates: async () => [],
        get: async () => abp,
        getByEuis: async () => abp,
        commit: async () => assert.fail("nothing is stored"),
        changed: () => {},
      },
      joinServers: refusing(new Error("not asked")),
      forwarder: { forward: async () => assert.fail("nothing is forwarded") },
      events: new EventBus({ onPublish: (event) => t.published.push(event) }),
      frequencyPlans: FrequencyPlans.builtIn(),
      config: nsConfig,
      keyVault: t.vault,
      logger,
    });
    const raw = joinRequestPhy(joinEui, devEui, 1, appKey);
    const result: EndDevice | undefined = await joins.handle({
      uplink: uplinkOf(raw, receivedAtMs),
      receivedAtMs,
      correlationIds: [],
    });
    assert.equal(result, undefined);
    assert.equal(dropReason(t.published), "abp_join_request");
  });

  it("keeps the join when the Application Server cannot be reached", async () => {
    const t = await setup({}, { forwardFails: true });
    const device = await t.handle(1);
    assert.ok(device?.pendingMacState?.queuedJoinAccept);
    assert.ok(names(t.published).includes("ns.up.join.process"));
  });
});

describe("createJoinRequests through LoRaWAN Backend Interfaces", () => {
  let serverCertificate: TestCertificate | undefined;
  let certificates: InteropCertificates | undefined;
  before(async () => {
    serverCertificate = await makeTestCertificate();
    certificates = await makeInteropCertificates();
  });
  after(async () => {
    await serverCertificate?.remove();
    await certificates?.remove();
  });

  it("joins through the external Join Server of the JoinEUI when the cluster has none", async (t) => {
    if (!serverCertificate || !certificates) return t.skip("openssl is not available");
    const ours = await certificates.sender("000013");
    const senders = SenderAuthorities.fromDirectory(certificates.caDirectory);
    // The Join Server behind the listener is the one setup() builds below.
    let interopHandle: InteropServer["handle"] | undefined;
    const server = createHttpsServer(
      interopTlsOptions(
        { cert: serverCertificate.certificate, key: serverCertificate.key },
        senders,
      ),
      (request, response) => interopHandle?.(request, response),
    );
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const client = new InteropClient([
      {
        join_euis: ["70B3D57ED0000000/32"],
        url: `https://localhost:${(server.address() as AddressInfo).port}/`,
        protocol_version: "1.1",
        sender_id: "000013",
        tls: {
          ca: serverCertificate.certificateFile,
          certificate: ours.certificateFile,
          key: ours.keyFile,
        },
      },
    ]);
    t.after(() => {
      client.close();
      server.close();
    });
    const setupDone = await setup(
      { version: MACVersion.MAC_V1_1, phyVersion: PHYVersion.RP001_V1_1_REV_B },
      {
        joinServers: (_real, js) => {
          const interop = new InteropServer({ senders });
          interop.register(joinServerInterop(js.handler));
          interopHandle = interop.handle;
          return createJoinServerClient({
            cluster: clusterWith(),
            interop: client,
            events: js.events,
            logger,
          });
        },
      },
    );

    const device = await setupDone.handle(1);
    assert.ok(device, `dropped: ${dropReason(setupDone.published)}`);
    const keys = device.pendingSession?.keys;
    const issued = await setupDone.js.sessionKeys.get(
      joinEui,
      devEui,
      keys?.sessionKeyId ?? new Uint8Array(),
    );
    assert.deepEqual(keys?.fNwkSIntKey?.key, issued.fNwkSIntKey?.key);
    assert.deepEqual(keys?.sNwkSIntKey?.key, issued.sNwkSIntKey?.key);
    assert.deepEqual(keys?.nwkSEncKey?.key, issued.nwkSEncKey?.key);
    const accept = readJoinAccept(
      device.pendingMacState?.queuedJoinAccept?.payload ?? new Uint8Array(),
      nwkKey,
    );
    assert.equal(toHex(accept.devAddr), toHex(device.pendingSession?.devAddr));
    assert.equal(accept.dlSettings.optNeg, true);
    assert.deepEqual(names(setupDone.published), [
      "ns.up.join.receive",
      "ns.up.join.interop.attempt",
      "js.join.accept",
      "ns.up.join.interop.success",
      "ns.up.join.process",
    ]);
    const [up] = setupDone.forwarded;
    assert.equal(up?.up.case === "joinAccept" ? up.up.value.appSKey?.kekLabel : "", "default");
  });
});
