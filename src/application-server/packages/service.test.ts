import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Fastify, { type FastifyInstance } from "fastify";
import pino from "pino";
import { ClusterKeys } from "../../api/cluster-keys.ts";
import { mountApiOnHttp } from "../../api/mount.ts";
import { ApiRegistry } from "../../api/registry.ts";
import type { RightName } from "../../auth/rights/index.ts";
import type { RightsFetcher } from "../../auth/rights-fetcher.ts";
import { InProcessPubSub, stringCodec } from "../../cluster/index.ts";
import { EventBus } from "../../events/index.ts";
import { applicationEvents } from "../../identity-server/events.ts";
import { createMetricsRegistry } from "../../metrics/registry.ts";
import { type Database, migrateToLatest, openDatabase } from "../../storage/index.ts";
import { storedUp } from "../storage/conformance.ts";
import { createStorage, type Storage } from "../storage/storage.ts";
import { countStoredUps } from "../storage/store.ts";
import { packagesChangedTopic } from "./activation.ts";
import { createPackages, type Packages } from "./packages.ts";

const keyRights: Record<string, RightName[]> = {
  "Bearer packages": ["RIGHT_APPLICATION_SETTINGS_PACKAGES"],
  "Bearer basic": ["RIGHT_APPLICATION_SETTINGS_BASIC", "RIGHT_APPLICATION_TRAFFIC_READ"],
};
// Every key holds its rights on app1 only.
const rights: RightsFetcher = {
  authInfo: () => Promise.reject(new Error("not used")),
  rightsOn: async (authorization, entity) =>
    new Set(entity.kind === "application" && entity.id === "app1" ? keyRights[authorization] : []),
};

