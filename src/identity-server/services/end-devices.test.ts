import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { FastifyInstance } from "fastify";
import { peerCallKey } from "../../api/cluster-keys.ts";
import {
  BatchUpdateEndDeviceLastSeenRequestSchema,
  CreateEndDeviceRequestSchema,
  type EndDeviceSchema,
  GetEndDeviceIdentifiersForEUIsRequestSchema,
  GetEndDeviceRequestSchema,
  ListEndDevicesRequestSchema,
  UpdateEndDeviceRequestSchema,
} from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { EndDeviceRegistry } from "../../gen/ttn/lorawan/v3/end_device_services_pb.js";
import { EndDeviceIdentifiersSchema } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { endDeviceRegistry, registerEndDeviceServices } from "./end-devices.ts";
import {
  asService,
  isAbout,
  openServiceFixture,
  rejectsWith,
  restApp,
  type ServiceFixture,
  type UnaryService,
} from "./test-fixtures.ts";

const eui = (hex: string) => Uint8Array.from(Buffer.from(hex, "hex"));
const hex = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString("hex");

type DeviceInit = MessageInitShape<typeof EndDeviceSchema>;

describe("EndDeviceRegistry (Identity Server)", () => {
  let fx: ServiceFixture;
  let registry: UnaryService<typeof EndDeviceRegistry>;
  let aliceKey: string;
  let bobKey: string;
  let adminKey: string;
  let appAKey: string;
  let appAReadKey: string;

  const device = (applicationId: string, deviceId: string, init: DeviceInit = {}) =>
    ({
      ...init,
      ids: { ...(init.ids ?? {}), applicationIds: { applicationId }, deviceId },
    }) as DeviceInit;
  const createDevice = (endDevice: DeviceInit, key: string) =>
    registry.create(create(CreateEndDeviceRequestSchema, { endDevice }), fx.handler(key));
  const get = (applicationId: string, deviceId: string, key: string, paths?: string[]) =>
    registry.get(
      create(GetEndDeviceRequestSchema, {
        endDeviceIds: { applicationIds: { applicationId }, deviceId },
        ...(paths ? { fieldMask: { paths } } : {}),
      }),
      fx.handler(key),
    );

  before(async () => {
    fx = await openServiceFixture();
    registry = asService(EndDeviceRegistry, endDeviceRegistry(fx.services));
    await fx.user("alice");
    await fx.user("bob");
    await fx.user("admin", { admin: true });
    for (const [app, owner] of [
      ["app-a", "alice"],
      ["app-b", "bob"],
    ] as const) {
      await fx.stores.applications.create(app, {});
      await fx.member({ kind: "user", id: owner }, { kind: "application", id: app }, [
        "RIGHT_APPLICATION_ALL",
      ]);
    }
    aliceKey = await fx.key({ kind: "user", id: "alice" }, ["RIGHT_ALL"]);
    bobKey = await fx.key({ kind: "user", id: "bob" }, ["RIGHT_ALL"]);
    adminKey = await fx.key({ kind: "user", id: "admin" }, ["RIGHT_ALL"]);
    appAKey = await fx.key({ kind: "application", id: "app-a" }, ["RIGHT_APPLICATION_ALL"]);
    appAReadKey = await fx.key({ kind: "application", id: "app-a" }, [
      "RIGHT_APPLICATION_DEVICES_READ",
    ]);
  });
  after(() => fx.close());

  it("creates a device with its EUIs and IS fields, and publishes end_device.create", async () => {
    fx.published.length = 0;
    const created = await createDevice(
      device("app-a", "dev-1", {
        ids: { devEui: eui("70b3d57ed0000001"), joinEui: eui("0000000000000001") },
        name: "Sensor",
        attributes: { room: "42" },
        versionIds: { brandId: "acme", modelId: "model-1", bandId: "EU_863_870" },
        networkServerAddress: "ns.example.com",
        applicationServerAddress: "as.example.com",
        joinServerAddress: "js.example.com",
        locations: { user: { latitude: 1, longitude: 2, altitude: 3, source: 3 } },
      }),
      appAKey,
    );
    assert.equal(hex(created.ids?.devEui), "70b3d57ed0000001");
    assert.equal(hex(created.ids?.joinEui), "0000000000000001");
    assert.equal(created.ids?.applicationIds?.applicationId, "app-a");

    const read = await get("app-a", "dev-1", aliceKey);
    assert.equal(read.name, "Sensor");
    assert.deepEqual(read.attributes, { room: "42" });
    assert.equal(read.versionIds?.bandId, "EU_863_870");
    assert.equal(read.networkServerAddress, "ns.example.com");
    assert.equal(read.joinServerAddress, "js.example.com");
    assert.equal(read.locations.user?.altitude, 3);
    assert.equal(read.locations.user?.source, 3);

    const event = fx.published.find((e) => e.name === "end_device.create");
    assert.ok(event);
    // As The Things Stack: about the device only; its application's subscribers see it too.
    assert.deepEqual(event.identifiers, [{ kind: "end_device", id: "app-a.dev-1" }]);
    assert.deepEqual(event.visibility, ["RIGHT_APPLICATION_DEVICES_READ"]);
  });

  it("refuses a second device with the same JoinEUI and DevEUI, naming them", async () => {
    const euis = { devEui: eui("70b3d57ed0000001"), joinEui: eui("0000000000000001") };
    // In the other application too.
    const error = await rejectsWith(
      createDevice(device("app-b", "dev-dup", { ids: euis }), bobKey),
      "already_exists",
    );
    assert.match(error.message, /70B3D57ED0000001/);
    assert.match(error.message, /0000000000000001/);
    // The same DevEUI with another JoinEUI is fine.
    await createDevice(
      device("app-b", "dev-other-join", {
        ids: { devEui: eui("70b3d57ed0000001"), joinEui: eui("0000000000000002") },
      }),
      bobKey,
    );
    // The device ID is taken in its application, not in others.
    await rejectsWith(createDevice(device("app-a", "dev-1"), aliceKey), "already_exists");
    await createDevice(device("app-b", "dev-1"), bobKey);
  });

  it("rejects invalid device IDs and EUIs", async () => {
    const invalid = await rejectsWith(
      createDevice(device("app-a", "Dev_1"), aliceKey),
      "invalid_argument",
      "invalid_id",
    );
    assert.equal(invalid.attributes.field, "device_id");
    await rejectsWith(
      createDevice(device("app-a", "dev-bad-eui", { ids: { devEui: eui("0011") } }), aliceKey),
      "invalid_argument",
      "invalid_eui",
    );
    await rejectsWith(
      createDevice({ ids: { deviceId: "dev-no-app" } }, aliceKey),
      "invalid_argument",
      "missing_field",
    );
  });

  it("checks application rights: 401 without credentials, 403 for others", async () => {
    await rejectsWith(createDevice(device("app-a", "dev-anon"), ""), "unauthenticated");
    await rejectsWith(get("app-a", "dev-1", ""), "unauthenticated");
    // A key of application A cannot read or create devices of application B.
    await rejectsWith(get("app-b", "dev-1", appAKey), "permission_denied");
    await rejectsWith(createDevice(device("app-b", "dev-x"), appAKey), "permission_denied");
    // Bob cannot read alice's devices.
    await rejectsWith(get("app-a", "dev-1", bobKey), "permission_denied");
    // A read-only key reads but does not write.
    assert.equal((await get("app-a", "dev-1", appAReadKey)).name, "Sensor");
    await rejectsWith(
      createDevice(device("app-a", "dev-ro"), appAReadKey),
      "permission_denied",
      "missing_rights",
    );
    await rejectsWith(
      registry.delete(
        create(EndDeviceIdentifiersSchema, {
          applicationIds: { applicationId: "app-a" },
          deviceId: "dev-1",
        }),
        fx.handler(appAReadKey),
      ),
      "permission_denied",
    );
    // Admins read every device; devices of a missing application are not found.
    assert.equal((await get("app-a", "dev-1", adminKey)).name, "Sensor");
    await rejectsWith(createDevice(device("app-gone", "dev-1"), adminKey), "not_found");
    await rejectsWith(get("app-a", "dev-missing", adminKey), "not_found");
  });

  it("lists the devices of one application with pagination", async () => {
    for (const id of ["dev-2", "dev-3"]) await createDevice(device("app-a", id), aliceKey);
    const handler = fx.handler(appAReadKey);
    const page = await registry.list(
      create(ListEndDevicesRequestSchema, {
        applicationIds: { applicationId: "app-a" },
        limit: 2,
        page: 2,
        order: "device_id",
      }),
      handler,
    );
    assert.deepEqual(
      page.endDevices.map((d) => d.ids?.deviceId),
      ["dev-3"],
    );
    assert.equal(handler.responseHeader.get("x-total-count"), "3");
    await rejectsWith(
      registry.list(
        create(ListEndDevicesRequestSchema, { applicationIds: { applicationId: "app-b" } }),
        fx.handler(appAKey),
      ),
      "permission_denied",
    );
  });

  it("returns only masked fields, with the EUIs always", async () => {
    const read = await get("app-a", "dev-1", aliceKey, ["name", "serial_number"]);
    assert.equal(read.name, "Sensor");
    assert.equal(read.networkServerAddress, "");
    assert.deepEqual(read.attributes, {});
    assert.equal(hex(read.ids?.devEui), "70b3d57ed0000001");
    await rejectsWith(get("app-a", "dev-1", aliceKey, ["bogus"]), "invalid_argument");
  });

  it("updates fields of the field mask; EUIs may be set once but not changed", async () => {
    fx.published.length = 0;
    const updated = await registry.update(
      create(UpdateEndDeviceRequestSchema, {
        endDevice: device("app-a", "dev-2", {
          ids: { devEui: eui("70b3d57ed0000002"), joinEui: eui("0000000000000001") },
          name: "Two",
          description: "not in mask",
        }),
        fieldMask: { paths: ["name", "ids.dev_eui", "ids.join_eui"] },
      }),
      fx.handler(aliceKey),
    );
    assert.equal(updated.name, "Two");
    assert.equal(updated.description, "");
    assert.equal(hex(updated.ids?.devEui), "70b3d57ed0000002");
    const event = fx.published.find((e) => e.name === "end_device.update");
    assert.deepEqual(event?.data, ["name", "ids.dev_eui", "ids.join_eui"]);

    await rejectsWith(
      registry.update(
        create(UpdateEndDeviceRequestSchema, {
          endDevice: device("app-a", "dev-2", { ids: { devEui: eui("70b3d57ed0000009") } }),
          fieldMask: { paths: ["ids.dev_eui"] },
        }),
        fx.handler(aliceKey),
      ),
      "invalid_argument",
      "field_not_updatable",
    );
    // Setting EUIs that another device has is a clash.
    await rejectsWith(
      registry.update(
        create(UpdateEndDeviceRequestSchema, {
          endDevice: device("app-a", "dev-3", {
            ids: { devEui: eui("70b3d57ed0000002"), joinEui: eui("0000000000000001") },
          }),
          fieldMask: { paths: ["ids.dev_eui", "ids.join_eui"] },
        }),
        fx.handler(aliceKey),
      ),
      "already_exists",
    );
    await rejectsWith(
      registry.update(
        create(UpdateEndDeviceRequestSchema, {
          endDevice: device("app-a", "dev-2", { name: "x" }),
          fieldMask: { paths: ["name"] },
        }),
        fx.handler(bobKey),
      ),
      "permission_denied",
    );
  });

  it("finds identifiers by EUIs for callers with rights", async () => {
    const request = create(GetEndDeviceIdentifiersForEUIsRequestSchema, {
      joinEui: eui("0000000000000001"),
      devEui: eui("70b3d57ed0000001"),
    });
    const ids = await registry.getIdentifiersForEUIs(request, fx.handler(aliceKey));
    assert.equal(ids.deviceId, "dev-1");
    assert.equal(ids.applicationIds?.applicationId, "app-a");
    await rejectsWith(
      registry.getIdentifiersForEUIs(request, fx.handler(bobKey)),
      "permission_denied",
    );
    const missing = create(GetEndDeviceIdentifiersForEUIsRequestSchema, {
      joinEui: eui("0000000000000009"),
      devEui: eui("70b3d57ed0000001"),
    });
    await rejectsWith(
      registry.getIdentifiersForEUIs(missing, fx.handler(bobKey)),
      "permission_denied",
    );
    await rejectsWith(registry.getIdentifiersForEUIs(missing, fx.handler(adminKey)), "not_found");
  });

  it("deletes devices outright: the EUIs are free again", async () => {
    fx.published.length = 0;
    await registry.delete(
      create(EndDeviceIdentifiersSchema, {
        applicationIds: { applicationId: "app-a" },
        deviceId: "dev-1",
      }),
      fx.handler(appAKey),
    );
    await rejectsWith(get("app-a", "dev-1", adminKey), "not_found");
    assert.ok(
      fx.published.some(
        (e) =>
          e.name === "end_device.delete" && isAbout(e, { kind: "end_device", id: "app-a.dev-1" }),
      ),
    );
    await createDevice(
      device("app-b", "dev-dup", {
        ids: { devEui: eui("70b3d57ed0000001"), joinEui: eui("0000000000000001") },
      }),
      bobKey,
    );
  });

  it("takes last-seen times from cluster peers only, and lists and orders by them", async () => {
    for (const id of ["seen-1", "seen-2", "seen-3"])
      await createDevice(device("app-b", id), bobKey);
    const peer = fx.handler();
    peer.values.set(peerCallKey, true);
    const at = (iso: string) => timestampFromDate(new Date(iso));
    const update = (deviceId: string, iso: string | undefined) => ({
      ids: { applicationIds: { applicationId: "app-b" }, deviceId },
      ...(iso ? { lastSeenAt: at(iso) } : {}),
    });
    const batch = (
      updates: MessageInitShape<typeof BatchUpdateEndDeviceLastSeenRequestSchema>["updates"],
      handler = peer,
    ) =>
      registry.batchUpdateLastSeen(
        create(BatchUpdateEndDeviceLastSeenRequestSchema, { updates }),
        handler,
      );
    await rejectsWith(
      batch([update("seen-1", "2026-12-01T10:00:00Z")], fx.handler(adminKey)),
      "unauthenticated",
      "cluster_key_required",
    );
    await rejectsWith(batch([update("seen-1", undefined)]), "invalid_argument", "missing_field");
    await rejectsWith(
      batch([
        {
          ids: { applicationIds: { applicationId: "app-b" } },
          lastSeenAt: at("2026-12-01T10:00:00Z"),
        },
      ]),
      "invalid_argument",
      "missing_field",
    );
    await batch([
      update("seen-1", "2026-12-01T10:00:00Z"),
      update("seen-2", "2026-12-01T11:00:00Z"),
      update("unknown", "2026-12-01T11:00:00Z"),
    ]);
    // A time in the future is kept as (about) now: it would hold off every real one.
    await batch([update("seen-3", "2099-01-01T00:00:00Z")]);
    const seen3 = (await get("app-b", "seen-3", bobKey, ["last_seen_at"])).lastSeenAt;
    assert.ok(seen3 && timestampDate(seen3).getTime() <= Date.now() + 60_000, "clamped");

    const list = await registry.list(
      create(ListEndDevicesRequestSchema, {
        applicationIds: { applicationId: "app-b" },
        fieldMask: { paths: ["last_seen_at"] },
        order: "-last_seen_at",
      }),
      fx.handler(bobKey),
    );
    const rows = list.endDevices.map((d) => [
      d.ids?.deviceId,
      d.lastSeenAt ? timestampDate(d.lastSeenAt).toISOString() : undefined,
      d.name,
    ]);
    assert.deepEqual(rows.slice(0, 3), [
      ["seen-3", rows[0]?.[1], ""],
      ["seen-2", "2026-12-01T11:00:00.000Z", ""],
      ["seen-1", "2026-12-01T10:00:00.000Z", ""],
    ]);
    assert.ok(
      rows.slice(3).every((row) => row[1] === undefined),
      "never seen: last",
    );
    // Not in the mask: not returned.
    assert.equal((await get("app-b", "seen-1", bobKey, ["name"])).lastSeenAt, undefined);
    // An update naming it leaves it alone (The Things Stack cleans such paths too).
    await registry.update(
      create(UpdateEndDeviceRequestSchema, {
        endDevice: device("app-b", "seen-1", { lastSeenAt: at("2026-12-01T12:00:00Z") }),
        fieldMask: { paths: ["last_seen_at"] },
      }),
      fx.handler(bobKey),
    );
    const seen1 = (await get("app-b", "seen-1", bobKey, ["last_seen_at"])).lastSeenAt;
    assert.equal(seen1 && timestampDate(seen1).toISOString(), "2026-12-01T10:00:00.000Z");
  });
});

