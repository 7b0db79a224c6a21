import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import { createHandlerContext, type HandlerContext } from "@connectrpc/connect";
import { errNoCredentials, errNoRights } from "../../auth/errors.ts";
import { errInsufficientRights, type RightName } from "../../auth/rights/index.ts";
import type { RightsFetcher } from "../../auth/rights-fetcher.ts";
import type { ErrorDefinition } from "../../errors/index.ts";
import { EventBus, type StackEvent } from "../../events/index.ts";
import {
  type BatchDeleteEndDevicesRequest,
  BatchDeleteEndDevicesRequestSchema,
  type EndDevice,
  EndDeviceSchema,
  type GetEndDeviceRequest,
  GetEndDeviceRequestSchema,
  type SetEndDeviceRequest,
  SetEndDeviceRequestSchema,
} from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import {
  type EndDeviceIdentifiers,
  EndDeviceIdentifiersSchema,
} from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import {
  type GetDefaultJoinEUIResponse,
  type JoinEUIPrefixes,
  JsEndDeviceRegistry,
} from "../../gen/ttn/lorawan/v3/joinserver_pb.js";
import { SessionKeysSchema } from "../../gen/ttn/lorawan/v3/keys_pb.js";
import { StaticKeyVault } from "../../key-vault/static-key-vault.ts";
import { type Database, openDatabase } from "../../storage/index.ts";
import { migrateToLatest } from "../../storage/migrate.ts";
import { errDeviceIdsNotFound, errSessionKeysNotFound, errUnknownJoinEui } from "../errors.ts";
import { parseJoinEuiPrefixes } from "../join-eui-prefixes.ts";
import { createJoinServerRegistries, type JoinServerRegistries } from "../registry/index.ts";
import { jsEndDeviceBatchRegistryService } from "./batch-registry.ts";
import { jsEndDeviceRegistryService } from "./device-registry.ts";
import {
  errBatchSize,
  errEuiChanged,
  errFieldValue,
  errForbiddenFieldMaskPaths,
  errNoDevEui,
  errNoJoinEui,
} from "./errors.ts";
import { jsService } from "./js.ts";

const hex = (text: string) => new Uint8Array(Buffer.from(text, "hex"));
const APP_KEY = hex("a1a2a3a4a5a6a7a8a9aaabacadaeaf00");
const NWK_KEY = hex("b1b2b3b4b5b6b7b8b9babbbcbdbebf00");
const JOIN_EUI = hex("70b3d57ed0000001");
const DEV_EUI = hex("0004a30b001c0530");

const keyRights: Record<string, RightName[]> = {
  "Bearer admin": [
    "RIGHT_APPLICATION_DEVICES_READ",
    "RIGHT_APPLICATION_DEVICES_READ_KEYS",
    "RIGHT_APPLICATION_DEVICES_WRITE",
    "RIGHT_APPLICATION_DEVICES_WRITE_KEYS",
  ],
  "Bearer plain": ["RIGHT_APPLICATION_DEVICES_READ", "RIGHT_APPLICATION_DEVICES_WRITE"],
  "Bearer reader": ["RIGHT_APPLICATION_DEVICES_READ", "RIGHT_APPLICATION_DEVICES_READ_KEYS"],
  "Bearer info": ["RIGHT_APPLICATION_INFO"],
};
const rights: RightsFetcher = {
  authInfo: () => Promise.reject(new Error("not used")),
  rightsOn: async (authorization, entity) =>
    new Set(entity.kind === "application" && entity.id === "app1" ? keyRights[authorization] : []),
};

function as(authorization?: string): HandlerContext {
  return createHandlerContext({
    service: JsEndDeviceRegistry,
    method: JsEndDeviceRegistry.method.get,
    protocolName: "test",
    requestMethod: "POST",
    url: "http://localhost/",
    requestHeader: authorization ? { authorization } : {},
  });
}

async function rejectsWith(promise: Promise<unknown>, definition: ErrorDefinition) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(definition.matches(error), `expected ${definition.name}, got ${String(error)}`);
    return true;
  });
}

/** A service method, as the tests call it. */
type Call<I, O> = (request: I, context: HandlerContext) => Promise<O>;

const ids = (deviceId = "dev1", fields: { joinEui?: Uint8Array; devEui?: Uint8Array } = {}) => ({
  applicationIds: { applicationId: "app1" },
  deviceId,
  joinEui: fields.joinEui ?? JOIN_EUI,
  devEui: fields.devEui ?? DEV_EUI,
});

