import assert from "node:assert/strict";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { Aedes, type ConnectPacket } from "aedes";
import Fastify, { type FastifyInstance } from "fastify";
import mqtt, { type MqttClient } from "mqtt";
import pino from "pino";
import { ClusterKeys } from "../../api/cluster-keys.ts";
import { mountApiOnHttp } from "../../api/mount.ts";
import { ApiRegistry } from "../../api/registry.ts";
import type { RightName } from "../../auth/rights/index.ts";
import type { RightsFetcher } from "../../auth/rights-fetcher.ts";
import { type ClaimTable, InProcessClaims } from "../../cluster/in-process/claims.ts";
import { InProcessPubSub } from "../../cluster/in-process/pubsub.ts";
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
import { createPubSubs, type PubSubs, type PubSubsOptions } from "./pubsubs.ts";

const silent = pino({ level: "silent" });

const keyRights: Record<string, RightName[]> = {
  "Bearer admin": [
    "RIGHT_APPLICATION_SETTINGS_BASIC",
    "RIGHT_APPLICATION_TRAFFIC_READ",
    "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE",
  ],
  "Bearer reader": ["RIGHT_APPLICATION_TRAFFIC_READ"],
  "Bearer settings": ["RIGHT_APPLICATION_SETTINGS_BASIC", "RIGHT_APPLICATION_TRAFFIC_READ"],
};
// Every key holds its rights on app1 only.
const rights: RightsFetcher = {
  authInfo: () => Promise.reject(new Error("not used")),
  rightsOn: async (authorization, entity) =>
    new Set(entity.kind === "application" && entity.id === "app1" ? keyRights[authorization] : []),
};

/** A downlink queue that records what it is given, and says when. */
class FakeQueue implements ApplicationDownlinkQueue {
  readonly calls: { op: string; ids: EndDeviceIdentifiers; downlinks: ApplicationDownlink[] }[] =
    [];
  #waiters: (() => void)[] = [];
  async push(ids: EndDeviceIdentifiers, downlinks: ApplicationDownlink[]) {
    this.#record("push", ids, downlinks);
  }
  async replace(ids: EndDeviceIdentifiers, downlinks: ApplicationDownlink[]) {
    this.#record("replace", ids, downlinks);
  }
  async list() {
    return [];
  }
  #record(op: string, ids: EndDeviceIdentifiers, downlinks: ApplicationDownlink[]) {
    this.calls.push({ op, ids, downlinks });
    for (const waiter of this.#waiters.splice(0)) waiter();
  }
  async calledTimes(count: number): Promise<void> {
    while (this.calls.length < count)
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }
}

/**
 * The "external" MQTT broker: aedes on a port of its own. `hold(clientId)` keeps that client's
 * CONNECT waiting until `release()`, so that a test decides when a reconnect succeeds.
 */
class ExternalBroker {
  broker!: Aedes;
  server!: Server;
  readonly sockets = new Set<Socket>();
  #held = new Set<string>();
  #releases: (() => void)[] = [];

  async start(port = 0): Promise<number> {
    this.broker = new Aedes({
      preConnect: (_client, packet: ConnectPacket, callback) => {
        if (!this.#held.has(packet.clientId)) return callback(null, true);
        this.#releases.push(() => callback(null, true));
      },
    });
    await this.broker.listen();
    this.server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
      this.broker.handle(socket);
    });
    this.server.listen(port, "127.0.0.1");
    await once(this.server, "listening");
    return (this.server.address() as AddressInfo).port;
  }
  hold(clientId: string) {
    this.#held.add(clientId);
  }
  release() {
    this.#held.clear();
    for (const release of this.#releases.splice(0)) release();
  }
  /** Resolves when a client with this ID subscribes to `filter`. */
  async subscribed(clientId: string, filter: string): Promise<void> {
    for (;;) {
      const [subscriptions, client] = (await once(this.broker, "subscribe")) as [
        { topic: string }[],
        { id: string },
      ];
      if (client.id === clientId && subscriptions.some((s) => s.topic === filter)) return;
    }
  }
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
    await new Promise<void>((resolve) => this.broker.close(() => resolve()));
  }
}

