/**
 * AsEndDeviceRegistry and As over REST (the project's transcoder, The Things Stack's paths and
 * JSON), with rights from a fake Identity Server, on a SQLite registry.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import Fastify, { type FastifyInstance } from "fastify";
import { errorToHttp } from "../../api/errors.ts";
import { listRestRoutes, registerRestRoutes, restService } from "../../api/rest/transcoder.ts";
import type { RightName } from "../../auth/rights/index.ts";
import type { RightsFetcher } from "../../auth/rights-fetcher.ts";
import { EventBus, type StackEvent } from "../../events/index.ts";
import { As, AsEndDeviceRegistry } from "../../gen/ttn/lorawan/v3/applicationserver_pb.js";
import { StaticKeyVault } from "../../key-vault/static-key-vault.ts";
import { type Database, openDatabase } from "../../storage/index.ts";
import { migrateToLatest } from "../../storage/migrate.ts";
import type { UntypedDatabase } from "../../storage/migrations/migration.ts";
import {
  type ApplicationServerRegistries,
  createApplicationServerRegistries,
} from "../registry/index.ts";
import { asEndDeviceRegistryService } from "./device-registry.ts";
import { asLinkService } from "./links.ts";

const APP_S_KEY = "C1C2C3C4C5C6C7C8C9CACBCCCDCECF00";
const MAX_PARAMETER_LENGTH = 100;

const keyRights: Record<string, RightName[]> = {
  "Bearer admin": [
    "RIGHT_APPLICATION_DEVICES_READ",
    "RIGHT_APPLICATION_DEVICES_READ_KEYS",
    "RIGHT_APPLICATION_DEVICES_WRITE",
    "RIGHT_APPLICATION_DEVICES_WRITE_KEYS",
    "RIGHT_APPLICATION_SETTINGS_BASIC",
  ],
  "Bearer plain": ["RIGHT_APPLICATION_DEVICES_READ", "RIGHT_APPLICATION_DEVICES_WRITE"],
  "Bearer info": ["RIGHT_APPLICATION_INFO"],
};
const rights: RightsFetcher = {
  authInfo: () => Promise.reject(new Error("not used")),
  rightsOn: async (authorization, entity) =>
    new Set(entity.kind === "application" && entity.id === "app1" ? keyRights[authorization] : []),
};

const devicePath = "/api/v3/as/applications/app1/devices/dev1";
const abp = {
  ids: {
    application_ids: { application_id: "app1" },
    device_id: "dev1",
    dev_eui: "0004A30B001C0530",
    join_eui: "0000000000000000",
  },
  formatters: { up_formatter: "FORMATTER_JAVASCRIPT", up_formatter_parameter: "function x(){}" },
  session: {
    dev_addr: "26011234",
    keys: { session_key_id: "AQI=", app_s_key: { key: APP_S_KEY } },
  },
};
const abpPaths = [
  "formatters",
  "session.dev_addr",
  "session.keys.app_s_key.key",
  "session.keys.session_key_id",
];

describe("Application Server registry services over REST", () => {
  let folder: string;
  let database: Database;
  let registries: ApplicationServerRegistries;
  let events: StackEvent[];
  let app: FastifyInstance | undefined;
  let counter = 0;

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), "lorastack-as-services-"));
  });
  after(async () => {
    await app?.close();
    await database?.close();
    await rm(folder, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await app?.close();
    await database?.close();
    database = await openDatabase({ engine: "sqlite", file: join(folder, `${++counter}.db`) });
    await migrateToLatest(database.db, database.engine);
    registries = createApplicationServerRegistries({
      database,
      keyVault: new StaticKeyVault(new Map([["k", Buffer.alloc(16, 7)]]), "k"),
      deviceKekLabel: "",
    });
    events = [];
    const bus = new EventBus();
    bus.listen((event) => events.push(event));
    app = Fastify();
    registerRestRoutes(app, {
      prefix: "/api/v3",
      onError: (error) => errorToHttp(error),
      services: services(bus),
    });
    await app.ready();
  });

  const services = (bus: EventBus) => [
    restService(
      AsEndDeviceRegistry,
      asEndDeviceRegistryService({
        devices: registries.devices,
        rights,
        events: bus,
        maxParameterLength: MAX_PARAMETER_LENGTH,
      }),
    ),
    restService(
      As,
      asLinkService({
        links: registries.links,
        rights,
        maxParameterLength: MAX_PARAMETER_LENGTH,
      }),
    ),
  ];

  async function call(method: string, url: string, authorization?: string, body?: unknown) {
    const response = await (app as FastifyInstance).inject({
      method: method as "GET",
      url,
      headers: {
        ...(authorization ? { authorization } : {}),
        ...(body ? { "content-type": "application/json" } : {}),
      },
      ...(body ? { payload: JSON.stringify(body) } : {}),
    });
    return { status: response.statusCode, body: response.body ? response.json() : undefined };
  }
  const setDevice = (authorization: string, device: unknown, paths: string[]) =>
    call("PUT", devicePath, authorization, { end_device: device, field_mask: { paths } });

  it("has The Things Stack's paths", () => {
    const routes = listRestRoutes(services(new EventBus()), "/api/v3").map(
      (route) => `${route.httpMethod} ${route.path} ${route.method}`,
    );
    assert.deepEqual(routes.sort(), [
      "DELETE /api/v3/as/applications/{application_ids.application_id}/devices/{device_id} Delete",
      "DELETE /api/v3/as/applications/{application_id}/link DeleteLink",
      "GET /api/v3/as/applications/{application_ids.application_id}/link GetLink",
      "GET /api/v3/as/applications/{end_device_ids.application_ids.application_id}/devices/{end_device_ids.device_id} Get",
      "POST /api/v3/as/applications/{end_device.ids.application_ids.application_id}/devices Set",
      "PUT /api/v3/as/applications/{application_ids.application_id}/link SetLink",
      "PUT /api/v3/as/applications/{end_device.ids.application_ids.application_id}/devices/{end_device.ids.device_id} Set",
    ]);
  });

  it("creates, reads, updates and deletes a device in The Things Stack's JSON, with events", async () => {
    const created = await setDevice("Bearer admin", abp, abpPaths);
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.equal(created.body.ids.dev_addr, "26011234", "the identifiers carry the DevAddr");
    assert.equal(created.body.session.keys.app_s_key.key, APP_S_KEY);
    assert.equal(created.body.session.keys.app_s_key.encrypted_key, undefined);
    assert.equal(created.body.formatters.up_formatter, "FORMATTER_JAVASCRIPT");

    const read = await call(
      "GET",
      `${devicePath}?field_mask=session.keys.app_s_key.key,formatters`,
      "Bearer admin",
    );
    assert.equal(read.status, 200);
    assert.equal(read.body.session.keys.app_s_key.key, APP_S_KEY);
    assert.equal(read.body.session.dev_addr, undefined, "only what the mask names");
    assert.equal(read.body.formatters.up_formatter_parameter, "function x(){}");

    const withoutKeys = await call("GET", `${devicePath}?field_mask=session`, "Bearer plain");
    assert.equal(withoutKeys.status, 403, "session names the AppSKey");
    const noKey = await call("GET", `${devicePath}?field_mask=session.dev_addr`, "Bearer plain");
    assert.equal(noKey.status, 200);
    assert.deepEqual(noKey.body.session, { dev_addr: "26011234" });

    // An update through the POST form: only the named field changes.
    const updated = await call("POST", "/api/v3/as/applications/app1/devices", "Bearer plain", {
      end_device: { ids: abp.ids, skip_payload_crypto_override: true },
      field_mask: { paths: ["skip_payload_crypto_override"] },
    });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assert.equal(updated.body.skip_payload_crypto_override, true);
    const stored = await registries.devices.get({ applicationId: "app1", deviceId: "dev1" });
    assert.equal(stored?.skipPayloadCryptoOverride, true);
    assert.equal(
      Buffer.from(stored?.session?.keys?.appSKey?.key ?? []).toString("hex"),
      APP_S_KEY.toLowerCase(),
    );

    assert.equal((await call("DELETE", devicePath, "Bearer plain")).status, 200);
    assert.equal((await call("GET", devicePath, "Bearer plain")).status, 404);
    assert.equal((await call("DELETE", devicePath, "Bearer plain")).status, 404);
    assert.deepEqual(
      events.map((event) => [event.name, event.identifiers[0]?.id]),
      [
        ["as.end_device.create", "app1.dev1"],
        ["as.end_device.update", "app1.dev1"],
        ["as.end_device.delete", "app1.dev1"],
      ],
    );
    assert.deepEqual(events[1]?.data, ["skip_payload_crypto_override"]);
  });

  it("stores the AppSKey wrapped, never in plain", async () => {
    assert.equal((await setDevice("Bearer admin", abp, abpPaths)).status, 200);
    const rows = await (database.db as unknown as UntypedDatabase)
      .selectFrom("as_end_devices")
      .select("message")
      .execute();
    assert.equal(rows.length, 1);
    assert.ok(!Buffer.from(rows[0]?.message as Uint8Array).includes(Buffer.from(APP_S_KEY, "hex")));
  });

  it("refuses without rights, paths of other registries and bad values", async () => {
    const cases: [string, string, unknown, string[], number, RegExp?][] = [
      ["no credentials", "", abp, ["formatters"], 401],
      ["no rights on the application", "Bearer info", abp, ["formatters"], 403],
      ["AppSKey without WRITE_KEYS", "Bearer plain", abp, abpPaths, 403],
      ["NS field", "Bearer admin", abp, ["frequency_plan_id"], 400, /frequency_plan_id/],
      [
        "NS session key",
        "Bearer admin",
        abp,
        ["session.keys.f_nwk_s_int_key.key"],
        400,
        /f_nwk_s_int_key/,
      ],
      ["pending session", "Bearer admin", abp, ["pending_session.dev_addr"], 400, /pending/],
      [
        "zero DevAddr",
        "Bearer admin",
        { ...abp, session: { ...abp.session, dev_addr: "00000000" } },
        ["session.dev_addr"],
        400,
        /session\.dev_addr/,
      ],
      [
        "short AppSKey",
        "Bearer admin",
        { ...abp, session: { ...abp.session, keys: { app_s_key: { key: "C1C2" } } } },
        ["session.keys.app_s_key.key"],
        400,
        /app_s_key/,
      ],
      [
        "formatter script too long",
        "Bearer admin",
        { ...abp, formatters: { up_formatter_parameter: "x".repeat(MAX_PARAMETER_LENGTH + 1) } },
        ["formatters.up_formatter_parameter"],
        400,
        /formatter_script_too_large|101 bytes/,
      ],
    ];
    for (const [name, authorization, device, paths, status, message] of cases) {
      const answer = await setDevice(authorization, device, paths);
      assert.equal(answer.status, status, `${name}: ${JSON.stringify(answer.body)}`);
      if (message) assert.match(JSON.stringify(answer.body), message, name);
    }
    assert.equal(events.length, 0);
    assert.equal(
      await registries.devices.get({ applicationId: "app1", deviceId: "dev1" }),
      undefined,
    );
    // A formatter script of exactly the limit is taken.
    const longest = {
      ...abp,
      formatters: { up_formatter_parameter: "x".repeat(MAX_PARAMETER_LENGTH) },
    };
    assert.equal((await setDevice("Bearer admin", longest, ["formatters"])).status, 200);
    // The EUIs of a device never change.
    const moved = { ...abp, ids: { ...abp.ids, dev_eui: "0004A30B001C0531" } };
    assert.equal((await setDevice("Bearer admin", moved, ["formatters"])).status, 400);
  });

  it("sets, reads with a field mask and deletes an application link", async () => {
    const linkPath = "/api/v3/as/applications/app1/link";
    assert.equal(
      (await call("GET", `${linkPath}?field_mask=skip_payload_crypto`, "Bearer admin")).status,
      404,
    );
    const set = await call("PUT", linkPath, "Bearer admin", {
      link: {
        default_formatters: { up_formatter: "FORMATTER_CAYENNELPP" },
        skip_payload_crypto: true,
        // Fields TTS dropped from its link (v3.0 scripts still send them): ignored, as TTS does.
        network_server_address: "ns.example.com",
        api_key: "NNSXS.OLD",
        tls: true,
      },
      field_mask: { paths: ["default_formatters", "skip_payload_crypto"] },
    });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.deepEqual(set.body, {
      default_formatters: { up_formatter: "FORMATTER_CAYENNELPP" },
      skip_payload_crypto: true,
    });
    // A Set changes only what its mask names.
    await call("PUT", linkPath, "Bearer admin", {
      link: { skip_payload_crypto: false },
      field_mask: { paths: ["skip_payload_crypto"] },
    });
    const read = await call(
      "GET",
      `${linkPath}?field_mask=default_formatters,skip_payload_crypto`,
      "Bearer admin",
    );
    assert.deepEqual(read.body, {
      default_formatters: { up_formatter: "FORMATTER_CAYENNELPP" },
      skip_payload_crypto: false,
    });
    const masked = await call("GET", `${linkPath}?field_mask=skip_payload_crypto`, "Bearer admin");
    assert.deepEqual(masked.body, { skip_payload_crypto: false });

    assert.equal((await call("GET", linkPath, "Bearer plain")).status, 403);
    const tooLong = await call("PUT", linkPath, "Bearer admin", {
      link: {
        default_formatters: { down_formatter_parameter: "x".repeat(MAX_PARAMETER_LENGTH + 1) },
      },
      field_mask: { paths: ["default_formatters"] },
    });
    assert.equal(tooLong.status, 400);
    assert.equal((await call("DELETE", linkPath, "Bearer admin")).status, 200);
    assert.equal(await registries.links.get("app1"), undefined);
  });
});