const setRequest = (
  paths: string[],
  device: Parameters<typeof create<typeof EndDeviceSchema>>[1] = {},
  deviceId = "dev1",
) =>
  create(SetEndDeviceRequestSchema, {
    endDevice: create(EndDeviceSchema, {
      ...device,
      ids: create(EndDeviceIdentifiersSchema, ids(deviceId)),
    }),
    fieldMask: { paths },
  });

const getRequest = (paths: string[], deviceId = "dev1") =>
  create(GetEndDeviceRequestSchema, {
    endDeviceIds: { applicationIds: { applicationId: "app1" }, deviceId },
    fieldMask: { paths },
  });

describe("Join Server registry services", () => {
  let folder: string;
  let database: Database;
  let registries: JoinServerRegistries;
  let events: StackEvent[];
  let get: Call<GetEndDeviceRequest, EndDevice>;
  let set: Call<SetEndDeviceRequest, EndDevice>;
  let del: Call<EndDeviceIdentifiers, unknown>;
  let batchDelete: Call<BatchDeleteEndDevicesRequest, unknown>;
  let counter = 0;

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), "lorastack-js-services-"));
  });
  after(() => rm(folder, { recursive: true, force: true }));

  beforeEach(async () => {
    await database?.close();
    database = await openDatabase({ engine: "sqlite", file: join(folder, `${++counter}.db`) });
    await migrateToLatest(database.db, database.engine);
    registries = createJoinServerRegistries({
      database,
      keyVault: new StaticKeyVault(new Map([["k", hex("000102030405060708090a0b0c0d0e0f")]]), "k"),
      config: {
        join_eui_prefixes: [],
        default_join_eui: "0000000000000000",
        device_kek_label: "",
        network_server_kek_label: "",
        application_server_kek_label: "",
        session_key_history: 10,
      },
    });
    events = [];
    const bus = new EventBus();
    bus.listen((event) => events.push(event));
    const context = {
      ...registries,
      rights,
      events: bus,
      joinEuiPrefixes: parseJoinEuiPrefixes(["70B3D57ED0000000/40"]),
    };
    const service = jsEndDeviceRegistryService(context);
    get = service.get as unknown as typeof get;
    set = service.set as unknown as typeof set;
    del = service.delete as unknown as typeof del;
    batchDelete = jsEndDeviceBatchRegistryService(context).delete as unknown as typeof batchDelete;
  });
  after(() => database?.close());

  const createDevice = (deviceId = "dev1") =>
    set(
      setRequest(
        ["root_keys.app_key.key", "root_keys.nwk_key.key", "net_id", "resets_join_nonces"],
        {
          rootKeys: { appKey: { key: APP_KEY }, nwkKey: { key: NWK_KEY } },
          netId: hex("000013"),
          resetsJoinNonces: true,
        },
        deviceId,
      ),
      as("Bearer admin"),
    );

  it("creates a device with root keys, and shows the keys only where asked", async () => {
    const created = await set(
      setRequest(["root_keys.app_key.key", "net_id"], {
        rootKeys: { appKey: { key: APP_KEY } },
        netId: hex("000013"),
        name: "not ours",
      }),
      as("Bearer admin"),
    );
    assert.deepEqual(created?.rootKeys?.appKey?.key, APP_KEY);
    assert.equal(created?.rootKeys?.appKey?.encryptedKey.length, 0);
    assert.deepEqual(created?.netId, hex("000013"));
    assert.deepEqual(
      events.map((event) => event.name),
      ["js.end_device.create"],
    );
    assert.deepEqual(events[0]?.identifiers, [{ kind: "end_device", id: "app1.dev1" }]);

    const plain = await get(getRequest([]), as("Bearer plain"));
    assert.equal(plain?.rootKeys, undefined, "no root keys without a mask naming them");
    assert.equal(plain?.netId.length, 0);
    assert.ok(plain?.createdAt && plain.updatedAt);
    assert.deepEqual(plain?.ids?.devEui, DEV_EUI);

    const withId = await get(getRequest(["root_keys.root_key_id", "net_id"]), as("Bearer plain"));
    assert.equal(withId?.rootKeys?.appKey, undefined, "the ID is no key");
    assert.deepEqual(withId?.netId, hex("000013"));

    for (const paths of [["root_keys.app_key.key"], ["root_keys"], ["root_keys.app_key"]]) {
      await rejectsWith(get(getRequest(paths), as("Bearer plain")), errInsufficientRights);
      const keys = await get(getRequest(paths), as("Bearer reader"));
      assert.deepEqual(keys?.rootKeys?.appKey?.key, APP_KEY, paths.join());
      assert.equal(keys?.rootKeys?.appKey?.kekLabel, "", "the stored envelope stays inside");
      assert.equal(keys?.rootKeys?.nwkKey, undefined);
    }
    const envelope = await get(
      getRequest(["root_keys.app_key.encrypted_key", "root_keys.app_key.kek_label"]),
      as("Bearer plain"),
    );
    assert.equal(envelope?.rootKeys?.appKey, undefined, "wrapped keys are never shown");

    await rejectsWith(get(getRequest([]), as()), errNoCredentials);
    await rejectsWith(get(getRequest([]), as("Bearer nobody")), errNoRights);
    await rejectsWith(get(getRequest([]), as("Bearer info")), errInsufficientRights);
    await rejectsWith(get(getRequest([], "dev2"), as("Bearer plain")), errDeviceIdsNotFound);
  });

  it("refuses field mask paths of other registries and paths that are no field", async () => {
    await createDevice();
    for (const paths of [
      ["name"],
      ["mac_settings.rx1_delay"],
      ["session"],
      ["nope"],
      ["net_id", "frequency_plan_id"],
    ]) {
      await rejectsWith(get(getRequest(paths), as("Bearer admin")), errForbiddenFieldMaskPaths);
      await rejectsWith(set(setRequest(paths), as("Bearer admin")), errForbiddenFieldMaskPaths);
    }
  });

  it("needs the write keys right to set root keys, and valid keys", async () => {
    for (const paths of [["root_keys.app_key.key"], ["root_keys"], ["root_keys.root_key_id"]])
      await rejectsWith(
        set(setRequest(paths, { rootKeys: { appKey: { key: APP_KEY } } }), as("Bearer plain")),
        errInsufficientRights,
      );
    await rejectsWith(set(setRequest(["net_id"]), as("Bearer reader")), errInsufficientRights);
    await rejectsWith(
      set(
        setRequest(["root_keys.app_key.key"], { rootKeys: { appKey: { key: new Uint8Array() } } }),
        as("Bearer admin"),
      ),
      errFieldValue,
    );
    await rejectsWith(
      set(
        setRequest(["root_keys.nwk_key.key"], { rootKeys: { nwkKey: { key: hex("0102") } } }),
        as("Bearer admin"),
      ),
      errFieldValue,
    );
    assert.equal(
      await registries.devices.get({ applicationId: "app1", deviceId: "dev1" }),
      undefined,
      "nothing created",
    );
    // Without keys, the plain write right is enough.
    const created = await set(setRequest(["net_id"], { netId: hex("000013") }), as("Bearer plain"));
    assert.deepEqual(created?.netId, hex("000013"));
  });

  it("creates only with a DevEUI and a served JoinEUI", async () => {
    const request = (fields: { joinEui?: Uint8Array; devEui?: Uint8Array }) =>
      create(SetEndDeviceRequestSchema, {
        endDevice: { ids: { ...ids("dev1", fields) } },
        fieldMask: { paths: [] },
      });
    await rejectsWith(
      set(request({ joinEui: new Uint8Array() }), as("Bearer admin")),
      errNoJoinEui,
    );
    await rejectsWith(set(request({ devEui: new Uint8Array() }), as("Bearer admin")), errNoDevEui);
    await rejectsWith(set(request({ devEui: new Uint8Array(8) }), as("Bearer admin")), errNoDevEui);
    await rejectsWith(
      set(request({ joinEui: hex("70b3d57ed1000000") }), as("Bearer admin")),
      errUnknownJoinEui,
    );
    await set(request({ joinEui: hex("70b3d57ed00000ff") }), as("Bearer admin"));
  });

  it("updates only the masked fields; the EUIs cannot change", async () => {
    await createDevice();
    events.length = 0;
    const updated = await set(
      setRequest(["net_id", "last_join_nonce"], {
        netId: hex("000042"),
        lastJoinNonce: 9,
        resetsJoinNonces: false,
      }),
      as("Bearer plain"),
    );
    assert.deepEqual(updated?.netId, hex("000042"));
    assert.equal(updated?.resetsJoinNonces, false, "not masked: not shown");
    const stored = await registries.devices.get({ applicationId: "app1", deviceId: "dev1" });
    assert.equal(stored?.resetsJoinNonces, true, "not masked: kept");
    assert.equal(stored?.lastJoinNonce, 9);
    assert.deepEqual(stored?.rootKeys?.appKey?.key, APP_KEY, "keys kept");
    assert.deepEqual(
      events.map((event) => [event.name, event.data]),
      [["js.end_device.update", ["net_id", "last_join_nonce"]]],
    );

    const cleared = await set(
      setRequest(["root_keys.nwk_key.key"], { rootKeys: {} }),
      as("Bearer admin"),
    );
    assert.equal(cleared?.rootKeys?.nwkKey, undefined);
    assert.deepEqual(
      (await registries.devices.get({ applicationId: "app1", deviceId: "dev1" }))?.rootKeys?.appKey
        ?.key,
      APP_KEY,
    );

    const moved = create(SetEndDeviceRequestSchema, {
      endDevice: { ids: ids("dev1", { devEui: hex("0004a30b001c0531") }) },
      fieldMask: { paths: ["ids.dev_eui"] },
    });
    await rejectsWith(set(moved, as("Bearer admin")), errEuiChanged);
  });

  it("deletes a device and forgets its session keys", async () => {
    await createDevice();
    const sessionKeyId = hex("0000000000010000000000000000000a");
    await registries.sessionKeys.put(
      JOIN_EUI,
      DEV_EUI,
      create(SessionKeysSchema, { sessionKeyId, appSKey: { key: APP_KEY } }),
    );
    events.length = 0;
    const ids = create(EndDeviceIdentifiersSchema, {
      applicationIds: { applicationId: "app1" },
      deviceId: "dev1",
    });
    await rejectsWith(del(ids, as("Bearer reader")), errInsufficientRights);
    await del(ids, as("Bearer plain"));
    assert.deepEqual(
      events.map((event) => event.name),
      ["js.end_device.delete"],
    );
    await rejectsWith(
      registries.sessionKeys.get(JOIN_EUI, DEV_EUI, sessionKeyId),
      errSessionKeysNotFound,
    );
    await rejectsWith(del(ids, as("Bearer plain")), errDeviceIdsNotFound);
  });

  it("deletes 1 to 20 devices at once, skipping unknown ones", async () => {
    await createDevice("dev1");
    await set(
      create(SetEndDeviceRequestSchema, {
        endDevice: { ids: ids("dev2", { devEui: hex("0004a30b001c0531") }) },
        fieldMask: { paths: [] },
      }),
      as("Bearer admin"),
    );
    events.length = 0;
    const request = (deviceIds: string[]) =>
      create(BatchDeleteEndDevicesRequestSchema, {
        applicationIds: { applicationId: "app1" },
        deviceIds,
      });
    await rejectsWith(batchDelete(request([]), as("Bearer plain")), errBatchSize);
    await rejectsWith(
      batchDelete(request(Array.from({ length: 21 }, (_, i) => `dev${i}`)), as("Bearer plain")),
      errBatchSize,
    );
    await rejectsWith(batchDelete(request(["dev1"]), as("Bearer reader")), errInsufficientRights);
    await batchDelete(request(["dev1", "dev9", "dev2"]), as("Bearer plain"));
    assert.deepEqual(events.map((event) => event.identifiers[0]?.id).sort(), [
      "app1.dev1",
      "app1.dev2",
    ]);
    assert.equal(
      await registries.devices.get({ applicationId: "app1", deviceId: "dev2" }),
      undefined,
    );
  });

  it("answers the configured JoinEUI prefixes and default JoinEUI", async () => {
    const js = jsService({
      joinEuiPrefixes: parseJoinEuiPrefixes(["70B3D57ED0000000/40", "0000000000000000/0"]),
      defaultJoinEui: hex("70b3d57ed0000001"),
    });
    const prefixes = (await js.getJoinEUIPrefixes?.(create(EmptySchema), as())) as JoinEUIPrefixes;
    assert.deepEqual(
      prefixes.prefixes.map((prefix) => [
        Buffer.from(prefix.joinEui).toString("hex"),
        prefix.length,
      ]),
      [
        ["70b3d57ed0000000", 40],
        ["0000000000000000", 0],
      ],
    );
    const fallback = (await js.getDefaultJoinEUI?.(
      create(EmptySchema),
      as(),
    )) as GetDefaultJoinEUIResponse;
    assert.deepEqual(fallback.joinEui, hex("70b3d57ed0000001"));
  });
});
