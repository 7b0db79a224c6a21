import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { HandlerContext } from "@connectrpc/connect";
import { errInvalidIdentifier } from "../../api/end-device-identifiers.ts";
import type { DefinedError, ErrorDefinition } from "../../errors/index.ts";
import { FrequencyPlans } from "../../frequency-plans/index.ts";
import { type EndDevice, EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { EndDeviceIdentifiersSchema } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { Class, MACVersion, PHYVersion } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import {
  type ApplicationDownlink,
  ApplicationDownlinkSchema,
  DownlinkQueueRequestSchema,
} from "../../gen/ttn/lorawan/v3/messages_pb.js";
import { StaticKeyVault } from "../../key-vault/static-key-vault.ts";
import { openDatabase } from "../../storage/database.ts";
import { migrateToLatest } from "../../storage/migrate.ts";
import { registryDeviceStore } from "../device-store/device-store.ts";
import { errDeviceNotFound } from "../errors.ts";
import { createNetworkServerRegistries } from "../registry/index.ts";
import type { DeviceKey } from "../registry/registry.ts";
import {
  asNsService,
  errApplicationDownlinkTooLong,
  errClassBCUnsupported,
  errConfirmedMulticastDownlink,
  errConfirmedRetryAttempts,
  errDownlinkQueueCapacity,
  errExpiredDownlink,
  errFCntTooLow,
  errInvalidFPort,
  errNoPath,
  errUnknownMacState,
  errUnknownSession,
} from "./as-ns.ts";

const NOW = Date.UTC(2026, 11, 5, 12);
const SESSION = new Uint8Array([0x01]);
const PENDING = new Uint8Array([0x02]);
const KEY = new Uint8Array(16).fill(7);
const frequencyPlans = FrequencyPlans.builtIn();
const folders: string[] = [];
after(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

type DeviceInit = Omit<MessageInitShape<typeof EndDeviceSchema>, "$typeName">;

/** A 1.0.3 class A device of EU_863_870 with a session (FCntDown 5 used) and its MAC state. */
function device(deviceId: string, fields: DeviceInit = {}): EndDevice {
  return create(EndDeviceSchema, {
    ids: { applicationIds: { applicationId: "app1" }, deviceId },
    frequencyPlanId: "EU_863_870",
    lorawanVersion: MACVersion.MAC_V1_0_3,
    lorawanPhyVersion: PHYVersion.RP001_V1_0_3_REV_A,
    session: {
      devAddr: new Uint8Array([1, 2, 3, 4]),
      lastNFCntDown: 5,
      keys: { sessionKeyId: SESSION, fNwkSIntKey: { key: KEY } },
    },
    macState: { lorawanVersion: MACVersion.MAC_V1_0_3, deviceClass: Class.A },
    ...fields,
  });
}

function downlink(
  fCnt: number,
  fields: Omit<MessageInitShape<typeof ApplicationDownlinkSchema>, "$typeName"> = {},
): ApplicationDownlink {
  return create(ApplicationDownlinkSchema, {
    sessionKeyId: SESSION,
    fPort: 1,
    fCnt,
    frmPayload: new Uint8Array([0xca, 0xfe]),
    ...fields,
  });
}

async function setUp(options: { queueCapacity?: number; withPlans?: boolean } = {}) {
  const folder = await mkdtemp(join(tmpdir(), "lorastack-as-ns-"));
  folders.push(folder);
  const database = await openDatabase({ engine: "sqlite", file: join(folder, "ns.db") });
  await migrateToLatest(database.db, database.engine);
  const { devices } = createNetworkServerRegistries({
    database,
    keyVault: new StaticKeyVault(new Map([["kek", new Uint8Array(16).fill(9)]]), "kek"),
    config: { device_kek_label: "" },
  });
  const woken: DeviceKey[] = [];
  const service = asNsService({
    store: registryDeviceStore(devices),
    scheduler: {
      async wake(key) {
        woken.push(key);
      },
    },
    frequencyPlans: options.withPlans === false ? undefined : frequencyPlans,
    queueCapacity: options.queueCapacity,
    now: () => NOW,
  });
  const context = {} as HandlerContext;
  const key = (deviceId: string) => ({ applicationId: "app1", deviceId });
  const request = (deviceId: string, downlinks: ApplicationDownlink[]) =>
    create(DownlinkQueueRequestSchema, {
      endDeviceIds: { applicationIds: { applicationId: "app1" }, deviceId },
      downlinks,
    });
  return {
    woken,
    async store(value: EndDevice) {
      await devices.update(key(value.ids?.deviceId ?? ""), () => value);
    },
    async push(deviceId: string, downlinks: ApplicationDownlink[]): Promise<void> {
      await service.downlinkQueuePush?.(request(deviceId, downlinks), context);
    },
    async replace(deviceId: string, downlinks: ApplicationDownlink[]): Promise<void> {
      await service.downlinkQueueReplace?.(request(deviceId, downlinks), context);
    },
    async list(deviceId: string) {
      const answer = await service.downlinkQueueList?.(
        create(EndDeviceIdentifiersSchema, {
          applicationIds: { applicationId: "app1" },
          deviceId,
        }),
        context,
      );
      return (answer?.downlinks ?? []).map((down) => down.fCnt);
    },
    stored: async (deviceId: string) => devices.get(key(deviceId)),
    close: () => database.close(),
  };
}

const refusedWith = (definition: ErrorDefinition) => (error: unknown) =>
  definition.matches(error) || assert.fail(`expected ${definition.name}, got ${String(error)}`);

describe("AsNs downlink queue", () => {
  it("pushes after what is queued, replaces, clears and lists", async () => {
    const t = await setUp();
    try {
      await t.store(device("dev1"));
      await t.push("dev1", [downlink(6), downlink(8)]);
      await t.push("dev1", [downlink(9)]);
      assert.deepEqual(await t.list("dev1"), [6, 8, 9]);
      const stored = await t.stored("dev1");
      assert.deepEqual(
        stored?.session?.queuedApplicationDownlinks[0]?.frmPayload,
        Uint8Array.of(0xca, 0xfe),
      );
      await t.replace("dev1", [downlink(20), downlink(21)]);
      assert.deepEqual(await t.list("dev1"), [20, 21]);
      await t.replace("dev1", []);
      assert.deepEqual(await t.list("dev1"), []);
    } finally {
      await t.close();
    }
  });

  it("queues on the pending session the downlinks that name it, and lists both", async () => {
    const t = await setUp();
    try {
      await t.store(
        device("dev1", {
          pendingSession: { devAddr: new Uint8Array(4), keys: { sessionKeyId: PENDING } },
          pendingMacState: { lorawanVersion: MACVersion.MAC_V1_1 },
        }),
      );
      await t.push("dev1", [downlink(0, { sessionKeyId: PENDING }), downlink(6)]);
      const stored = await t.stored("dev1");
      assert.deepEqual(
        stored?.session?.queuedApplicationDownlinks.map((d) => d.fCnt),
        [6],
      );
      assert.deepEqual(
        stored?.pendingSession?.queuedApplicationDownlinks.map((d) => d.fCnt),
        [0],
      );
      assert.deepEqual(await t.list("dev1"), [6, 0]);
    } finally {
      await t.close();
    }
  });

  it("counts application downlinks apart from LoRaWAN 1.1 on", async () => {
    const t = await setUp();
    try {
      const v11 = { lorawanVersion: MACVersion.MAC_V1_1, deviceClass: Class.A };
      await t.store(
        device("dev1", {
          lorawanVersion: MACVersion.MAC_V1_1,
          session: { lastNFCntDown: 50, lastAFCntDown: 3, keys: { sessionKeyId: SESSION } },
          macState: v11,
        }),
      );
      await assert.rejects(t.push("dev1", [downlink(3)]), refusedWith(errFCntTooLow));
      await t.push("dev1", [downlink(4)]);
      assert.deepEqual(await t.list("dev1"), [4]);
    } finally {
      await t.close();
    }
  });

  const refusals: {
    name: string;
    device?: DeviceInit;
    downlinks: ApplicationDownlink[];
    error: ErrorDefinition;
    attributes?: Record<string, unknown>;
  }[] = [
    {
      name: "a downlink naming no session of the device",
      downlinks: [downlink(6, { sessionKeyId: PENDING })],
      error: errUnknownSession,
    },
    {
      name: "a device without a session",
      device: { session: undefined },
      downlinks: [downlink(6)],
      error: errUnknownSession,
    },
    {
      name: "a session without MAC state",
      device: { macState: undefined },
      downlinks: [downlink(6)],
      error: errUnknownMacState,
    },
    { name: "FPort 0", downlinks: [downlink(6, { fPort: 0 })], error: errInvalidFPort },
    { name: "FPort 224", downlinks: [downlink(6, { fPort: 224 })], error: errInvalidFPort },
    { name: "FPort 256", downlinks: [downlink(6, { fPort: 256 })], error: errInvalidFPort },
    {
      name: "an FCnt already used",
      downlinks: [downlink(5)],
      error: errFCntTooLow,
      attributes: { f_cnt: 5, min_f_cnt: 6 },
    },
    {
      name: "FCnts that do not increase, the valid first one included",
      downlinks: [downlink(7), downlink(7)],
      error: errFCntTooLow,
      attributes: { f_cnt: 7, min_f_cnt: 8 },
    },
    {
      name: "a payload larger than the band's largest (242 bytes in EU868)",
      downlinks: [downlink(6, { frmPayload: new Uint8Array(243) })],
      error: errApplicationDownlinkTooLong,
      attributes: { length: 243, max: 242 },
    },
    {
      name: "no confirmed attempt",
      downlinks: [downlink(6, { confirmed: true, confirmedRetry: { maxAttempts: 0 } })],
      error: errConfirmedRetryAttempts,
    },
    {
      name: "more than 100 confirmed attempts",
      downlinks: [downlink(6, { confirmed: true, confirmedRetry: { maxAttempts: 101 } })],
      error: errConfirmedRetryAttempts,
    },
    {
      name: "a class B/C downlink for a class A-only device",
      downlinks: [downlink(6, { classBC: {} })],
      error: errClassBCUnsupported,
    },
    {
      name: "an absolute time too close",
      device: { supportsClassC: true },
      downlinks: [downlink(6, { classBC: { absoluteTime: timestampFromMs(NOW + 400) } })],
      error: errExpiredDownlink,
    },
    {
      name: "a confirmed multicast downlink",
      device: { multicast: true },
      downlinks: [
        downlink(6, {
          confirmed: true,
          classBC: { gateways: [{ gatewayIds: { gatewayId: "g" } }] },
        }),
      ],
      error: errConfirmedMulticastDownlink,
    },
    {
      name: "a multicast downlink without gateways",
      device: { multicast: true },
      downlinks: [downlink(6, { classBC: {} })],
      error: errNoPath,
    },
  ];

  for (const refusal of refusals)
    it(`refuses the whole request for ${refusal.name}`, async () => {
      const t = await setUp();
      try {
        await t.store(device("dev1", refusal.device));
        for (const operation of [t.push, t.replace]) {
          await assert.rejects(operation("dev1", refusal.downlinks), (error: unknown) => {
            refusedWith(refusal.error)(error);
            for (const [name, value] of Object.entries(refusal.attributes ?? {}))
              assert.equal((error as DefinedError).attributes[name], value, name);
            return true;
          });
        }
        assert.deepEqual(await t.list("dev1"), [], "nothing queued");
      } finally {
        await t.close();
      }
    });

  it("accepts the limits themselves", async () => {
    const t = await setUp();
    try {
      await t.store(device("dev1", { supportsClassC: true }));
      await t.push("dev1", [
        downlink(6, { frmPayload: new Uint8Array(242), fPort: 255 }),
        downlink(7, { confirmed: true, confirmedRetry: { maxAttempts: 100 } }),
        downlink(8, { classBC: { absoluteTime: timestampFromMs(NOW + 10_000) } }),
      ]);
      assert.deepEqual(await t.list("dev1"), [6, 7, 8]);
    } finally {
      await t.close();
    }
  });

  it("keeps the largest payload of LoRaWAN without frequency plans", async () => {
    const t = await setUp({ withPlans: false });
    try {
      await t.store(device("dev1", { frequencyPlanId: "" }));
      await assert.rejects(
        t.push("dev1", [downlink(6, { frmPayload: new Uint8Array(243) })]),
        refusedWith(errApplicationDownlinkTooLong),
      );
      await t.push("dev1", [downlink(6, { frmPayload: new Uint8Array(242) })]);
    } finally {
      await t.close();
    }
  });

  it("refuses a queue longer than the capacity, and a request of more than twice it at once", async () => {
    const t = await setUp({ queueCapacity: 2 });
    try {
      await t.store(device("dev1"));
      await t.push("dev1", [downlink(6), downlink(7)]);
      await assert.rejects(t.push("dev1", [downlink(8)]), refusedWith(errDownlinkQueueCapacity));
      await assert.rejects(
        t.replace("dev1", [downlink(6), downlink(7), downlink(8)]),
        refusedWith(errDownlinkQueueCapacity),
      );
      await assert.rejects(
        t.push(
          "nobody",
          [6, 7, 8, 9, 10].map((f) => downlink(f)),
        ),
        refusedWith(errDownlinkQueueCapacity),
        "checked before the device is read",
      );
      assert.deepEqual(await t.list("dev1"), [6, 7]);
    } finally {
      await t.close();
    }
  });

  it("refuses unknown devices and malformed identifiers", async () => {
    const t = await setUp();
    try {
      await assert.rejects(t.push("nobody", [downlink(1)]), refusedWith(errDeviceNotFound));
      await assert.rejects(t.replace("nobody", []), refusedWith(errDeviceNotFound));
      await assert.rejects(t.list("nobody"), refusedWith(errDeviceNotFound));
      await assert.rejects(t.push("Not_An_Id", [downlink(1)]), refusedWith(errInvalidIdentifier));
    } finally {
      await t.close();
    }
  });

  it("wakes the downlink scheduler of class B and C devices with downlinks queued", async () => {
    const t = await setUp();
    try {
      const classC = { lorawanVersion: MACVersion.MAC_V1_0_3, deviceClass: Class.C };
      const classB = { lorawanVersion: MACVersion.MAC_V1_0_3, deviceClass: Class.B };
      await t.store(device("class-a"));
      await t.store(device("class-b", { supportsClassB: true, macState: classB }));
      await t.store(device("class-c", { supportsClassC: true, macState: classC }));
      await t.push("class-a", [downlink(6)]);
      await t.push("class-b", [downlink(6)]);
      await t.push("class-c", [downlink(6)]);
      await t.replace("class-c", [downlink(7)]);
      await t.replace("class-c", []);
      await t.push("class-c", []);
      assert.deepEqual(
        t.woken.map((key) => key.deviceId),
        ["class-b", "class-c", "class-c"],
      );
    } finally {
      await t.close();
    }
  });
});
