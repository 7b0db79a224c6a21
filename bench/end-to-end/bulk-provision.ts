/**
 * Provisioning in process, before the stack starts: the application (with its integration API
 * key), the gateways and the devices are written into the database the stack will open, through
 * the registries' own modules (Identity Server stores; Join, Network and Application Server
 * registries), as their services create them, many devices per transaction. Keys are wrapped
 * with the same key vault (the data dir's key file the stack then reads) by the registries
 * themselves. There is no bulk API; this is how a million devices get registered in minutes.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { pino } from "pino";
import { applicationServerConfig } from "../../src/application-server/config.ts";
import { createApplicationServerRegistries } from "../../src/application-server/registry/index.ts";
import { generateApiKey, hashApiKeySecret } from "../../src/auth/api-keys/index.ts";
import { loadConfig, readSection } from "../../src/config/index.ts";
import { FrequencyPlans, frequencyPlansConfig } from "../../src/frequency-plans/index.ts";
import { type EndDevice, EndDeviceSchema } from "../../src/gen/ttn/lorawan/v3/end_device_pb.js";
import { MACVersion, PHYVersion, RxDelay } from "../../src/gen/ttn/lorawan/v3/lorawan_pb.js";
import { hashPassword } from "../../src/identity-server/passwords/index.ts";
import { identityStores } from "../../src/identity-server/registry.ts";
import type { IdentityStores } from "../../src/identity-server/store/index.ts";
import { type JoinServerConfig, joinServerConfig } from "../../src/join-server/config.ts";
import { createJoinServerRegistries } from "../../src/join-server/registry/index.ts";
import { keyVaultConfig, openKeyVault } from "../../src/key-vault/index.ts";
import type { KeyVault } from "../../src/key-vault/key-vault.ts";
import { type NetworkServerConfig, networkServerConfig } from "../../src/network-server/config.ts";
import { createNetworkServerRegistries } from "../../src/network-server/registry/index.ts";
import { defaultMacSettings } from "../../src/network-server/services/default-mac-settings.ts";
import { deviceBand } from "../../src/network-server/services/device-band.ts";
import { defaultNewMacState } from "../../src/network-server/services/mac-state.ts";
import { programConfig } from "../../src/program/config.ts";
import {
  type Database,
  databaseLocation,
  migrateToLatest,
  openDatabase,
} from "../../src/storage/index.ts";
import { adminPassword } from "../../test/harness/identity-admin.ts";
import { childEnv } from "../../test/harness/lorastack-process.ts";
import {
  ABP_JOIN_EUI,
  APPLICATION_ID,
  abpSession,
  appKey,
  devEui,
  deviceId,
  type FleetShape,
  FREQUENCY_PLAN,
  JOIN_EUI,
} from "./fleet.ts";

/** Devices per transaction: large enough that commits are rare, small enough to stay light. */
const BATCH = 1000;
/** The application's owner: an admin user, as `is-db create-admin-user` makes it. */
const OWNER = { kind: "user" as const, id: "admin" };
const hex = (text: string) => new Uint8Array(Buffer.from(text, "hex"));

export interface BulkProvisionOptions {
  /** The data dir the stack will be started with (`startLorastack({ dataDir })`). */
  dataDir: string;
  /** The stack's extra environment: the configuration is read as the stack will read it. */
  env: Record<string, string>;
  gatewayEuis: readonly string[];
  fleet: FleetShape;
  /** Called after every transaction with the devices written so far. */
  progress?: (done: number) => void;
}

export interface BulkProvisioned {
  /** The application's API key for MQTT (traffic read, downlink write). */
  integrationKey: string;
  devices: number;
  /** Seconds spent writing the devices (the application and gateways not counted). */
  seconds: number;
  devicesPerSecond: number;
}

