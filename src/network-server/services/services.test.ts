/**
 * NsEndDeviceRegistry, NsEndDeviceBatchRegistry and Ns through a Connect transport (messages
 * encoded and decoded as on the wire, errors as a client sees them), on a SQLite registry.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { durationMs } from "@bufbuild/protobuf/wkt";
import {
  type Client,
  ConnectError,
  createClient,
  createRouterTransport,
  type Interceptor,
} from "@connectrpc/connect";
import { errorFromConnect, errorToConnect } from "../../api/errors.ts";
import { errNoCredentials, errNoRights } from "../../auth/errors.ts";
import { errInsufficientRights, type RightName } from "../../auth/rights/index.ts";
import type { RightsFetcher } from "../../auth/rights-fetcher.ts";
import type { ErrorDefinition } from "../../errors/index.ts";
import { EventBus, type StackEvent } from "../../events/index.ts";
import { FrequencyPlans } from "../../frequency-plans/index.ts";
import { EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { MACVersion, PHYVersion } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import {
  Ns,
  NsEndDeviceBatchRegistry,
  NsEndDeviceRegistry,
} from "../../gen/ttn/lorawan/v3/networkserver_pb.js";
import { StaticKeyVault } from "../../key-vault/static-key-vault.ts";
import { type Database, openDatabase } from "../../storage/index.ts";
import { migrateToLatest } from "../../storage/migrate.ts";
import { devAddrNumber, devAddrPrefixesOf, hasPrefix, parseNetId } from "../dev-addr/index.ts";
import { errDeviceNotFound, errUnknownFrequencyPlan, errUnknownPhyVersion } from "../errors.ts";
import { createNetworkServerRegistries, type NetworkServerRegistries } from "../registry/index.ts";
import { nsEndDeviceBatchRegistryService } from "./batch-registry.ts";
import { nsEndDeviceRegistryService } from "./device-registry.ts";
import {
  errBatchSize,
  errForbiddenFieldMaskPaths,
  errInvalidFieldMask,
  errInvalidFieldValue,
  errNoDevEui,
} from "./errors.ts";
import { nsService } from "./ns.ts";

const hex = (text: string) => new Uint8Array(Buffer.from(text, "hex"));
const toHex = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString("hex");
const F_NWK = hex("a1a2a3a4a5a6a7a8a9aaabacadaeaf00");
const S_NWK = hex("b1b2b3b4b5b6b7b8b9babbbcbdbebf00");
const NWK_ENC = hex("c1c2c3c4c5c6c7c8c9cacbcccdcecf00");
const JOIN_EUI = hex("70b3d57ed0000001");
const DEV_EUI = hex("0004a30b001c0530");
const DEFAULTS = {
  adr_margin: 15,
  desired_rx1_delay: 5,
  class_b_timeout: 600_000,
  class_c_timeout: 300_000,
  status_time_periodicity: 86_400_000,
  status_count_periodicity: 200,
};

const keyRights: Record<string, RightName[]> = {
  "Bearer admin": [
    "RIGHT_APPLICATION_DEVICES_READ",
    "RIGHT_APPLICATION_DEVICES_READ_KEYS",
    "RIGHT_APPLICATION_DEVICES_WRITE",
    "RIGHT_APPLICATION_DEVICES_WRITE_KEYS",
    "RIGHT_APPLICATION_LINK",
  ],
  "Bearer plain": ["RIGHT_APPLICATION_DEVICES_READ", "RIGHT_APPLICATION_DEVICES_WRITE"],
  "Bearer info": ["RIGHT_APPLICATION_INFO"],
};
const rights: RightsFetcher = {
  authInfo: () => Promise.reject(new Error("not used")),
  rightsOn: async (authorization, entity) =>
    new Set(entity.kind === "application" && entity.id === "app1" ? keyRights[authorization] : []),
};

/** Our errors as a Connect server answers them (the API's own mapping). */
const asConnectErrors: Interceptor = (next) => async (request) => {
  try {
    return await next(request);
  } catch (error) {
    throw errorToConnect(error);
  }
};

