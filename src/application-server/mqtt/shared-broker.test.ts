/**
 * Two application MQTT servers sharing one real Redis, as two instances do: a message
 * published on one reaches the clients of both exactly once; a persistent QoS 1 session left
 * on one is resumed on the other with what was queued meanwhile (and only that); downlinks a
 * client publishes go to the queue of the instance it is connected to, once; a session's
 * queue is capped; stopping closes every connection. The prefixing emitter removes exactly the
 * subscription asked.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { Redis } from "ioredis";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { pino } from "pino";
import { redisSkipReason, startRedis, type TestRedis } from "../../../test/harness/redis.ts";
import { until } from "../../../test/harness/until.ts";
import { errUnknownToken } from "../../auth/errors.ts";
import type { RightName } from "../../auth/rights/index.ts";
import type { RightsFetcher } from "../../auth/rights-fetcher.ts";
import type { EndDeviceIdentifiers } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import {
  type ApplicationDownlink,
  type ApplicationUp,
  ApplicationUpSchema,
} from "../../gen/ttn/lorawan/v3/messages_pb.js";
import { ListenerRegistry } from "../../listeners/registry.ts";
import { ScopedListeners } from "../../listeners/scoped-listeners.ts";
import type { ApplicationDownlinkQueue } from "../downlink-queue.ts";
import {
  type BrokerEmitter,
  type EmittedMessage,
  type EmitterListener,
  PrefixedEmitter,
  redisBrokerState,
} from "./broker-state.ts";
import { type ApplicationMqttServer, createApplicationMqttServer } from "./server.ts";

const logger = pino({ level: process.env.LOG_LEVEL ?? "silent" });
const key = "NNSXS.APP1KEYAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.SECRET1";
const granted: RightName[] = [
  "RIGHT_APPLICATION_TRAFFIC_READ",
  "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE",
];
const rights: RightsFetcher = {
  authInfo: () => Promise.reject(new Error("not used")),
  async rightsOn(authorization, entity) {
    if (authorization !== `Bearer ${key}` || entity.id !== "app1") throw errUnknownToken.create();
    return new Set(granted);
  },
};

/** A downlink queue that records what it is given. */
class RecordingQueue implements ApplicationDownlinkQueue {
  readonly calls: { op: string; ids: EndDeviceIdentifiers; downlinks: ApplicationDownlink[] }[] =
    [];
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

function uplink(fCnt: number, deviceId = "dev1"): ApplicationUp {
  return create(ApplicationUpSchema, {
    endDeviceIds: { deviceId, applicationIds: { applicationId: "app1" } },
    up: { case: "uplinkMessage", value: { fPort: 1, fCnt, frmPayload: Uint8Array.of(fCnt) } },
  });
}

interface Instance {
  server: ApplicationMqttServer;
  queue: RecordingQueue;
  port: number;
}

const skip = await redisSkipReason();

describe("application MQTT servers sharing Redis", { skip }, () => {
  let redis: TestRedis;
  let a: Instance;
  let b: Instance;
  const clients: MqttClient[] = [];
  const maxSessionMessages = 5;

  async function instance(name: string, sessionMessageTtlMs = 60_000): Promise<Instance> {
    const queue = new RecordingQueue();
    const server = createApplicationMqttServer({
      rights,
      downlinks: queue,
      listen: new ScopedListeners(
        new ListenerRegistry({ logger, closeTimeoutMs: 1000 }),
        "as",
        logger,
      ),
      address: "127.0.0.1:0",
      logger,
      rightsCheckIntervalMs: 0,
      state: redisBrokerState({
        uri: redis.uri,
        instanceId: name,
        sessionMessageTtlMs,
        maxSessionMessages,
        logger,
      }),
    });
    const [bound] = await server.start();
    return { server, queue, port: Number(bound?.address.split(":").pop()) };
  }

  /** A connected client and every message it gets. */
  async function connect(on: Instance, options: IClientOptions = {}) {
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${on.port}`, {
      username: "app1",
      password: key,
      reconnectPeriod: 0,
      ...options,
    });
    clients.push(client);
    const messages: { topic: string; fCnt: number; qos: number }[] = [];
    client.on("message", (topic, payload, packet) => {
      const json = JSON.parse(payload.toString("utf8"));
      messages.push({ topic, fCnt: json.uplink_message?.f_cnt ?? 0, qos: packet.qos });
    });
    return { client, messages };
  }

  before(async () => {
    redis = await startRedis();
    a = await instance("a");
    b = await instance("b");
  });
  after(async () => {
    for (const client of clients) client.end(true);
    await a?.server.stop();
    await b?.server.stop();
    await redis?.stop();
  });

  it("delivers what one instance publishes to the clients of both, once each", async () => {
    const onA = await connect(a);
    const onB = await connect(b);
    // Overlapping filters on one instance: Redis hands the instance a message once per
    // pattern that matches; each client still gets it once.
    const onB2 = await connect(b);
    const tenant = await connect(b, { username: "app1@ttn" });
    await onA.client.subscribeAsync("v3/app1/devices/+/up", { qos: 1 });
    await onB.client.subscribeAsync("#", { qos: 0 });
    await tenant.client.subscribeAsync("v3/+/devices/dev1/up", { qos: 1 });
    await onB2.client.subscribeAsync("v3/app1/devices/dev1/up", { qos: 1 });
    for (let fCnt = 1; fCnt <= 20; fCnt++) await a.server.publish(uplink(fCnt));
    for (let fCnt = 21; fCnt <= 30; fCnt++) await b.server.publish(uplink(fCnt));
    const expected = Array.from({ length: 30 }, (_, i) => i + 1);
    for (const { messages } of [onA, onB, onB2, tenant])
      await until(async () => messages.length >= 30 || undefined, { timeoutMs: 5000 });
    // Room for a duplicate to arrive late.
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const [who, { messages }] of [
      ["A", onA],
      ["B", onB],
      ["B (second)", onB2],
      ["B (app1@ttn)", tenant],
    ] as const) {
      const counts = messages.map((m) => m.fCnt).sort((x, y) => x - y);
      assert.deepEqual(counts, expected, `client on ${who} gets each uplink once`);
    }
    assert.ok(onA.messages.every((m) => m.topic.startsWith("v3/app1/devices/dev1/")));
    assert.ok(tenant.messages.every((m) => m.topic === "v3/app1@ttn/devices/dev1/up"));
    assert.deepEqual(new Set(onA.messages.map((m) => m.qos)), new Set([1]), "QoS 1 granted");
    assert.deepEqual(new Set(onB.messages.map((m) => m.qos)), new Set([0]), "QoS 0 kept");
    for (const { client } of [onA, onB, onB2, tenant]) await client.endAsync();
  });

  it("resumes a persistent QoS 1 session on the other instance with what was queued", async () => {
    const options = { clientId: "integration-1", clean: false };
    const first = await connect(a, options);
    await first.client.subscribeAsync("v3/app1/devices/+/up", { qos: 1 });
    await a.server.publish(uplink(100));
    await until(async () => first.messages.length === 1 || undefined, { timeoutMs: 5000 });
    await first.client.endAsync();

    // Away: published through both instances.
    await a.server.publish(uplink(101));
    await b.server.publish(uplink(102));
    await a.server.publish(uplink(103));

    const resumed = await connect(b, options);
    assert.equal(resumed.client.connected, true);
    await until(async () => resumed.messages.length >= 3 || undefined, { timeoutMs: 5000 });
    await b.server.publish(uplink(104));
    await until(async () => resumed.messages.length >= 4 || undefined, { timeoutMs: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(
      resumed.messages.map((m) => m.fCnt),
      [101, 102, 103, 104],
      "what was queued, in order, then live; nothing acknowledged before comes again",
    );
    await resumed.client.endAsync();

    // Acknowledged messages left no queue behind.
    const db = new Redis(redis.uri);
    try {
      assert.equal(await db.llen("lorastack:mqtt:outgoing:app1%2Fintegration-1"), 0);
    } finally {
      db.disconnect();
    }
  });

  it("keeps the newest messages of a session that stays away, up to the cap", async () => {
    const options = { clientId: "integration-2", clean: false };
    const first = await connect(b, options);
    await first.client.subscribeAsync("v3/app1/devices/+/up", { qos: 1 });
    await first.client.endAsync();
    for (let fCnt = 200; fCnt < 200 + maxSessionMessages + 3; fCnt++)
      await a.server.publish(uplink(fCnt));
    const resumed = await connect(a, options);
    await until(async () => resumed.messages.length >= maxSessionMessages || undefined, {
      timeoutMs: 5000,
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(
      resumed.messages.map((m) => m.fCnt),
      Array.from({ length: maxSessionMessages }, (_, i) => 203 + i),
    );
    // Unsubscribed (clean session): nothing more is queued for it.
    await resumed.client.endAsync();
    const clean = await connect(a, { clientId: "integration-2", clean: true });
    await clean.client.endAsync();
    await a.server.publish(uplink(300));
    const db = new Redis(redis.uri);
    try {
      assert.equal(await db.llen("lorastack:mqtt:outgoing:app1%2Fintegration-2"), 0);
      const keys = await db.keys("*");
      assert.ok(keys.length > 0);
      assert.deepEqual(
        keys.filter((name) => !name.startsWith("lorastack:mqtt:")),
        [],
        "every key under the prefix",
      );
    } finally {
      db.disconnect();
    }
  });

  it("queues a downlink published on one instance once, on that instance", async () => {
    const onB = await connect(b);
    await onB.client.publishAsync(
      "v3/app1/devices/dev1/down/push",
      JSON.stringify({ downlinks: [{ f_port: 3, frm_payload: "AQI=" }] }),
      { qos: 1 },
    );
    await until(async () => b.queue.calls.length >= 1 || undefined, { timeoutMs: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(b.queue.calls.length, 1);
    assert.equal(a.queue.calls.length, 0);
    assert.equal(b.queue.calls[0]?.downlinks[0]?.fPort, 3);
    await onB.client.endAsync();
  });

  it("takes over a client ID connected to the other instance", async () => {
    const first = await connect(a, { clientId: "twin" });
    const closed = new Promise<void>((resolve) => first.client.once("close", () => resolve()));
    const second = await connect(b, { clientId: "twin" });
    await closed;
    assert.equal(second.client.connected, true);
    await until(async () => a.server.connectedClients === 0 || undefined, { timeoutMs: 5000 });
    await second.client.endAsync();
  });

  it("survives a Redis restart: clients stay, and what is published afterwards arrives", async () => {
    const onA = await connect(a);
    const onB = await connect(b);
    await onA.client.subscribeAsync("v3/app1/devices/+/up", { qos: 1 });
    await onB.client.subscribeAsync("v3/app1/devices/+/up", { qos: 1 });
    await redis.halt();
    // Publishing while Redis is away fails (the Network Server retries), and nothing crashes.
    const during = a.server.publish(uplink(400)).then(
      () => "published",
      () => "failed",
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    await redis.resume();
    await during;
    // The subscriptions come back with the connections; the clients never left.
    await until(
      async () => {
        await a.server.publish(uplink(401));
        return onA.messages.some((m) => m.fCnt === 401) && onB.messages.some((m) => m.fCnt === 401)
          ? true
          : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 300 },
    );
    assert.equal(onA.client.connected && onB.client.connected, true);
    await onA.client.endAsync();
    await onB.client.endAsync();
  });

  it("ends a persistent session that stays away longer than its time to live, not a connected one", async () => {
    const short = await instance("short-ttl", 500);
    const db = new Redis(redis.uri);
    try {
      const away = await connect(short, { clientId: "gone", clean: false });
      await away.client.subscribeAsync("v3/app1/devices/+/up", { qos: 1 });
      const present = await connect(short, { clientId: "present", clean: false });
      await present.client.subscribeAsync("v3/app1/devices/+/up", { qos: 1 });
      await away.client.endAsync();
      const sessions = () => db.smembers("lorastack:mqtt:clients");
      assert.deepEqual((await sessions()).filter((id) => id.endsWith("/gone")).length, 1);
      await until(async () => ((await sessions()).includes("app1/gone") ? undefined : true), {
        timeoutMs: 5000,
        what: "the session away to end",
      });
      assert.equal(await db.exists("lorastack:mqtt:client:app1%2Fgone"), 0);
      assert.ok((await sessions()).includes("app1/present"), "a connected session stays");
      // Nothing is queued for the ended session any more.
      await short.server.publish(uplink(500));
      assert.equal(await db.llen("lorastack:mqtt:outgoing:app1%2Fgone"), 0);
      await present.client.endAsync();
    } finally {
      db.disconnect();
      await short.server.stop();
    }
  });

  it("closes its Redis connections when it stops", async () => {
    const c = await instance("c");
    const db = new Redis(redis.uri);
    try {
      const named = async () =>
        String(await db.call("CLIENT", "LIST"))
          .split("\n")
          .filter((line) => line.includes("name=lorastack-c.mqtt-"));
      assert.ok((await named()).length >= 2);
      await c.server.stop();
      await until(async () => ((await named()).length === 0 ? true : undefined), {
        timeoutMs: 5000,
      });
    } finally {
      db.disconnect();
    }
  });
});

/** An emitter of exact topics (no wildcards), enough to see what the prefixing one does. */
class ExactEmitter implements BrokerEmitter {
  readonly listeners = new Map<string, Set<EmitterListener>>();
  on(topic: string, listener: EmitterListener, done?: () => void) {
    const set = this.listeners.get(topic) ?? new Set();
    set.add(listener);
    this.listeners.set(topic, set);
    done?.();
  }
  removeListener(topic: string, listener: EmitterListener, done?: () => void) {
    this.listeners.get(topic)?.delete(listener);
    done?.();
  }
  emit(message: EmittedMessage, done?: () => void) {
    for (const listener of this.listeners.get(message.topic) ?? []) listener(message, () => {});
    done?.();
  }
  close(done: () => void) {
    done();
  }
}

describe("PrefixedEmitter", () => {
  it("adds the prefix on the way out, removes it on the way in, and removes one subscription", async () => {
    const inner = new ExactEmitter();
    const emitter = new PrefixedEmitter(inner, "p:");
    const got: string[] = [];
    // One listener for two topics, as aedes subscribes a client's deliver function.
    const listener = (message: EmittedMessage, done: () => void) => {
      got.push(message.topic);
      done();
    };
    const seen: string[] = [];
    inner.on("p:a", (message, done) => {
      seen.push(message.topic);
      done();
    });
    emitter.on("a", listener);
    emitter.on("b", listener);
    const emit = (topic: string) =>
      new Promise<void>((resolve) => emitter.emit({ topic }, () => resolve()));
    await emit("a");
    await emit("b");
    await new Promise<void>((resolve) => emitter.removeListener("a", listener, resolve));
    await emit("a");
    await emit("b");
    assert.deepEqual(got, ["a", "b", "b"]);
    assert.deepEqual(seen, ["p:a", "p:a"], "the inner emitter sees the prefixed topics");
    assert.equal(inner.listeners.get("p:b")?.size, 1, "the other subscription stays");
  });
});