export async function bulkProvision(options: BulkProvisionOptions): Promise<BulkProvisioned> {
  const { config } = loadConfig(programConfig, { env: childEnv(options.dataDir, options.env) });
  const database = await openDatabase(databaseLocation(config.database.uri, config.data_dir));
  try {
    await migrateToLatest(database.db, database.engine);
    const keyVault = await openKeyVault({
      section: readSection(keyVaultConfig, config),
      dataDir: config.data_dir,
      logger: pino({ level: "error" }),
    });
    const plansSection = readSection(frequencyPlansConfig, config).frequency_plans;
    const plans = await FrequencyPlans.load({
      directory: plansSection.directory,
      replaceBuiltin: plansSection.replace_builtin,
    });
    const integrationKey = await registerApplication(
      identityStores({ database }),
      options.gatewayEuis,
    );
    const writer = deviceWriter(database, keyVault, {
      js: readSection(joinServerConfig, config).js,
      ns: readSection(networkServerConfig, config).ns,
      asKekLabel: readSection(applicationServerConfig, config).as.device_kek_label,
      plans,
    });
    const total = options.fleet.otaa + options.fleet.abp;
    const start = performance.now();
    for (let from = 0; from < total; from += BATCH) {
      await writer(from, Math.min(total, from + BATCH), options.fleet);
      options.progress?.(Math.min(total, from + BATCH));
    }
    const seconds = (performance.now() - start) / 1000;
    return { integrationKey, devices: total, seconds, devicesPerSecond: total / seconds };
  } finally {
    await database.close();
  }
}

/**
 * The owner, the application and its integration key, and the gateways (EU868, duty cycle not
 * enforced: the benchmark measures how many downlinks the stack schedules in time, not the
 * airtime EU868 leaves the gateways), as the Identity Server's services create them.
 */
async function registerApplication(
  stores: IdentityStores,
  gatewayEuis: readonly string[],
): Promise<string> {
  const password = await hashPassword(adminPassword);
  const now = new Date();
  const key = generateApiKey();
  await stores.transact(async (tx) => {
    await tx.users.create(OWNER.id, {
      primaryEmailAddress: "admin@example.com",
      primaryEmailAddressValidatedAt: now,
      password,
      passwordUpdatedAt: now,
      state: "STATE_APPROVED",
      admin: true,
    });
    await tx.applications.create(APPLICATION_ID, {});
    await tx.memberships.set(OWNER, { kind: "application", id: APPLICATION_ID }, [
      "RIGHT_APPLICATION_ALL",
    ]);
    await tx.apiKeys.create({
      keyId: key.id,
      entity: { kind: "application", id: APPLICATION_ID },
      name: "bench",
      secretHash: hashApiKeySecret(key.secret),
      rights: ["RIGHT_APPLICATION_TRAFFIC_READ", "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE"],
    });
    for (const [index, eui] of gatewayEuis.entries()) {
      const id = `bench-gw-${index}`;
      await tx.gateways.create(id, {
        gatewayEui: eui.toUpperCase(),
        frequencyPlanId: FREQUENCY_PLAN,
        frequencyPlanIds: [FREQUENCY_PLAN],
        // The service stores `enforce_duty_cycle: false` as absent (proto3's default).
        enforceDutyCycle: undefined,
        administrativeContact: { ...OWNER },
        technicalContact: { ...OWNER },
      });
      await tx.memberships.set(OWNER, { kind: "gateway", id }, ["RIGHT_GATEWAY_ALL"]);
    }
  });
  return key.token;
}

interface WriterSettings {
  js: JoinServerConfig["js"];
  ns: NetworkServerConfig["ns"];
  asKekLabel: string;
  plans: FrequencyPlans;
}

/**
 * Writes devices [from, to) in one transaction: the Identity Server's registration, then the
 * Join Server's (OTAA: root keys), the Network Server's (OTAA: joins later; ABP: the session
 * and its new MAC state, as `NsEndDeviceRegistry.Set` makes them) and the Application Server's
 * (ABP: the AppSKey and DevAddr), each registry bound to the transaction.
 */
