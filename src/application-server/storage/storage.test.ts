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
import { createMetricsRegistry } from "../../metrics/registry.ts";
import { type Database, migrateToLatest, openDatabase } from "../../storage/index.ts";
import { storedUp } from "./conformance.ts";
import { createStorage, type Storage } from "./storage.ts";

const keyRights: Record<string, RightName[]> = {
  "Bearer reader": ["RIGHT_APPLICATION_TRAFFIC_READ"],
  "Bearer info": ["RIGHT_APPLICATION_INFO"],
};
// Every key holds its rights on app1 only: app2's messages are another application's.
const rights: RightsFetcher = {
  authInfo: () => Promise.reject(new Error("not used")),
  rightsOn: async (authorization, entity) =>
    new Set(entity.kind === "application" && entity.id === "app1" ? keyRights[authorization] : []),
};

const now = Date.parse("2026-12-01T10:10:00.000Z");

describe("storage integration over REST", () => {
  let folder = "";
  let database: Database;
  let storage: Storage;
  let app: FastifyInstance;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), "lorastack-as-storage-rest-"));
    database = await openDatabase({ engine: "sqlite", file: join(folder, "db.sqlite") });
    await migrateToLatest(database.db, database.engine);
    storage = createStorage({
      database,
      rights,
      metrics: createMetricsRegistry(),
      logger: pino({ level: "silent" }),
      settings: { retentionMs: 30 * 86_400_000 },
      now: () => now,
    });
    const api = new ApiRegistry();
    storage.registerServices(api);
    app = Fastify();
    await mountApiOnHttp(app, api, {
      logger: pino({ level: "silent" }),
      clusterKeys: ClusterKeys.fromHex([]),
    });
    await app.ready();
    storage.start();
    await Promise.all(
      [
        storedUp("app1", "dev1", 0),
        storedUp("app1", "dev1", 1, "uplink", 2),
        storedUp("app1", "dev2", 2),
        storedUp("app1", "dev1", 3, "join"),
        storedUp("app2", "dev1", 4),
      ].map((up) => storage.sink.handle(up)),
    );
  });
  after(async () => {
    await storage.stop();
    await app.close();
    await database.close();
    await rm(folder, { recursive: true, force: true });
  });

  const get = (url: string, authorization = "Bearer reader") =>
    app.inject({ url: `/api/v3/as/applications/${url}`, headers: { authorization } });
  /** The `result`s of a newline-delimited answer. */
  const results = (body: string) =>
    body
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line).result);

  it("streams an application's uplinks as newline-delimited {result} objects in TTS's JSON", async () => {
    const response = await get("app1/packages/storage/uplink_message");
    assert.equal(response.statusCode, 200, response.body);
    const ups = results(response.body);
    assert.equal(ups.length, 3);
    assert.deepEqual(ups[0], {
      end_device_ids: { device_id: "dev1", application_ids: { application_id: "app1" } },
      correlation_ids: ["test:dev1:0"],
      received_at: "2026-12-01T10:00:00Z",
      uplink_message: { f_port: 1, frm_payload: "AA==" },
    });
    assert.deepEqual(
      ups.map((up) => up.uplink_message.f_cnt ?? 0),
      [0, 1, 2],
    );
  });

  it("filters a device's messages by f_port, time, last, order, limit and field mask", async () => {
    const cnts = async (url: string) =>
      results((await get(url)).body).map((up) => up.uplink_message.f_cnt ?? 0);
    assert.deepEqual(await cnts("app1/devices/dev1/packages/storage/uplink_message"), [0, 1]);
    assert.deepEqual(await cnts("app1/packages/storage/uplink_message?f_port=2"), [1]);
    assert.deepEqual(
      await cnts("app1/packages/storage/uplink_message?order=-received_at&limit=2"),
      [2, 1],
    );
    assert.deepEqual(
      await cnts(
        "app1/packages/storage/uplink_message?after=2026-12-01T10:01:00Z&before=2026-12-01T10:01:30Z",
      ),
      [1],
    );
    // now is 10:10; the last 8.5 minutes hold minutes 2 and 3.
    assert.deepEqual(await cnts("app1/packages/storage/uplink_message?last=510s"), [2]);
    const joins = results((await get("app1/packages/storage/join_accept")).body);
    assert.deepEqual(Object.keys(joins[0]).sort(), [
      "correlation_ids",
      "end_device_ids",
      "join_accept",
      "received_at",
    ]);

    const masked = results(
      (
        await get(
          "app1/packages/storage/uplink_message?field_mask=up.uplink_message.f_port&limit=1",
        )
      ).body,
    );
    assert.deepEqual(masked, [
      {
        end_device_ids: { device_id: "dev1", application_ids: { application_id: "app1" } },
        received_at: "2026-12-01T10:00:00Z",
        uplink_message: { f_port: 1 },
      },
    ]);
  });

  it("counts stored messages by device", async () => {
    const response = await get("app1/packages/storage/uplink_message/count");
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(response.json(), { count: { dev1: 2, dev2: 1 } });
    const device = await get("app1/devices/dev1/packages/storage/join_accept/count");
    assert.deepEqual(device.json(), { count: { dev1: 1 } });
  });

  it("requires the traffic-read right on the application: app1's key gets nothing of app2", async () => {
    assert.equal(
      (await get("app1/packages/storage/uplink_message", "Bearer info")).statusCode,
      403,
    );
    assert.equal((await get("app2/packages/storage/uplink_message")).statusCode, 403);
    assert.equal((await get("app2/devices/dev1/packages/storage/uplink_message")).statusCode, 403);
    assert.equal((await get("app2/packages/storage/uplink_message/count")).statusCode, 403);
    const anonymous = await app.inject({
      url: "/api/v3/as/applications/app1/packages/storage/uplink_message",
    });
    assert.equal(anonymous.statusCode, 401);
  });

  it("answers bad queries with 400 naming the field", async () => {
    for (const [query, field] of [
      ["app1/packages/storage/bogus", "type"],
      ["app1/packages/storage/uplink_message?order=f_cnt", "order"],
      ["app1/packages/storage/uplink_message?last=1h&after=2026-12-01T10:00:00Z", "last"],
      ["app1/packages/storage/uplink_message?field_mask=up.uplink_message.nope", "field_mask"],
      ["app1/packages/storage/uplink_message?limit=-1", "limit"],
    ] as const) {
      const response = await get(query);
      assert.equal(response.statusCode, 400, `${query}: ${response.body}`);
      assert.match(response.body, new RegExp(field), query);
    }
  });

  it("keeps nothing past the retention period", async () => {
    const metrics = createMetricsRegistry();
    const later = createStorage({
      database,
      rights,
      metrics,
      logger: pino({ level: "silent" }),
      settings: { retentionMs: 5 * 60_000 },
      now: () => now,
    });
    // now is 10:10; five minutes kept: nothing of 10:00–10:04 is left.
    assert.equal(await later.sweep(), 5);
    assert.equal(results((await get("app1/packages/storage/uplink_message")).body).length, 0);
    await later.stop();
  });
});