/** An MQTT.js client of the external broker: what the integrator's side reads and writes. */
async function reader(
  port: number,
  filter: string,
): Promise<{
  client: MqttClient;
  next(): Promise<{ topic: string; json: unknown }>;
}> {
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
    clientId: `reader-${Math.random().toString(16).slice(2, 8)}`,
    reconnectPeriod: 0,
  });
  const inbox: { topic: string; json: unknown }[] = [];
  const waiters: (() => void)[] = [];
  client.on("message", (topic, payload) => {
    let json: unknown;
    try {
      json = JSON.parse(payload.toString());
    } catch {
      json = payload.toString();
    }
    inbox.push({ topic, json });
    for (const waiter of waiters.splice(0)) waiter();
  });
  await client.subscribeAsync(filter, { qos: 1 });
  return {
    client,
    async next() {
      while (inbox.length === 0) await new Promise<void>((resolve) => waiters.push(resolve));
      return inbox.shift() as { topic: string; json: unknown };
    },
  };
}

const up = (deviceId: string, fCnt: number, applicationId = "app1"): ApplicationUp =>
  create(ApplicationUpSchema, {
    endDeviceIds: {
      applicationIds: { applicationId },
      deviceId,
      devEui: Buffer.from("0004a30b001c0530", "hex"),
    },
    correlationIds: [`as:up:${fCnt}`],
    up: {
      case: "uplinkMessage",
      value: { fPort: 1, fCnt, frmPayload: Buffer.from([1, 2, 3]), sessionKeyId: Buffer.from([9]) },
    },
  });

const uplinkJson = (deviceId: string, fCnt: number) => ({
  end_device_ids: {
    device_id: deviceId,
    application_ids: { application_id: "app1" },
    dev_eui: "0004A30B001C0530",
  },
  correlation_ids: [`as:up:${fCnt}`],
  uplink_message: { session_key_id: "CQ==", f_port: 1, f_cnt: fCnt, frm_payload: "AQID" },
});

let folder: string;
let counter = 0;
before(async () => {
  folder = await mkdtemp(join(tmpdir(), "lorastack-pubsubs-"));
});
after(() => rm(folder, { recursive: true, force: true }));

interface Setup {
  database: Database;
  pubsubs: PubSubs;
  app: FastifyInstance;
  queue: FakeQueue;
  close(): Promise<void>;
}

async function setup(
  database?: Database,
  bufferSize = 1000,
  cluster?: PubSubsOptions["cluster"],
): Promise<Setup> {
  const owned = !database;
  const db =
    database ?? (await openDatabase({ engine: "sqlite", file: join(folder, `${++counter}.db`) }));
  if (owned) await migrateToLatest(db.db, db.engine);
  const queue = new FakeQueue();
  const pubsubs = createPubSubs({
    database: db,
    rights,
    queue,
    metrics: createMetricsRegistry(),
    logger: silent,
    settings: { reconnectIntervalMs: 50, connectTimeoutMs: 30_000, bufferSize },
    ...(cluster ? { cluster } : {}),
  });
  const api = new ApiRegistry();
  pubsubs.registerServices(api);
  const app = Fastify();
  await mountApiOnHttp(app, api, { logger: silent, clusterKeys: ClusterKeys.fromHex([]) });
  await app.ready();
  await pubsubs.start();
  return {
    database: db,
    pubsubs,
    app,
    queue,
    async close() {
      await pubsubs.stop();
      await app.close();
      if (owned) await db.close();
    },
  };
}

function putPubSub(
  app: FastifyInstance,
  pubSubId: string,
  pubsub: Record<string, unknown>,
  authorization = "Bearer admin",
  paths = Object.keys(pubsub),
) {
  return app.inject({
    method: "PUT",
    url: `/api/v3/as/pubsub/app1/${pubSubId}`,
    headers: { authorization, "content-type": "application/json" },
    payload: {
      pubsub: {
        ids: { application_ids: { application_id: "app1" }, pub_sub_id: pubSubId },
        ...pubsub,
      },
      field_mask: { paths },
    },
  });
}

const mqttPubSub = (port: number, clientId: string) => ({
  format: "json",
  base_topic: "lorastack/app1",
  mqtt: {
    server_url: `mqtt://127.0.0.1:${port}`,
    client_id: clientId,
    username: "user",
    password: "secret",
    publish_qos: "AT_LEAST_ONCE",
    subscribe_qos: "AT_LEAST_ONCE",
  },
  uplink_message: { topic: "up" },
  join_accept: { topic: "join" },
  downlink_push: { topic: "down/push" },
  downlink_replace: { topic: "down/replace" },
});

