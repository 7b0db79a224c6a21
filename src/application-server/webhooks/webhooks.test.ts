import assert from "node:assert/strict";
import { EventEmitter, once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import Fastify, { type FastifyInstance } from "fastify";
import pino from "pino";
import { ClusterKeys } from "../../api/cluster-keys.ts";
import { mountApiOnHttp } from "../../api/mount.ts";
import { ApiRegistry } from "../../api/registry.ts";
import type { RightName } from "../../auth/rights/index.ts";
import type { RightsFetcher } from "../../auth/rights-fetcher.ts";
import { sqlTaskQueue } from "../../cluster/sql/task-queue.ts";
import type { StoredTaskQueue } from "../../cluster/tasks/queue.ts";
import type { EndDeviceIdentifiers } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import {
  type ApplicationDownlink,
  type ApplicationUp,
  ApplicationUpSchema,
} from "../../gen/ttn/lorawan/v3/messages_pb.js";
import { createMetricsRegistry } from "../../metrics/registry.ts";
import { type Database, openDatabase } from "../../storage/index.ts";
import { migrateToLatest } from "../../storage/migrate.ts";
import type { ApplicationDownlinkQueue } from "../downlink-queue.ts";
import { createWebhooks, type WebhookSettings, type Webhooks } from "./webhooks.ts";

const silent = pino({ level: "silent" });

const keyRights: Record<string, RightName[]> = {
  "Bearer admin": [
    "RIGHT_APPLICATION_SETTINGS_BASIC",
    "RIGHT_APPLICATION_TRAFFIC_READ",
    "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE",
  ],
  "Bearer reader": ["RIGHT_APPLICATION_TRAFFIC_READ"],
  "Bearer down": ["RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE"],
};
// Every key holds its rights on app1 only: another application's key is one of app2's.
const rights: RightsFetcher = {
  authInfo: () => Promise.reject(new Error("not used")),
  rightsOn: async (authorization, entity) =>
    new Set(entity.kind === "application" && entity.id === "app1" ? keyRights[authorization] : []),
};

interface Received {
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
  at: number;
}

/** A webhook receiver: answers each path by its behaviour (status, or `hang`: never answers). */
class Receiver extends EventEmitter {
  readonly received: Received[] = [];
  readonly behaviour = new Map<string, number | "hang" | number[]>();
  readonly #hanging: ServerResponse[] = [];
  server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const path = request.url ?? "";
      this.received.push({
        path,
        headers: request.headers,
        body: Buffer.concat(chunks).toString(),
        at: Date.now(),
      });
      let status = this.behaviour.get(path) ?? 200;
      if (Array.isArray(status)) status = status.shift() ?? 200;
      this.emit("request", path);
      if (status === "hang") this.#hanging.push(response);
      else response.writeHead(status).end("answer");
    });
  });
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  count(path: string): number {
    return this.received.filter((request) => request.path === path).length;
  }
  /** Resolves once `path` has been requested `count` times in all. */
  async requests(path: string, count: number): Promise<void> {
    while (this.count(path) < count) await once(this, "request");
  }
  async close(): Promise<void> {
    for (const response of this.#hanging) response.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** Polls a condition that no event announces (a health status written after an answer). */
async function until(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 10));
}

const up = (deviceId: string, fCnt: number): ApplicationUp =>
  create(ApplicationUpSchema, {
    endDeviceIds: {
      applicationIds: { applicationId: "app1" },
      deviceId,
      devEui: Buffer.from("0004a30b001c0530", "hex"),
    },
    correlationIds: [`as:up:${fCnt}`],
    up: {
      case: "uplinkMessage",
      value: { fPort: 1, fCnt, frmPayload: Buffer.from([1, 2, 3]), sessionKeyId: Buffer.from([9]) },
    },
  });