async function rejectsWith(promise: Promise<unknown>, definition: ErrorDefinition) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ConnectError, String(error));
    const defined = errorFromConnect(error);
    assert.ok(definition.matches(defined), `expected ${definition.name}, got ${error.message}`);
    return true;
  });
}

const as = (authorization?: string) => ({
  headers: authorization ? { authorization } : {},
});

type Device = Omit<MessageInitShape<typeof EndDeviceSchema>, "$typeName">;
const ids = (deviceId = "dev1", euis = true) => ({
  applicationIds: { applicationId: "app1" },
  deviceId,
  ...(euis ? { joinEui: JOIN_EUI, devEui: DEV_EUI } : {}),
});
const base = ["frequency_plan_id", "lorawan_version", "lorawan_phy_version", "supports_join"];
const otaa = (fields: Device = {}): Device => ({
  frequencyPlanId: "EU_863_870",
  lorawanVersion: MACVersion.MAC_V1_0_3,
  lorawanPhyVersion: PHYVersion.PHY_V1_0_3_REV_A,
  supportsJoin: true,
  ...fields,
});
const abp = (fields: Device = {}): Device =>
  otaa({
    supportsJoin: false,
    session: {
      devAddr: hex("26011234"),
      lastFCntUp: 41,
      keys: { sessionKeyId: hex("01"), fNwkSIntKey: { key: F_NWK } },
    },
    ...fields,
  });
const abpPaths = [
  ...base,
  "session.dev_addr",
  "session.keys.f_nwk_s_int_key.key",
  "session.keys.session_key_id",
  "session.last_f_cnt_up",
];