describe("pub/subs", () => {
  it("manages pub/subs over REST with The Things Stack's rights, paths and JSON", async () => {
    const s = await setup();
    try {
      const formats = await s.app.inject({ url: "/api/v3/as/pubsub-formats" });
      assert.deepEqual(formats.json(), { formats: { json: "JSON", protobuf: "Protocol Buffers" } });

      // An unreachable broker is fine: the pub/sub is stored and keeps trying.
      const body = mqttPubSub(1, "ps1");
      assert.equal((await putPubSub(s.app, "ps1", body, "Bearer reader")).statusCode, 403);
      assert.equal((await putPubSub(s.app, "ps1", body, "Bearer settings")).statusCode, 403);
      assert.equal((await putPubSub(s.app, "ps1", body, "Bearer other")).statusCode, 403);
      const created = await putPubSub(s.app, "ps1", body);
      assert.equal(created.statusCode, 200, created.body);
      assert.equal(created.json().mqtt.server_url, "mqtt://127.0.0.1:1");
      assert.equal(created.json().mqtt.publish_qos, "AT_LEAST_ONCE");

      const refusals: [string, Record<string, unknown>, string][] = [
        ["nats", { nats: { server_url: "nats://localhost:4222" } }, "provider_disabled"],
        ["no provider", { format: "json" }, "no_provider"],
        ["format", { ...body, format: "xml" }, "format_not_found"],
        ["scheme", { ...body, mqtt: { server_url: "http://x" } }, "invalid_field"],
        ["wildcard", { ...body, uplink_message: { topic: "up/#" } }, "invalid_field"],
        ["filter", { ...body, downlink_push: { topic: "down/pu#" } }, "invalid_field"],
        ["long", { ...body, base_topic: "x".repeat(101) }, "invalid_field"],
        [
          "client id",
          { ...body, mqtt: { server_url: "mqtt://x", client_id: "c".repeat(24) } },
          "invalid_field",
        ],
        [
          "ca",
          { ...body, mqtt: { server_url: "mqtts://x", tls_ca: "bm90IGEgY2VydA==" } },
          "invalid_field",
        ],
      ];
      for (const [name, pubsub, error] of refusals) {
        const refused = await putPubSub(s.app, "ps2", pubsub);
        // As The Things Stack: an unknown format is not_found, the rest invalid or refused.
        assert.equal(
          refused.statusCode,
          error === "format_not_found" ? 404 : 400,
          `${name}: ${refused.body}`,
        );
        assert.match(refused.json().message, new RegExp(error), name);
      }
      const badId = await putPubSub(s.app, "PS", body);
      assert.equal(badId.statusCode, 400);

      // A partial change with TTS's oneof path: the rest stays.
      const changed = await putPubSub(
        s.app,
        "ps1",
        { mqtt: { server_url: "mqtt://127.0.0.1:2" } },
        "Bearer admin",
        ["provider.mqtt.server_url"],
      );
      assert.equal(changed.statusCode, 200, changed.body);

      // Readers get the provider, credentials included, as The Things Stack returns them.
      const read = await s.app.inject({
        url: "/api/v3/as/pubsub/app1/ps1?field_mask=uplink_message",
        headers: { authorization: "Bearer reader" },
      });
      assert.equal(read.statusCode, 200, read.body);
      const json = read.json();
      assert.equal(json.ids.pub_sub_id, "ps1");
      assert.equal(json.format, "json");
      assert.equal(json.base_topic, "lorastack/app1");
      assert.equal(json.mqtt.server_url, "mqtt://127.0.0.1:2");
      assert.equal(json.mqtt.password, "secret");
      assert.deepEqual(json.uplink_message, { topic: "up" });
      assert.equal(json.join_accept, undefined);
      assert.ok(json.created_at && json.updated_at);

      const list = await s.app.inject({
        url: "/api/v3/as/pubsub/app1",
        headers: { authorization: "Bearer reader" },
      });
      assert.deepEqual(
        list.json().pubsubs.map((p: { ids: { pub_sub_id: string } }) => p.ids.pub_sub_id),
        ["ps1"],
      );
      const denied = await s.app.inject({
        url: "/api/v3/as/pubsub/app2",
        headers: { authorization: "Bearer admin" },
      });
      assert.equal(denied.statusCode, 403);

      const running = s.pubsubs.integrations.get({ applicationId: "app1", pubSubId: "ps1" });
      assert.ok(running, "the stored pub/sub runs");
      assert.notEqual(running.state, "connected");

      assert.equal(
        (
          await s.app.inject({
            method: "DELETE",
            url: "/api/v3/as/pubsub/app1/ps1",
            headers: { authorization: "Bearer reader" },
          })
        ).statusCode,
        403,
      );
      const deleted = await s.app.inject({
        method: "DELETE",
        url: "/api/v3/as/pubsub/app1/ps1",
        headers: { authorization: "Bearer admin" },
      });
      assert.equal(deleted.statusCode, 200);
      assert.equal(
        s.pubsubs.integrations.get({ applicationId: "app1", pubSubId: "ps1" }),
        undefined,
      );
      const gone = await s.app.inject({
        url: "/api/v3/as/pubsub/app1/ps1",
        headers: { authorization: "Bearer admin" },
      });
      assert.equal(gone.statusCode, 404);
    } finally {
      await s.close();
    }
  });

  it("publishes TTS's JSON on the external broker and takes downlinks from it", async () => {
    const external = new ExternalBroker();
    const port = await external.start();
    const s = await setup();
    try {
      const subscribed = external.subscribed("lorastack-ps1", "lorastack/app1/down/replace");
      const created = await putPubSub(s.app, "ps1", mqttPubSub(port, "lorastack-ps1"));
      assert.equal(created.statusCode, 200, created.body);
      await subscribed;
      const integrator = await reader(port, "lorastack/#");
      try {
        await s.pubsubs.sink.handle(up("dev1", 7));
        // Another application's message and an unsent type never reach this pub/sub.
        await s.pubsubs.sink.handle(up("dev9", 1, "app2"));
        await s.pubsubs.sink.handle(
          create(ApplicationUpSchema, {
            endDeviceIds: { applicationIds: { applicationId: "app1" }, deviceId: "dev1" },
            up: { case: "serviceData", value: {} },
          }),
        );
        await s.pubsubs.sink.handle(up("dev1", 8));
        assert.deepEqual(await integrator.next(), {
          topic: "lorastack/app1/up",
          json: uplinkJson("dev1", 7),
        });
        assert.deepEqual(await integrator.next(), {
          topic: "lorastack/app1/up",
          json: uplinkJson("dev1", 8),
        });

        const ids = { application_ids: { application_id: "app1" }, device_id: "dev1" };
        await integrator.client.publishAsync(
          "lorastack/app1/down/push",
          JSON.stringify({
            end_device_ids: ids,
            downlinks: [{ f_port: 2, frm_payload: "AQI=", confirmed: true, priority: "HIGH" }],
          }),
          { qos: 1 },
        );
        // Hostile or foreign messages are dropped and counted, never applied.
        await integrator.client.publishAsync("lorastack/app1/down/push", "{not json", { qos: 1 });
        await integrator.client.publishAsync(
          "lorastack/app1/down/push",
          JSON.stringify({
            end_device_ids: { application_ids: { application_id: "app2" }, device_id: "x" },
            downlinks: [],
          }),
          { qos: 1 },
        );
        await integrator.client.publishAsync(
          "lorastack/app1/down/replace",
          JSON.stringify({
            end_device_ids: { device_id: "dev2" },
            downlinks: [{ f_port: 3, decoded_payload: { on: true } }],
          }),
          { qos: 1 },
        );
        await s.queue.calledTimes(2);
        const [push, replace] = s.queue.calls;
        assert.equal(push?.op, "push");
        assert.equal(push?.ids.deviceId, "dev1");
        assert.equal(push?.ids.applicationIds?.applicationId, "app1");
        assert.equal(push?.downlinks[0]?.fPort, 2);
        assert.deepEqual([...(push?.downlinks[0]?.frmPayload ?? [])], [1, 2]);
        assert.equal(push?.downlinks[0]?.confirmed, true);
        assert.equal(replace?.op, "replace");
        assert.equal(replace?.ids.deviceId, "dev2");
        assert.equal(replace?.ids.applicationIds?.applicationId, "app1");
        assert.deepEqual(replace?.downlinks[0]?.decodedPayload, { on: true });
        const results = await s.pubsubs.metrics.downlinks.get();
        const byResult = Object.fromEntries(results.values.map((v) => [v.labels.result, v.value]));
        assert.deepEqual(byResult, { ok: 2, invalid: 1, other_application: 1 });
      } finally {
        await integrator.client.endAsync();
      }
    } finally {
      await s.close();
      await external.stop();
    }
  });

  it("buffers while the broker is down, reconnects and resumes delivery", async () => {
    const external = new ExternalBroker();
    const port = await external.start();
    const s = await setup(undefined, 3);
    try {
      const subscribed = external.subscribed("lorastack-ps1", "lorastack/app1/down/push");
      await putPubSub(s.app, "ps1", mqttPubSub(port, "lorastack-ps1"));
      await subscribed;
      let integrator = await reader(port, "lorastack/#");
      await s.pubsubs.sink.handle(up("dev1", 1));
      assert.equal((await integrator.next()).topic, "lorastack/app1/up");
      await integrator.client.endAsync(true);

      const connection = s.pubsubs.integrations.get({ applicationId: "app1", pubSubId: "ps1" });
      assert.ok(connection);
      const closed = once(external.broker, "clientDisconnect");
      await external.stop();
      await closed;
      while (connection.state === "connected")
        await new Promise((resolve) => setImmediate(resolve));

      // Nothing waits for the broker: each handle returns at once, the oldest beyond 3 is dropped.
      for (let fCnt = 2; fCnt <= 6; fCnt++) await s.pubsubs.sink.handle(up("dev1", fCnt));
      assert.equal(connection.buffered, 3);
      const drops = await s.pubsubs.metrics.drops.get();
      assert.deepEqual(
        drops.values.map((v) => [v.labels.reason, v.value]),
        [["buffer_full", 2]],
      );

      // The broker comes back; the pub/sub's CONNECT is held until the integrator listens.
      external.hold("lorastack-ps1");
      await external.start(port);
      const resubscribed = external.subscribed("lorastack-ps1", "lorastack/app1/down/push");
      integrator = await reader(port, "lorastack/#");
      external.release();
      await resubscribed;
      try {
        for (const fCnt of [4, 5, 6])
          assert.deepEqual(await integrator.next(), {
            topic: "lorastack/app1/up",
            json: uplinkJson("dev1", fCnt),
          });
        await s.pubsubs.sink.handle(up("dev1", 7));
        assert.deepEqual(await integrator.next(), {
          topic: "lorastack/app1/up",
          json: uplinkJson("dev1", 7),
        });
        assert.equal(connection.buffered, 0);
      } finally {
        await integrator.client.endAsync();
      }
    } finally {
      await s.close();
      await external.stop();
    }
  });

  it("restarts a changed pub/sub, stops a deleted one and starts stored ones on start", async () => {
    const external = new ExternalBroker();
    const port = await external.start();
    const s = await setup();
    try {
      let subscribed = external.subscribed("lorastack-ps1", "lorastack/app1/down/push");
      await putPubSub(s.app, "ps1", mqttPubSub(port, "lorastack-ps1"));
      await subscribed;
      const integrator = await reader(port, "#");
      try {
        // A new base topic: the old connection ends, a new one publishes on the new topic.
        const gone = once(external.broker, "clientDisconnect");
        subscribed = external.subscribed("lorastack-ps1", "other/down/push");
        const changed = await putPubSub(s.app, "ps1", { base_topic: "other" });
        assert.equal(changed.statusCode, 200, changed.body);
        await gone;
        await subscribed;
        await s.pubsubs.sink.handle(up("dev1", 1));
        assert.equal((await integrator.next()).topic, "other/up");

        // A second instance of the component on the same database starts it when started.
        const second = external.subscribed("lorastack-ps1", "other/down/push");
        await s.pubsubs.stop();
        const restarted = await setup(s.database);
        try {
          await second;
          await restarted.pubsubs.sink.handle(up("dev1", 2));
          assert.deepEqual(await integrator.next(), {
            topic: "other/up",
            json: uplinkJson("dev1", 2),
          });

          const disconnected = once(external.broker, "clientDisconnect");
          const deleted = await restarted.app.inject({
            method: "DELETE",
            url: "/api/v3/as/pubsub/app1/ps1",
            headers: { authorization: "Bearer admin" },
          });
          assert.equal(deleted.statusCode, 200);
          const [client] = (await disconnected) as [{ id: string }];
          assert.equal(client.id, "lorastack-ps1");
          await restarted.pubsubs.sink.handle(up("dev1", 3));
          assert.equal([...restarted.pubsubs.integrations.ofApplication("app1")].length, 0);
        } finally {
          await restarted.close();
        }
      } finally {
        await integrator.client.endAsync();
      }
    } finally {
      await s.close();
      await external.stop();
    }
  });
});