class FakeQueue implements ApplicationDownlinkQueue {
  calls: { op: string; ids: EndDeviceIdentifiers; downlinks: ApplicationDownlink[] }[] = [];
  async push(ids: EndDeviceIdentifiers, downlinks: ApplicationDownlink[]) {
    this.calls.push({ op: "push", ids, downlinks });
  }
  async replace(ids: EndDeviceIdentifiers, downlinks: ApplicationDownlink[]) {
    this.calls.push({ op: "replace", ids, downlinks });
  }
  async list() {
    return [];
  }
}

interface Setup {
  database: Database;
  tasks: StoredTaskQueue;
  webhooks: Webhooks;
  app: FastifyInstance;
  queue: FakeQueue;
  clock: { offsetMs: number };
  close(): Promise<void>;
}

let folder: string;
let counter = 0;
before(async () => {
  folder = await mkdtemp(join(tmpdir(), "lorastack-webhooks-"));
});
after(() => rm(folder, { recursive: true, force: true }));

async function setup(settings: Partial<WebhookSettings> = {}): Promise<Setup> {
  const database = await openDatabase({ engine: "sqlite", file: join(folder, `${++counter}.db`) });
  await migrateToLatest(database.db, database.engine);
  const tasks = sqlTaskQueue(database, { logger: silent, pollIntervalMs: 20 });
  const clock = { offsetMs: 0 };
  const queue = new FakeQueue();
  const webhooks = createWebhooks({
    database,
    tasks,
    rights,
    queue,
    metrics: createMetricsRegistry(),
    logger: silent,
    now: () => Date.now() + clock.offsetMs,
    settings: {
      timeoutMs: 2000,
      unhealthyAttemptsThreshold: 3,
      unhealthyRetryIntervalMs: 60_000,
      callbacks: { publicAddress: "https://lns.example.com/api/v3", domain: "lns.example.com" },
      retry: { maxAttempts: 1 },
      ...settings,
    },
  });
  const api = new ApiRegistry();
  webhooks.registerServices(api);
  const app = Fastify();
  await mountApiOnHttp(app, api, { logger: silent, clusterKeys: ClusterKeys.fromHex([]) });
  await webhooks.registerRoutes(app);
  await app.ready();
  webhooks.start();
  return {
    database,
    tasks,
    webhooks,
    app,
    queue,
    clock,
    async close() {
      await webhooks.stop();
      await app.close();
      await database.close();
    },
  };
}

async function putWebhook(
  app: FastifyInstance,
  webhookId: string,
  webhook: Record<string, unknown>,
  authorization = "Bearer admin",
) {
  return app.inject({
    method: "PUT",
    url: `/api/v3/as/webhooks/app1/${webhookId}`,
    headers: { authorization, "content-type": "application/json" },
    payload: {
      webhook: {
        ids: { application_ids: { application_id: "app1" }, webhook_id: webhookId },
        ...webhook,
      },
      field_mask: { paths: Object.keys(webhook) },
    },
  });
}