function deviceWriter(database: Database, keyVault: KeyVault, settings: WriterSettings) {
  const band = deviceBand(settings.plans, FREQUENCY_PLAN, PHYVersion.PHY_V1_0_3_REV_A);
  const macSettings = defaultMacSettings(band, settings.ns.default_mac_settings);
  /**
   * What an ABP device's registration says of its radio, as The Things Stack's Console asks
   * for it: the plan's RX2 and channels are already in the device (its firmware is made for
   * the plan). The generator's devices never answer MAC commands, so without these settings
   * the Network Server would send RXParamSetupReq and NewChannelReqs with every uplink; for
   * the same reason DevStatusReq is off (a real device answers it once per 200 uplinks), and
   * RX1 stays 1 s after the uplink (the Network Server's desired 5 s would take a
   * RXTimingSetupReq; 1 s is also the tighter deadline for the class A steps).
   */
  const abpMacSettings = {
    rx1Delay: { value: RxDelay.RX_DELAY_1 },
    desiredRx1Delay: { value: RxDelay.RX_DELAY_1 },
    rx2DataRateIndex: { value: band.plan.rx2.dataRate },
    rx2Frequency: { value: BigInt(band.plan.rx2.frequency) },
    factoryPresetFrequencies: band.plan.uplinkChannels.map((channel) => BigInt(channel.frequency)),
    statusCountPeriodicity: 0,
    statusTimePeriodicity: { seconds: 0n, nanos: 0 },
  };
  return async (from: number, to: number, fleet: FleetShape) => {
    await database.db.transaction().execute(async (trx) => {
      const scoped = { ...database, db: trx };
      const stores = identityStores({ database: scoped });
      const js = createJoinServerRegistries({ database: scoped, keyVault, config: settings.js });
      const ns = createNetworkServerRegistries({ database: scoped, keyVault, config: settings.ns });
      const as = createApplicationServerRegistries({
        database: scoped,
        keyVault,
        deviceKekLabel: settings.asKekLabel,
      });
      const now = Date.now();
      const nsDevices: { key: { applicationId: string; deviceId: string }; device: EndDevice }[] =
        [];
      for (let index = from; index < to; index++) {
        const abp = index >= fleet.otaa;
        const key = { applicationId: APPLICATION_ID, deviceId: deviceId(index) };
        const euis = { joinEui: abp ? ABP_JOIN_EUI : JOIN_EUI, devEui: devEui(index) };
        const ids = {
          applicationIds: { applicationId: APPLICATION_ID },
          deviceId: key.deviceId,
          joinEui: hex(euis.joinEui),
          devEui: hex(euis.devEui),
        };
        await stores.endDevices.create(key, euis);
        const session = abp ? abpSession(index) : undefined;
        if (!abp) {
          await js.devices.update(key, () =>
            create(EndDeviceSchema, { ids, rootKeys: { appKey: { key: hex(appKey(index)) } } }),
          );
        }
        const nsDevice = create(EndDeviceSchema, {
          ids,
          frequencyPlanId: FREQUENCY_PLAN,
          lorawanVersion: MACVersion.MAC_V1_0_3,
          lorawanPhyVersion: PHYVersion.PHY_V1_0_3_REV_A,
          supportsJoin: !abp,
          ...(session
            ? {
                macSettings: abpMacSettings,
                session: {
                  devAddr: session.devAddr,
                  // LoRaWAN 1.0.x has one network session key: the three are the same.
                  keys: {
                    fNwkSIntKey: { key: session.nwkSKey },
                    sNwkSIntKey: { key: session.nwkSKey },
                    nwkSEncKey: { key: session.nwkSKey },
                  },
                  startedAt: timestampFromMs(now),
                },
              }
            : {}),
        });
        if (session) nsDevice.macState = defaultNewMacState(nsDevice, band, macSettings);
        nsDevices.push({ key, device: nsDevice });
        await as.devices.update(key, () =>
          create(EndDeviceSchema, {
            ids: { ...ids, ...(session ? { devAddr: session.devAddr } : {}) },
            ...(session
              ? {
                  session: {
                    devAddr: session.devAddr,
                    keys: { appSKey: { key: session.appSKey } },
                  },
                }
              : {}),
          }),
        );
      }
      await ns.devices.updateMany(
        nsDevices.map(({ key, device }) => ({ key, change: () => device })),
      );
    });
  };
}