describe("pub/subs of two instances", () => {
  it("runs each pub/sub's connection on one instance; the other forwards, follows changes and takes over", async () => {
    const external = new ExternalBroker();
    const port = await external.start();
    const database = await openDatabase({
      engine: "sqlite",
      file: join(folder, `${++counter}.db`),
    });
    await migrateToLatest(database.db, database.engine);
    // One cluster: a claims table and a PubSub shared by both instances.
    const table: ClaimTable = new Map();
    const pubsub = new InProcessPubSub();
    const instance = (instanceId: string) =>
      setup(database, 1000, {
        claims: new InProcessClaims({ instanceId, address: `${instanceId}:1884` }, table),
        pubsub,
        instanceId,
        claimTtlMs: 300,
      });
    const a = await instance("a");
    const b = await instance("b");
    let bStopped = false;
    const connected = new Set<string>();
    external.broker.on("client", (client) => connected.add(client.id));
    try {
      const subscribed = external.subscribed("lorastack-ps1", "lorastack/app1/down/push");
      assert.equal(
        (await putPubSub(a.app, "ps1", mqttPubSub(port, "lorastack-ps1"))).statusCode,
        200,
      );
      await subscribed;
      // The instance that was told holds it; the other knows it without a connection.
      await new Promise((resolve) => setTimeout(resolve, 400));
      assert.ok(a.pubsubs.integrations.get({ applicationId: "app1", pubSubId: "ps1" }));
      assert.equal(
        b.pubsubs.integrations.get({ applicationId: "app1", pubSubId: "ps1" }),
        undefined,
      );
      assert.equal([...b.pubsubs.integrations.ofApplication("app1")].length, 1);
      assert.equal(external.broker.connectedClients, 1, "one connection to the broker");

      const integrator = await reader(port, "lorastack/#");
      try {
        // Handled on either instance, published once by the holder.
        await a.pubsubs.sink.handle(up("dev1", 1));
        await b.pubsubs.sink.handle(up("dev1", 2));
        const got = [await integrator.next(), await integrator.next()].map(
          (message) => (message.json as { uplink_message: { f_cnt: number } }).uplink_message.f_cnt,
        );
        assert.deepEqual(got.sort(), [1, 2]);

        // A downlink from the broker is queued once, not once per instance.
        await integrator.client.publishAsync(
          "lorastack/app1/down/push",
          JSON.stringify({
            end_device_ids: { application_ids: { application_id: "app1" }, device_id: "dev1" },
            downlinks: [{ f_port: 2, frm_payload: "AQI=" }],
          }),
          { qos: 1 },
        );
        await a.queue.calledTimes(1);
        await new Promise((resolve) => setTimeout(resolve, 200));
        assert.equal(a.queue.calls.length + b.queue.calls.length, 1);

        // Changed through B: the holder restarts it with the new settings.
        const resubscribed = external.subscribed("lorastack-ps1", "lorastack/app1/down/push");
        const changed = await putPubSub(
          b.app,
          "ps1",
          { base_topic: "lorastack/app1" },
          "Bearer admin",
          ["base_topic"],
        );
        assert.equal(changed.statusCode, 200, changed.body);
        await resubscribed;

        // The holder stops: B takes the pub/sub over once A's claim expired.
        const takenOver = external.subscribed("lorastack-ps1", "lorastack/app1/down/push");
        await a.close();
        await takenOver;
        assert.ok(b.pubsubs.integrations.get({ applicationId: "app1", pubSubId: "ps1" }));
        await b.pubsubs.sink.handle(up("dev1", 3));
        let third = await integrator.next();
        // The integrator also reads the downlink it published on the base topic.
        while (third.topic !== "lorastack/app1/up") third = await integrator.next();
        assert.equal((third.json as { uplink_message: { f_cnt: number } }).uplink_message.f_cnt, 3);

        // Deleted through B: nothing runs or is known any more.
        await b.app.inject({
          method: "DELETE",
          url: "/api/v3/as/pubsub/app1/ps1",
          headers: { authorization: "Bearer admin" },
        });
        assert.equal([...b.pubsubs.integrations.ofApplication("app1")].length, 0);
        await b.close();
        bStopped = true;
        assert.equal(
          table.size === 0 || [...table.values()].every((e) => e.expiresAt < Date.now()),
          true,
        );
      } finally {
        await integrator.client.endAsync();
      }
    } finally {
      await a.close().catch(() => {});
      if (!bStopped) await b.close();
      await pubsub.close();
      await database.close();
      await external.stop();
      assert.ok(connected.size >= 1);
    }
  });
});