describe("end devices over REST", () => {
  let fx: ServiceFixture;
  let app: FastifyInstance;
  let aliceKey: string;
  let appBKey: string;

  before(async () => {
    fx = await openServiceFixture();
    await fx.user("alice");
    await fx.user("bob");
    for (const [application, owner] of [
      ["app-a", "alice"],
      ["app-b", "bob"],
    ] as const) {
      await fx.stores.applications.create(application, {});
      await fx.member({ kind: "user", id: owner }, { kind: "application", id: application }, [
        "RIGHT_APPLICATION_ALL",
      ]);
    }
    aliceKey = await fx.key({ kind: "user", id: "alice" }, ["RIGHT_ALL"]);
    appBKey = await fx.key({ kind: "application", id: "app-b" }, ["RIGHT_APPLICATION_ALL"]);
    app = await restApp(fx.services, registerEndDeviceServices);
  });
  after(async () => {
    await app.close();
    await fx.close();
  });

  const call = (
    method: "GET" | "POST" | "PUT" | "DELETE",
    url: string,
    key?: string,
    payload?: unknown,
  ) =>
    app.inject({
      method,
      url: `/api/v3${url}`,
      headers: key ? { authorization: `Bearer ${key}` } : {},
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  it("creates, reads, lists, updates and deletes devices in The Things Stack's JSON", async () => {
    const created = await call("POST", "/applications/app-a/devices", aliceKey, {
      end_device: {
        ids: { device_id: "dev-1", dev_eui: "70b3d57ed0000001", join_eui: "0000000000000001" },
        name: "Sensor",
        locations: { user: { latitude: 52.1, longitude: 4.3, source: "SOURCE_REGISTRY" } },
      },
    });
    assert.equal(created.statusCode, 200, created.body);
    const body = created.json();
    assert.deepEqual(body.ids, {
      device_id: "dev-1",
      application_ids: { application_id: "app-a" },
      dev_eui: "70B3D57ED0000001",
      join_eui: "0000000000000001",
    });
    assert.equal(body.locations.user.source, "SOURCE_REGISTRY");

    const read = await call("GET", "/applications/app-a/devices/dev-1?field_mask=name", aliceKey);
    assert.equal(read.statusCode, 200, read.body);
    assert.equal(read.json().name, "Sensor");
    assert.equal(read.json().ids.dev_eui, "70B3D57ED0000001");

    const list = await call("GET", "/applications/app-a/devices?limit=10&page=1", aliceKey);
    assert.equal(list.statusCode, 200, list.body);
    assert.equal(list.json().end_devices.length, 1);
    assert.equal(list.headers["x-total-count"], "1");

    const updated = await call("PUT", "/applications/app-a/devices/dev-1", aliceKey, {
      end_device: { name: "Renamed" },
      field_mask: { paths: ["name"] },
    });
    assert.equal(updated.statusCode, 200, updated.body);
    assert.equal(updated.json().name, "Renamed");

    const deleted = await call("DELETE", "/applications/app-a/devices/dev-1", aliceKey);
    assert.equal(deleted.statusCode, 200, deleted.body);
    assert.equal(
      (await call("GET", "/applications/app-a/devices/dev-1", aliceKey)).statusCode,
      404,
    );
  });

  it("answers 400, 401, 403 and 409 with the JSON error body", async () => {
    const payload = (deviceId: string, devEui = "70B3D57ED00000AA") => ({
      end_device: { ids: { device_id: deviceId, dev_eui: devEui, join_eui: "0000000000000001" } },
    });
    assert.equal(
      (await call("POST", "/applications/app-a/devices", aliceKey, payload("dev-a"))).statusCode,
      200,
    );

    const anonymous = await call("GET", "/applications/app-a/devices/dev-a");
    assert.equal(anonymous.statusCode, 401, anonymous.body);
    const otherApp = await call("GET", "/applications/app-a/devices/dev-a", appBKey);
    assert.equal(otherApp.statusCode, 403, otherApp.body);
    assert.equal(otherApp.json().details[0].name, "no_rights");
    const otherList = await call("GET", "/applications/app-a/devices", appBKey);
    assert.equal(otherList.statusCode, 403, otherList.body);

    const duplicate = await call("POST", "/applications/app-b/devices", appBKey, payload("dev-b"));
    assert.equal(duplicate.statusCode, 409, duplicate.body);
    assert.match(duplicate.json().message, /70B3D57ED00000AA/);
    assert.equal(duplicate.json().details[0].attributes.dev_eui, "70B3D57ED00000AA");

    const badId = await call(
      "POST",
      "/applications/app-b/devices",
      appBKey,
      payload("Dev_B", "70B3D57ED00000BB"),
    );
    assert.equal(badId.statusCode, 400, badId.body);
    const badEui = await call(
      "POST",
      "/applications/app-b/devices",
      appBKey,
      payload("dev-b", "70B3"),
    );
    assert.equal(badEui.statusCode, 400, badEui.body);
    const notHex = await call(
      "POST",
      "/applications/app-b/devices",
      appBKey,
      payload("dev-b", "ZZB3D57ED00000BB"),
    );
    assert.equal(notHex.statusCode, 400, notHex.body);

    // Nothing was half-written.
    const list = await call("GET", "/applications/app-b/devices", appBKey);
    assert.equal(list.headers["x-total-count"], "0");
  });
});