describe("Network Server registry services", () => {
  let folder: string;
  let database: Database;
  let registries: NetworkServerRegistries;
  let events: StackEvent[];
  let registry: Client<typeof NsEndDeviceRegistry>;
  let batch: Client<typeof NsEndDeviceBatchRegistry>;
  let ns: Client<typeof Ns>;
  let counter = 0;
  const clock = 1_765_000_000_000;

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), "lorastack-ns-services-"));
  });
  after(async () => {
    await database?.close();
    await rm(folder, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await database?.close();
    database = await openDatabase({ engine: "sqlite", file: join(folder, `${++counter}.db`) });
    await migrateToLatest(database.db, database.engine);
    registries = createNetworkServerRegistries({
      database,
      keyVault: new StaticKeyVault(new Map([["k", hex("000102030405060708090a0b0c0d0e0f")]]), "k"),
      config: { device_kek_label: "" },
    });
    events = [];
    const bus = new EventBus();
    bus.listen((event) => events.push(event));
    const frequencyPlans = FrequencyPlans.builtIn();
    const context = {
      devices: registries.devices,
      rights,
      events: bus,
      frequencyPlans,
      defaultMacSettings: DEFAULTS,
      now: () => clock,
    };
    const netId = parseNetId("000013");
    const transport = createRouterTransport(
      (router) => {
        router.service(NsEndDeviceRegistry, nsEndDeviceRegistryService(context));
        router.service(NsEndDeviceBatchRegistry, nsEndDeviceBatchRegistryService(context));
        router.service(
          Ns,
          nsService({
            netId,
            devAddrPrefixes: devAddrPrefixesOf(netId, ["260B0000/16", "27000000/8"]),
            frequencyPlans,
            defaultMacSettings: DEFAULTS,
          }),
        );
      },
      { router: { interceptors: [asConnectErrors] } },
    );
    registry = createClient(NsEndDeviceRegistry, transport);
    batch = createClient(NsEndDeviceBatchRegistry, transport);
    ns = createClient(Ns, transport);
  });

  const set = (
    device: Device,
    paths: string[],
    authorization = "Bearer admin",
    deviceId = "dev1",
  ) =>
    registry.set(
      {
        endDevice: create(EndDeviceSchema, {
          ...device,
          ids: { ...ids(deviceId), ...((device.ids ?? {}) as object) },
        }),
        fieldMask: { paths },
      },
      as(authorization),
    );
  const get = (paths: string[], authorization = "Bearer admin", deviceId = "dev1") =>
    registry.get(
      {
        endDeviceIds: { applicationIds: { applicationId: "app1" }, deviceId },
        fieldMask: { paths },
      },
      as(authorization),
    );

  it("creates a device that joins, with the Network Server's fields only", async () => {
    const created = await set(
      otaa({ supportsClassC: true }),
      [...base, "supports_class_c"],
      "Bearer plain",
    );
    assert.equal(created.frequencyPlanId, "EU_863_870");
    assert.equal(created.supportsClassC, true);
    assert.equal(created.session, undefined, "a device that joins has no session yet");
    assert.equal(created.macState, undefined);
    assert.equal(toHex(created.ids?.devEui), toHex(DEV_EUI));
    assert.deepEqual(
      events.map((event) => [event.name, event.identifiers]),
      [["ns.end_device.create", [{ kind: "end_device", id: "app1.dev1" }]]],
    );
    const read = await get(["frequency_plan_id"], "Bearer plain");
    assert.equal(read.frequencyPlanId, "EU_863_870");
    assert.equal(read.lorawanVersion, MACVersion.MAC_UNKNOWN, "not masked: not shown");
    assert.ok(read.createdAt && read.updatedAt);
    await rejectsWith(get([], ""), errNoCredentials);
    await rejectsWith(get([], "Bearer nobody"), errNoRights);
    await rejectsWith(get([], "Bearer info"), errInsufficientRights);
    await rejectsWith(get([], "Bearer admin", "dev2"), errDeviceNotFound);
  });

  it("refuses a create without the required fields or with bad values", async () => {
    await rejectsWith(set(otaa(), ["frequency_plan_id", "lorawan_version"]), errInvalidFieldMask);
    await rejectsWith(set(otaa({ frequencyPlanId: "NOPE" }), base), errUnknownFrequencyPlan);
    await rejectsWith(set(otaa({ frequencyPlanId: "" }), base), errInvalidFieldValue);
    await rejectsWith(set(otaa({ lorawanVersion: 99 as MACVersion }), base), errInvalidFieldValue);
    await rejectsWith(set(otaa({ lorawanPhyVersion: 0 }), base), errInvalidFieldValue);
    await rejectsWith(
      set(otaa({ ids: { ...ids(), devEui: new Uint8Array() } }), base),
      errNoDevEui,
    );
    await rejectsWith(set(otaa({ multicast: true }), [...base, "multicast"]), errInvalidFieldValue);
    for (const [paths, settings] of [
      [["mac_settings.rx2_data_rate_index"], { rx2DataRateIndex: { value: 12 } }],
      [["mac_settings.rx1_delay"], { rx1Delay: { value: 16 } }],
      [["mac_settings.rx2_frequency"], { rx2Frequency: { value: 1000n } }],
      [
        ["mac_settings"],
        { factoryPresetFrequencies: Array.from({ length: 97 }, () => 868100000n) },
      ],
      [["mac_settings.adr"], { adr: { mode: { case: "dynamic", value: { margin: -1 } } } }],
    ] as const)
      await rejectsWith(
        set(otaa({ macSettings: settings as never }), [...base, ...paths]),
        errInvalidFieldValue,
      );
    for (const paths of [
      ["name"],
      ["root_keys"],
      ["session.keys.app_s_key"],
      ["mac_state"],
      ["pending_mac_state.lorawan_version"],
      ["nope"],
    ])
      await rejectsWith(set(otaa(), [...base, ...paths]), errForbiddenFieldMaskPaths);
    assert.equal(
      await registries.devices.get({ applicationId: "app1", deviceId: "dev1" }),
      undefined,
    );
    // A valid data rate of the band is taken.
    const created = await set(otaa({ macSettings: { rx2DataRateIndex: { value: 3 } } }), [
      ...base,
      "mac_settings.rx2_data_rate_index",
    ]);
    assert.equal(created.macSettings?.rx2DataRateIndex?.value, 3);
  });

  it("creates an ABP device with its session, keys only with the keys rights", async () => {
    await rejectsWith(set(abp(), abpPaths, "Bearer plain"), errInsufficientRights);
    await rejectsWith(set(abp(), base.concat("session.dev_addr")), errInvalidFieldMask);
    await rejectsWith(
      set(abp({ session: { devAddr: new Uint8Array(4) } }), abpPaths),
      errInvalidFieldValue,
    );
    const created = await set(abp(), abpPaths);
    assert.equal(toHex(created.session?.devAddr), "26011234");
    assert.equal(created.session?.lastFCntUp, 41);
    assert.equal(toHex(created.session?.keys?.fNwkSIntKey?.key), toHex(F_NWK));
    const stored = await registries.devices.get({ applicationId: "app1", deviceId: "dev1" });
    // LoRaWAN 1.0.x: one network session key for all three.
    assert.equal(toHex(stored?.session?.keys?.sNwkSIntKey?.key), toHex(F_NWK));
    assert.equal(toHex(stored?.session?.keys?.nwkSEncKey?.key), toHex(F_NWK));
    assert.equal(stored?.session?.startedAt?.seconds, BigInt(clock / 1000));
    assert.equal(stored?.macState?.lorawanVersion, MACVersion.MAC_V1_0_3);
    assert.equal(stored?.macState?.currentParameters?.rx2Frequency, 869525000n);

    const plain = await get(["session"], "Bearer admin");
    assert.equal(toHex(plain.session?.keys?.nwkSEncKey?.key), toHex(F_NWK));
    assert.equal(plain.session?.keys?.nwkSEncKey?.kekLabel, "", "the stored envelope stays inside");
    await rejectsWith(get(["session"], "Bearer plain"), errInsufficientRights);
    const withoutKeys = await get(
      ["session.dev_addr", "session.keys.session_key_id", "mac_state.lorawan_version"],
      "Bearer plain",
    );
    assert.equal(toHex(withoutKeys.session?.devAddr), "26011234");
    assert.equal(toHex(withoutKeys.session?.keys?.sessionKeyId), "01");
    assert.equal(withoutKeys.session?.keys?.fNwkSIntKey, undefined);
    assert.equal(withoutKeys.macState?.lorawanVersion, MACVersion.MAC_V1_0_3, "readable");
  });

  it("needs separate network keys for LoRaWAN 1.1 and refuses them before", async () => {
    const v11 = {
      lorawanVersion: MACVersion.MAC_V1_1,
      lorawanPhyVersion: PHYVersion.PHY_V1_1_REV_B,
    };
    await rejectsWith(set(abp(v11), abpPaths), errInvalidFieldMask);
    const keys = ["session.keys.s_nwk_s_int_key.key", "session.keys.nwk_s_enc_key.key"];
    await rejectsWith(
      set(
        abp({
          session: {
            devAddr: hex("26011234"),
            keys: {
              sessionKeyId: hex("02"),
              fNwkSIntKey: { key: F_NWK },
              sNwkSIntKey: { key: S_NWK },
              nwkSEncKey: { key: NWK_ENC },
            },
          },
        }),
        [...abpPaths, ...keys],
      ),
      errInvalidFieldMask,
    );
    const created = await set(
      abp({
        ...v11,
        session: {
          devAddr: hex("26011234"),
          keys: {
            sessionKeyId: hex("02"),
            fNwkSIntKey: { key: F_NWK },
            sNwkSIntKey: { key: S_NWK },
            nwkSEncKey: { key: NWK_ENC },
          },
        },
      }),
      [...abpPaths, ...keys],
    );
    assert.equal(toHex(created.session?.keys?.sNwkSIntKey?.key), toHex(S_NWK));
    assert.equal(toHex(created.session?.keys?.nwkSEncKey?.key), toHex(NWK_ENC));
    await rejectsWith(
      set({ session: { keys: { sNwkSIntKey: { key: hex("0102") } } } }, [
        "session.keys.s_nwk_s_int_key.key",
      ]),
      errInvalidFieldValue,
    );
  });

  it("updates the masked fields; supports_join and multicast stay as created", async () => {
    await set(otaa(), base);
    events.length = 0;
    const updated = await set(
      {
        frequencyPlanId: "EU_863_870",
        supportsClassB: true,
        macSettings: { rx1Delay: { value: 3 } },
      },
      ["supports_class_b", "mac_settings.rx1_delay"],
      "Bearer plain",
    );
    assert.equal(updated.supportsClassB, true);
    assert.equal(updated.macSettings?.rx1Delay?.value, 3);
    assert.equal(updated.frequencyPlanId, "", "not masked: not shown");
    const stored = await registries.devices.get({ applicationId: "app1", deviceId: "dev1" });
    assert.equal(stored?.frequencyPlanId, "EU_863_870", "kept");
    assert.equal(stored?.lorawanVersion, MACVersion.MAC_V1_0_3);
    assert.deepEqual(
      events.map((event) => [event.name, event.data]),
      [["ns.end_device.update", ["supports_class_b", "mac_settings.rx1_delay"]]],
    );
    for (const paths of [["supports_join"], ["multicast"]])
      await rejectsWith(set(otaa(), paths), errInvalidFieldMask);
    await rejectsWith(
      set({ ids: { ...ids(), devEui: hex("0004a30b001c0531") } }, ["ids.dev_eui"]),
      errInvalidFieldMask,
    );
    await rejectsWith(
      set({ lorawanPhyVersion: 99 as PHYVersion }, ["lorawan_phy_version"]),
      errInvalidFieldValue,
    );
    await rejectsWith(
      set({ macSettings: { rx2DataRateIndex: { value: 9 } } }, [
        "mac_settings.rx2_data_rate_index",
      ]),
      errInvalidFieldValue,
    );
  });

  it("resets a device to factory defaults as The Things Stack does", async () => {
    await set(abp({ batteryPercentage: 50, downlinkMargin: 7 }), abpPaths, "Bearer admin", "abp");
    await registries.devices.update({ applicationId: "app1", deviceId: "abp" }, (current) => {
      assert.ok(current?.session);
      current.session.lastNFCntDown = 9;
      current.downlinkMargin = 7;
      current.pendingSession = create(EndDeviceSchema, {
        session: { devAddr: hex("26019999") },
      }).session;
      return current;
    });
    const reset = await registry.resetFactoryDefaults(
      {
        endDeviceIds: { applicationIds: { applicationId: "app1" }, deviceId: "abp" },
        fieldMask: { paths: ["session", "downlink_margin"] },
      },
      as("Bearer admin"),
    );
    assert.equal(toHex(reset.session?.devAddr), "26011234", "an ABP device keeps its address");
    assert.equal(toHex(reset.session?.keys?.fNwkSIntKey?.key), toHex(F_NWK), "and its keys");
    assert.equal(reset.session?.lastFCntUp, 0);
    assert.equal(reset.session?.lastNFCntDown, 0);
    assert.equal(reset.downlinkMargin, 0);
    const abpStored = await registries.devices.get({ applicationId: "app1", deviceId: "abp" });
    assert.equal(abpStored?.pendingSession, undefined);
    assert.ok(abpStored?.macState, "a fresh MAC state");

    await set(otaa(), base, "Bearer admin", "otaa");
    await registries.devices.update({ applicationId: "app1", deviceId: "otaa" }, (current) => {
      assert.ok(current);
      current.session = create(EndDeviceSchema, { session: { devAddr: hex("26015555") } }).session;
      return current;
    });
    const joined = await registry.resetFactoryDefaults(
      {
        endDeviceIds: { applicationIds: { applicationId: "app1" }, deviceId: "otaa" },
        fieldMask: { paths: ["session.dev_addr"] },
      },
      as("Bearer plain"),
    );
    assert.equal(joined.session, undefined, "a device that joins joins again");
    assert.deepEqual(await registries.devices.rangeByDevAddr(hex("26015555")), []);
    await rejectsWith(
      registry.resetFactoryDefaults(
        {
          endDeviceIds: { applicationIds: { applicationId: "app1" }, deviceId: "otaa" },
          fieldMask: { paths: ["session"] },
        },
        as("Bearer plain"),
      ),
      errInsufficientRights,
    );
    await rejectsWith(
      registry.resetFactoryDefaults(
        { endDeviceIds: { applicationIds: { applicationId: "app1" }, deviceId: "nope" } },
        as("Bearer admin"),
      ),
      errDeviceNotFound,
    );
  });

  it("deletes one device or a batch", async () => {
    for (const deviceId of ["dev1", "dev2", "dev3"])
      await set(
        otaa({
          ids: {
            ...ids(deviceId),
            devEui: hex(`00000000000000${deviceId.slice(-1).padStart(2, "0")}`),
          },
        }),
        base,
        "Bearer admin",
        deviceId,
      );
    events.length = 0;
    const target = { applicationIds: { applicationId: "app1" }, deviceId: "dev1" };
    await rejectsWith(registry.delete(target, as("Bearer info")), errInsufficientRights);
    await registry.delete(target, as("Bearer plain"));
    await rejectsWith(registry.delete(target, as("Bearer plain")), errDeviceNotFound);
    await rejectsWith(
      batch.delete(
        { applicationIds: { applicationId: "app1" }, deviceIds: [] },
        as("Bearer plain"),
      ),
      errBatchSize,
    );
    await batch.delete(
      { applicationIds: { applicationId: "app1" }, deviceIds: ["dev2", "nope", "dev3"] },
      as("Bearer plain"),
    );
    assert.deepEqual(
      events.map((event) => [event.name, event.identifiers[0]?.id]),
      [
        ["ns.end_device.delete", "app1.dev1"],
        ["ns.end_device.delete", "app1.dev2"],
        ["ns.end_device.delete", "app1.dev3"],
      ],
    );
    assert.equal(
      await registries.devices.get({ applicationId: "app1", deviceId: "dev3" }),
      undefined,
    );
  });

  it("answers the Ns service from configuration", async () => {
    assert.equal(toHex((await ns.getNetID({})).netId), "000013");
    assert.deepEqual((await ns.getDeviceAddressPrefixes({})).devAddrPrefixes, [
      "260B0000/16",
      "27000000/8",
    ]);
    const prefixes = devAddrPrefixesOf(parseNetId("000013"), ["260B0000/16", "27000000/8"]);
    for (let i = 0; i < 20; i++) {
      const { devAddr } = await ns.generateDevAddr({});
      assert.ok(
        prefixes.some((prefix) => hasPrefix(devAddrNumber(devAddr), prefix)),
        toHex(devAddr),
      );
    }
    const settings = await ns.getDefaultMACSettings({
      frequencyPlanId: "EU_863_870",
      lorawanPhyVersion: PHYVersion.RP002_V1_0_3,
    });
    assert.equal(settings.rx1Delay?.value, 1);
    assert.equal(settings.rx2DataRateIndex?.value, 0);
    assert.equal(settings.rx2Frequency?.value, 869525000n);
    assert.equal(settings.desiredRx1Delay?.value, 5);
    const ttn = await ns.getDefaultMACSettings({
      frequencyPlanId: "EU_863_870_TTN",
      lorawanPhyVersion: PHYVersion.RP002_V1_0_3,
    });
    assert.equal(ttn.rx2DataRateIndex?.value, 0, "the band's RX2 until RXParamSetupReq");
    assert.equal(ttn.desiredRx2DataRateIndex?.value, 3, "the plan's RX2");
    assert.equal(
      durationMs(settings.classCTimeout ?? ({ seconds: 0n, nanos: 0 } as never)),
      300_000,
    );
    assert.equal(settings.statusCountPeriodicity, 200);
    assert.equal(settings.adr?.mode.case, "dynamic");
    await rejectsWith(
      ns.getDefaultMACSettings({
        frequencyPlanId: "NOPE",
        lorawanPhyVersion: PHYVersion.RP002_V1_0_3,
      }),
      errUnknownFrequencyPlan,
    );
    await rejectsWith(
      ns.getDefaultMACSettings({ frequencyPlanId: "EU_863_870", lorawanPhyVersion: 0 }),
      errUnknownPhyVersion,
    );
  });
});