describe("ApplicationPackageRegistry over REST, and the storage integration it turns on", () => {
  let folder = "";
  let database: Database;
  let packages: Packages;
  let storage: Storage;
  let app: FastifyInstance;
  const events = new EventBus();
  const pubsub = new InProcessPubSub();
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), "lorastack-as-packages-"));
    database = await openDatabase({ engine: "sqlite", file: join(folder, "db.sqlite") });
    await migrateToLatest(database.db, database.engine);
    const logger = pino({ level: "silent" });
    packages = createPackages({
      database,
      pubsub,
      rights,
      events,
      logger,
      storage: true,
    });
    storage = createStorage({
      database,
      rights,
      metrics: createMetricsRegistry(),
      logger,
      settings: { retentionMs: 86_400_000, commitIntervalMs: 1 },
      stores: (applicationId, deviceId) => packages.storage.isActive(applicationId, deviceId),
    });
    const api = new ApiRegistry();
    packages.registerServices(api);
    app = Fastify();
    await mountApiOnHttp(app, api, { logger, clusterKeys: ClusterKeys.fromHex([]) });
    await app.ready();
    packages.start();
  });
  after(async () => {
    packages.stop();
    await storage.stop();
    events.close();
    await app.close();
    await database.close();
    await rm(folder, { recursive: true, force: true });
  });

  const call = (method: "GET" | "PUT" | "DELETE", url: string, body?: unknown, key = "packages") =>
    app.inject({
      method,
      url: `/api/v3/as/applications/${url}`,
      headers: { authorization: `Bearer ${key}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });
  const stored = async (deviceId: string) =>
    (await countStoredUps(database.db, { applicationId: "app1" })).get(deviceId) ?? 0;
  let minute = 0;
  const uplink = (deviceId: string) => storage.sink.handle(storedUp("app1", deviceId, minute++));

  it("lists the packages on offer with their default FPort", async () => {
    const response = await call("GET", "app1/devices/dev1/packages");
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(response.json(), {
      packages: [{ name: "storage-integration", default_f_port: 200 }],
    });
  });

  it("stores nothing of an application without an association", async () => {
    await uplink("dev1");
    await uplink("dev2");
    assert.deepEqual([await stored("dev1"), await stored("dev2")], [0, 0]);
  });

  it("turns the storage on for one device with an association (TTS's request), and off again", async () => {
    const set = await call("PUT", "app1/devices/dev1/packages/associations/10", {
      association: { package_name: "storage-integration" },
      field_mask: { paths: ["package_name"] },
    });
    assert.equal(set.statusCode, 200, set.body);
    const body = set.json();
    assert.deepEqual(body.ids, {
      end_device_ids: { device_id: "dev1", application_ids: { application_id: "app1" } },
      f_port: 10,
    });
    assert.equal(body.package_name, "storage-integration");
    assert.equal(body.created_at, body.updated_at);
    await uplink("dev1");
    await uplink("dev2");
    assert.deepEqual([await stored("dev1"), await stored("dev2")], [1, 0]);

    const got = await call("GET", "app1/devices/dev1/packages/associations/10");
    assert.equal(got.json().package_name, "storage-integration");
    const list = await call("GET", "app1/devices/dev1/packages/associations");
    assert.equal(list.headers["x-total-count"], "1");
    assert.equal(list.json().associations.length, 1);

    assert.equal(
      (await call("DELETE", "app1/devices/dev1/packages/associations/10")).statusCode,
      200,
    );
    assert.equal(
      (await call("DELETE", "app1/devices/dev1/packages/associations/10")).statusCode,
      200,
      "deleting what is not there is not an error, as in TTS",
    );
    assert.equal((await call("GET", "app1/devices/dev1/packages/associations/10")).statusCode, 404);
    await uplink("dev1");
    assert.equal(await stored("dev1"), 1);
  });

  it("turns the storage on for every device with a default association, on any FPort", async () => {
    const set = await call("PUT", "app1/packages/associations/100", {
      default: { package_name: "storage-integration", data: { note: "all" } },
      field_mask: { paths: ["package_name", "data"] },
    });
    assert.equal(set.statusCode, 200, set.body);
    assert.deepEqual(set.json().ids, { application_ids: { application_id: "app1" }, f_port: 100 });
    assert.deepEqual(set.json().data, { note: "all" });
    await uplink("dev1");
    await uplink("dev2");
    assert.deepEqual([await stored("dev1"), await stored("dev2")], [2, 1]);

    const list = await call("GET", "app1/packages/associations?field_mask=data");
    assert.equal(list.statusCode, 200, list.body);
    assert.equal(list.headers["x-total-count"], "1");
    assert.deepEqual(list.json().defaults[0].data, { note: "all" });
    const masked = await call("GET", "app1/packages/associations/100");
    assert.equal(masked.json().data, undefined, "data only when the field mask asks for it");

    // A change keeps created_at and only the fields named.
    const changed = await call("PUT", "app1/packages/associations/100", {
      default: { data: { note: "changed" } },
      field_mask: { paths: ["data"] },
    });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.equal(changed.json().package_name, "storage-integration");
    assert.equal(changed.json().created_at, set.json().created_at);

    assert.equal((await call("DELETE", "app1/packages/associations/100")).statusCode, 200);
    await uplink("dev2");
    assert.equal(await stored("dev2"), 1);
  });

  it("refuses unknown packages, bad FPorts and bad field masks", async () => {
    const unknown = await call("PUT", "app1/packages/associations/5", {
      default: { package_name: "lora-cloud-geolocation-v3" },
      field_mask: { paths: ["package_name"] },
    });
    assert.equal(unknown.statusCode, 501, unknown.body);
    assert.match(unknown.body, /package_not_implemented/);
    const none = await call("PUT", "app1/devices/dev1/packages/associations/5", {
      association: {},
      field_mask: { paths: ["package_name"] },
    });
    assert.equal(none.statusCode, 400, none.body);
    assert.match(none.body, /package_name/);
    for (const port of ["0", "256"]) {
      const response = await call("GET", `app1/packages/associations/${port}`);
      assert.equal(response.statusCode, 400, `${port}: ${response.body}`);
      assert.match(response.body, /f_port/);
    }
    const mask = await call("GET", "app1/packages/associations?field_mask=nope");
    assert.equal(mask.statusCode, 400, mask.body);
    assert.equal((await call("GET", "app1/packages/associations?limit=1001")).statusCode, 400);
    assert.equal((await call("GET", "app1/packages/associations")).json().defaults, undefined);
  });

  it("requires RIGHT_APPLICATION_SETTINGS_PACKAGES on the application", async () => {
    for (const [method, url] of [
      ["GET", "app1/devices/dev1/packages"],
      ["GET", "app1/packages/associations"],
      ["PUT", "app1/packages/associations/100"],
      ["DELETE", "app1/devices/dev1/packages/associations/1"],
    ] as const) {
      const body =
        method === "PUT"
          ? {
              default: { package_name: "storage-integration" },
              field_mask: { paths: ["package_name"] },
            }
          : undefined;
      assert.equal((await call(method, url, body, "basic")).statusCode, 403, `${method} ${url}`);
      const other = url.replace("app1", "app2");
      assert.equal((await call(method, other, body)).statusCode, 403, `${method} ${other}`);
    }
    const anonymous = await app.inject({
      url: "/api/v3/as/applications/app1/packages/associations",
    });
    assert.equal(anonymous.statusCode, 401);
  });

  it("forgets a deleted device's associations, and a deleted application's", async () => {
    const device = await call("PUT", "app1/devices/dev3/packages/associations/1", {
      association: { package_name: "storage-integration" },
      field_mask: { paths: ["package_name"] },
    });
    assert.equal(device.statusCode, 200, device.body);
    await uplink("dev3");
    assert.equal(await stored("dev3"), 1);
    await packages.deviceDeleted("app1", "dev3");
    assert.equal(
      (await call("GET", "app1/devices/dev3/packages/associations")).json().associations,
      undefined,
    );
    await uplink("dev3");
    assert.equal(await stored("dev3"), 1, "the cache followed the deletion");

    await call("PUT", "app1/packages/associations/100", {
      default: { package_name: "storage-integration" },
      field_mask: { paths: ["package_name"] },
    });
    // The Identity Server's event, as every instance sees it; the deletion then announces
    // the change of the application.
    const gone = new Promise<void>((resolve) => {
      const stop = pubsub.topic(packagesChangedTopic, stringCodec).subscribe(() => {
        stop();
        resolve();
      });
    });
    events.publish(applicationEvents.delete, {
      identifiers: [{ kind: "application", id: "app1" }],
    });
    await gone;
    assert.equal(
      (await packages.registry.listDefaultAssociations("app1", { limit: 0, page: 1 })).total,
      0,
    );
  });
});