describe("webhooks", () => {
  const receiver = new Receiver();
  before(() => new Promise<void>((resolve) => receiver.server.listen(0, "127.0.0.1", resolve)));
  after(() => receiver.close());

  it("manages webhooks over REST with The Things Stack's rights and paths", async () => {
    const s = await setup();
    try {
      const formats = await s.app.inject({ url: "/api/v3/as/webhook-formats" });
      assert.deepEqual(formats.json(), { formats: { json: "JSON", protobuf: "Protocol Buffers" } });

      const body = {
        base_url: "http://lan.local:8080/hooks",
        format: "json",
        uplink_message: { path: "/up" },
      };
      assert.equal((await putWebhook(s.app, "wh1", body, "Bearer reader")).statusCode, 403);
      assert.equal((await putWebhook(s.app, "wh1", body, "Bearer other")).statusCode, 403);
      const created = await putWebhook(s.app, "wh1", { ...body, downlink_api_key: "NNSXS.K" });
      assert.equal(created.statusCode, 200, created.body);
      assert.equal(created.json().base_url, "http://lan.local:8080/hooks");

      const bad = await putWebhook(s.app, "wh2", { ...body, base_url: "ftp://x" });
      assert.equal(bad.statusCode, 400);
      const badMask = await putWebhook(s.app, "wh2", { ...body, field_mask: { paths: ["nope"] } });
      assert.equal(badMask.statusCode, 400);
      const badHeader = await putWebhook(s.app, "wh2", { ...body, headers: { "a b": "x" } });
      assert.equal(badHeader.statusCode, 400);

      const read = await s.app.inject({
        url: "/api/v3/as/webhooks/app1/wh1?field_mask=base_url,uplink_message,downlink_api_key",
        headers: { authorization: "Bearer reader" },
      });
      assert.equal(read.statusCode, 200, read.body);
      const json = read.json();
      assert.equal(json.ids.webhook_id, "wh1");
      assert.equal(json.uplink_message.path, "/up");
      assert.equal(json.downlink_api_key, "NNSXS.K");
      assert.ok(json.created_at && json.updated_at);

      const list = await s.app.inject({
        url: "/api/v3/as/webhooks/app1?field_mask=base_url",
        headers: { authorization: "Bearer reader" },
      });
      assert.deepEqual(
        list.json().webhooks.map((w: { ids: { webhook_id: string } }) => w.ids.webhook_id),
        ["wh1"],
      );
      const denied = await s.app.inject({
        url: "/api/v3/as/webhooks/app1",
        headers: { authorization: "Bearer down" },
      });
      assert.equal(denied.statusCode, 403);

      const deleted = await s.app.inject({
        method: "DELETE",
        url: "/api/v3/as/webhooks/app1/wh1",
        headers: { authorization: "Bearer admin" },
      });
      assert.equal(deleted.statusCode, 200);
      const gone = await s.app.inject({
        url: "/api/v3/as/webhooks/app1/wh1",
        headers: { authorization: "Bearer admin" },
      });
      assert.equal(gone.statusCode, 404);
    } finally {
      await s.close();
    }
  });

  it("delivers TTS's JSON to the message type's path with TTS's headers and the field mask", async () => {
    const s = await setup();
    try {
      const created = await putWebhook(s.app, "full", {
        base_url: `${receiver.url}/full/{devID}`,
        format: "json",
        headers: { "X-Custom": "yes" },
        downlink_api_key: "NNSXS.KEY",
        uplink_message: { path: "/up" },
        join_accept: { path: "/join" },
      });
      assert.equal(created.statusCode, 200, created.body);
      await putWebhook(s.app, "masked", {
        base_url: `${receiver.url}/masked`,
        format: "json",
        uplink_message: { path: "up" },
        field_mask: { paths: ["end_device_ids", "up.uplink_message.f_port", "up.join_accept"] },
      });
      const message = up("dev1", 7);
      await s.webhooks.sink.handle(message);
      await receiver.requests("/full/dev1/up", 1);
      await receiver.requests("/masked/up", 1);

      const full = receiver.received.find((r) => r.path === "/full/dev1/up") as Received;
      assert.deepEqual(JSON.parse(full.body), {
        end_device_ids: {
          device_id: "dev1",
          application_ids: { application_id: "app1" },
          dev_eui: "0004A30B001C0530",
        },
        correlation_ids: ["as:up:7"],
        uplink_message: { session_key_id: "CQ==", f_port: 1, f_cnt: 7, frm_payload: "AQID" },
      });
      assert.equal(full.headers["content-type"], "application/json");
      assert.equal(full.headers["x-custom"], "yes");
      assert.equal(full.headers["x-downlink-apikey"], "NNSXS.KEY");
      assert.equal(
        full.headers["x-downlink-push"],
        "https://lns.example.com/api/v3/as/applications/app1/webhooks/full/devices/dev1/down/push",
      );
      assert.equal(
        full.headers["x-downlink-replace"],
        "https://lns.example.com/api/v3/as/applications/app1/webhooks/full/devices/dev1/down/replace",
      );
      assert.equal(full.headers["x-tts-domain"], "lns.example.com");
      assert.match(full.headers["user-agent"] ?? "", /lorastack/);

      const masked = receiver.received.find((r) => r.path === "/masked/up") as Received;
      assert.deepEqual(JSON.parse(masked.body), {
        end_device_ids: {
          device_id: "dev1",
          application_ids: { application_id: "app1" },
          dev_eui: "0004A30B001C0530",
        },
        uplink_message: { f_port: 1 },
      });
      assert.equal(masked.headers["x-downlink-apikey"], undefined);
    } finally {
      await s.close();
    }
  });

  it("retries a failed delivery with back-off and records health", async () => {
    const s = await setup({ retry: { maxAttempts: 4, backoffMs: 20, maxBackoffMs: 40 } });
    try {
      receiver.behaviour.set("/retry/up", [500, 503]);
      await putWebhook(s.app, "retry", {
        base_url: `${receiver.url}/retry`,
        format: "json",
        uplink_message: { path: "/up" },
      });
      await s.webhooks.sink.handle(up("dev1", 1));
      await receiver.requests("/retry/up", 3);
      const bodies = receiver.received.filter((r) => r.path === "/retry/up").map((r) => r.body);
      assert.equal(new Set(bodies).size, 1);
      const key = { applicationId: "app1", webhookId: "retry" };
      await until(
        async () => (await s.webhooks.registry.get(key))?.healthStatus?.status.case === "healthy",
      );
    } finally {
      await s.close();
    }
  });

  it("suspends a webhook after the threshold, drops its deliveries, probes it after the interval and recovers", async () => {
    const s = await setup({ unhealthyAttemptsThreshold: 2, unhealthyRetryIntervalMs: 60_000 });
    try {
      receiver.behaviour.set("/sick/up", 500);
      await putWebhook(s.app, "sick", {
        base_url: `${receiver.url}/sick`,
        format: "json",
        uplink_message: { path: "/up" },
      });
      const key = { applicationId: "app1", webhookId: "sick" };
      const failed = async (n: number) => {
        const status = (await s.webhooks.registry.get(key))?.healthStatus?.status;
        return status?.case === "unhealthy" && status.value.failedAttempts === BigInt(n);
      };
      await s.webhooks.sink.handle(up("dev1", 1));
      await until(() => failed(1));
      await s.webhooks.sink.handle(up("dev1", 2));
      await until(() => failed(2));
      const read = await s.app.inject({
        url: "/api/v3/as/webhooks/app1/sick?field_mask=health_status",
        headers: { authorization: "Bearer reader" },
      });
      const unhealthy = read.json().health_status.unhealthy;
      assert.equal(unhealthy.failed_attempts, "2");
      assert.equal(unhealthy.last_failed_attempt_details.name, "status_code");

      // Suspended: the next messages are dropped and counted, not sent.
      const dropsBefore = await dropCount(s, "suspended");
      await s.webhooks.sink.handle(up("dev1", 3));
      assert.equal(await dropCount(s, "suspended"), dropsBefore + 1);
      assert.equal(receiver.count("/sick/up"), 2);

      // After the retry interval one request probes it; it answers now, and is healthy again.
      receiver.behaviour.set("/sick/up", 200);
      s.clock.offsetMs = 61_000;
      await s.webhooks.sink.handle(up("dev1", 4));
      await receiver.requests("/sick/up", 3);
      await until(
        async () => (await s.webhooks.registry.get(key))?.healthStatus?.status.case === "healthy",
      );
      await s.webhooks.sink.handle(up("dev1", 5));
      await receiver.requests("/sick/up", 4);
    } finally {
      await s.close();
    }
  });

  it("a dead endpoint (never answers) does not delay a healthy webhook", async () => {
    const timeoutMs = 3000;
    const s = await setup({ timeoutMs, concurrency: 4, perWebhookConcurrency: 2 });
    try {
      receiver.behaviour.set("/dead/up", "hang");
      await putWebhook(s.app, "dead", {
        base_url: `${receiver.url}/dead`,
        format: "json",
        uplink_message: { path: "/up" },
      });
      await putWebhook(s.app, "alive", {
        base_url: `${receiver.url}/alive`,
        format: "json",
        uplink_message: { path: "/up" },
      });
      const start = Date.now();
      for (let fCnt = 1; fCnt <= 8; fCnt++) await s.webhooks.sink.handle(up("dev2", fCnt));
      await receiver.requests("/alive/up", 8);
      const last = Math.max(
        ...receiver.received.filter((r) => r.path === "/alive/up").map((r) => r.at),
      );
      // Every healthy delivery arrived while the dead endpoint's first requests still hung.
      assert.ok(last - start < timeoutMs, `healthy deliveries took ${last - start} ms`);
      assert.ok(receiver.count("/dead/up") <= 2, "at most the per-webhook bound is in flight");
    } finally {
      await s.close();
    }
  });

  it("downlink callbacks reach the queue with the key's rights on that application only", async () => {
    const s = await setup();
    try {
      await putWebhook(s.app, "cbk", {
        base_url: `${receiver.url}/cbk`,
        format: "json",
        uplink_message: { path: "/up" },
      });
      const call = (authorization: string, operation: string, application = "app1") =>
        s.app.inject({
          method: "POST",
          url: `/api/v3/as/applications/${application}/webhooks/cbk/devices/dev1/down/${operation}`,
          headers: { authorization, "content-type": "application/json" },
          payload: JSON.stringify({
            downlinks: [{ f_port: 15, frm_payload: "AQI=", priority: "HIGH", confirmed: true }],
          }),
        });
      const pushed = await call("Bearer down", "push");
      assert.equal(pushed.statusCode, 200, pushed.body);
      const replaced = await call("Bearer down", "replace");
      assert.equal(replaced.statusCode, 200);
      assert.deepEqual(
        s.queue.calls.map((c) => [c.op, c.ids.applicationIds?.applicationId, c.ids.deviceId]),
        [
          ["push", "app1", "dev1"],
          ["replace", "app1", "dev1"],
        ],
      );
      const downlink = s.queue.calls[0]?.downlinks[0];
      assert.equal(downlink?.fPort, 15);
      assert.deepEqual([...(downlink?.frmPayload ?? [])], [1, 2]);
      assert.equal(downlink?.confirmed, true);

      assert.equal((await call("Bearer reader", "push")).statusCode, 403);
      assert.equal((await call("", "push")).statusCode, 401);
      assert.equal((await call("Bearer down", "push", "app2")).statusCode, 403);
      const malformed = await s.app.inject({
        method: "POST",
        url: "/api/v3/as/applications/app1/webhooks/cbk/devices/dev1/down/push",
        headers: { authorization: "Bearer down", "content-type": "application/json" },
        payload: "{not json",
      });
      assert.equal(malformed.statusCode, 400);
      // Unknown fields are ignored, as The Things Stack reads JSON.
      const unknown = await s.app.inject({
        method: "POST",
        url: "/api/v3/as/applications/app1/webhooks/cbk/devices/dev1/down/push",
        headers: { authorization: "Bearer down", "content-type": "application/json" },
        payload: JSON.stringify({ downlinks: [], field_mask: { paths: ["downlinks"] } }),
      });
      assert.equal(unknown.statusCode, 200, unknown.body);
      assert.equal(s.queue.calls.length, 3);
      const noWebhook = await s.app.inject({
        method: "POST",
        url: "/api/v3/as/applications/app1/webhooks/none/devices/dev1/down/push",
        headers: { authorization: "Bearer down" },
        payload: "{}",
      });
      assert.equal(noWebhook.statusCode, 404);
    } finally {
      await s.close();
    }
  });
});

async function dropCount(s: Setup, reason: string): Promise<number> {
  const metric = await s.webhooks.metrics.drops.get();
  return metric.values.find((value) => value.labels.reason === reason)?.value ?? 0;
}
