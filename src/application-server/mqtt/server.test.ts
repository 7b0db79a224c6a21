import assert from "node:assert/strict";
import { once } from "node:events";
import { connect as connectTcp, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { pino } from "pino";
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
import { type ApplicationMqttServer, createApplicationMqttServer } from "./server.ts";
import { mqttSink } from "./sink.ts";

const read: RightName = "RIGHT_APPLICATION_TRAFFIC_READ";
const write: RightName = "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE";

const app1Key = "NNSXS.APP1KEYAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.SECRET1";
const app2Key = "NNSXS.APP2KEYAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.SECRET2";
const infoKey = "NNSXS.INFOKEYAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.SECRET3";
const writeOnlyKey = "NNSXS.WRITEKEYAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.SECRET4";
const revocableKey = "NNSXS.REVOKEKEYAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.SECRET5";

/** Rights of each key per application, as the Identity Server would answer (mutable). */
const keyRights = new Map<string, Record<string, RightName[]>>([
  [app1Key, { app1: [read, write, "RIGHT_APPLICATION_INFO"] }],
  [app2Key, { app2: [read, write] }],
  [infoKey, { app1: ["RIGHT_APPLICATION_INFO"] }],
  [writeOnlyKey, { app1: [write] }],
  [revocableKey, { app1: [read] }],
]);

const rights: RightsFetcher = {
  authInfo: () => Promise.reject(new Error("not used")),
  async rightsOn(authorization, entity) {
    const byApp = keyRights.get(authorization.replace(/^Bearer /, ""));
    if (!byApp) throw errUnknownToken.create();
    return new Set(byApp[entity.id] ?? []);
  },
};

/** A downlink queue that records what it is given. */
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
  /** Resolves once `count` calls were recorded. */
  async calledTimes(count: number): Promise<void> {
    while (this.calls.length < count) await new Promise<void>((r) => this.#waiters.push(r));
  }
  #record(op: string, ids: EndDeviceIdentifiers, downlinks: ApplicationDownlink[]) {
    this.calls.push({ op, ids, downlinks });
    for (const wake of this.#waiters.splice(0)) wake();
  }
}

const queue = new FakeQueue();
const logger = pino({ level: process.env.LOG_LEVEL ?? "silent" });
const registry = new ListenerRegistry({ logger, closeTimeoutMs: 1000 });
let server: ApplicationMqttServer;
/** The sink the Application Server hands messages to, as wired in production. */
const sink = mqttSink({ publish: (up) => server.publish(up) });
let port: number;
const opened: MqttClient[] = [];

before(async () => {
  server = createApplicationMqttServer({
    rights,
    downlinks: queue,
    listen: new ScopedListeners(registry, "as", logger),
    address: "127.0.0.1:0",
    logger,
    rightsCheckIntervalMs: 50,
  });
  const [bound] = await server.start();
  port = Number(bound?.address.split(":").pop());
});

after(async () => {
  for (const client of opened) client.end(true);
  await server.stop();
});

/** A connected MQTT.js client (3.1.1 unless told). */
async function client(username: string, password: string, options: IClientOptions = {}) {
  const c = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
    username,
    password,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ...options,
  });
  opened.push(c);
  await next(c, "connect");
  return c;
}

/** The CONNACK error of a refused connection. */
async function refusal(username: string, password: string, options: IClientOptions = {}) {
  const c = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
    username,
    password,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ...options,
  });
  opened.push(c);
  const [error] = (await next(c, "error")) as [Error & { code?: number }];
  return error;
}

/** The arguments of a client's next `event`. */
function next(c: MqttClient, event: "connect" | "error" | "message" | "close"): Promise<unknown[]> {
  return new Promise((resolve) => c.once(event, (...args: unknown[]) => resolve(args)));
}

/** The next message a client receives. */
async function nextMessage(c: MqttClient) {
  const [topic, payload] = (await next(c, "message")) as [string, Buffer];
  return { topic, json: JSON.parse(payload.toString()) as Record<string, unknown> };
}

function uplink(applicationId: string, deviceId: string, fCnt: number): ApplicationUp {
  return create(ApplicationUpSchema, {
    endDeviceIds: {
      deviceId,
      applicationIds: { applicationId },
      devEui: Buffer.from("70b3d57ed0000001", "hex"),
    },
    correlationIds: ["as:up:01TEST"],
    receivedAt: { seconds: 1_700_000_000n, nanos: 0 },
    up: {
      case: "uplinkMessage",
      value: {
        fPort: 2,
        fCnt,
        frmPayload: Buffer.from([1, 2, 3]),
        sessionKeyId: Buffer.from([0x11]),
      },
    },
  });
}

/** The QoS granted to a subscription, 128 when refused. */
async function subscribe(c: MqttClient, topic: string, qos: 0 | 1 = 0) {
  try {
    const granted = await c.subscribeAsync(topic, { qos });
    return granted[0]?.qos;
  } catch (error) {
    const packet = (error as { packet?: { granted?: number[] } }).packet;
    if (!packet?.granted) throw error;
    return packet.granted[0];
  }
}

describe("application MQTT server", () => {
  it("delivers an uplink on TTS's topic with TTS's JSON", { timeout: 10_000 }, async () => {
    const c = await client("app1@ttn", app1Key);
    assert.equal(await subscribe(c, "v3/app1@ttn/devices/+/up"), 0);
    const message = nextMessage(c);
    await sink.handle(uplink("app1", "dev1", 7));
    const { topic, json } = await message;
    assert.equal(topic, "v3/app1@ttn/devices/dev1/up");
    assert.deepEqual(json.end_device_ids, {
      device_id: "dev1",
      application_ids: { application_id: "app1" },
      dev_eui: "70B3D57ED0000001",
    });
    assert.deepEqual(json.correlation_ids, ["as:up:01TEST"]);
    assert.equal(json.received_at, "2023-11-14T22:13:20Z");
    const up = json.uplink_message as Record<string, unknown>;
    assert.equal(up.f_port, 2);
    assert.equal(up.f_cnt, 7);
    assert.equal(up.frm_payload, "AQID");
    assert.equal(up.session_key_id, "EQ==");
    c.end();
  });

  it("uses the topic form of the username: without a tenant as TTS Open Source", {
    timeout: 10_000,
  }, async () => {
    const c = await client("app1", app1Key);
    assert.equal(await subscribe(c, "#"), 0);
    const message = nextMessage(c);
    await sink.handle(uplink("app1", "dev2", 1));
    assert.equal((await message).topic, "v3/app1/devices/dev2/up");
    c.end();
  });

  it("publishes each kind of message on its topic", { timeout: 10_000 }, async () => {
    const c = await client("app1@ttn", app1Key);
    await subscribe(c, "v3/app1@ttn/#", 1);
    const kinds: [MessageInitShape<typeof ApplicationUpSchema>["up"], string][] = [
      [{ case: "joinAccept", value: {} }, "join"],
      [{ case: "downlinkQueued", value: {} }, "down/queued"],
      [{ case: "downlinkSent", value: {} }, "down/sent"],
      [{ case: "downlinkAck", value: {} }, "down/ack"],
      [{ case: "downlinkNack", value: {} }, "down/nack"],
      [{ case: "downlinkFailed", value: {} }, "down/failed"],
      [{ case: "downlinkQueueInvalidated", value: {} }, "down/invalidated"],
      [{ case: "serviceData", value: {} }, "service/data"],
      [{ case: "locationSolved", value: {} }, "location/solved"],
    ];
    for (const [up, suffix] of kinds) {
      const message = nextMessage(c);
      const endDeviceIds = { deviceId: "dev3", applicationIds: { applicationId: "app1" } };
      await sink.handle(create(ApplicationUpSchema, { endDeviceIds, up }));
      assert.equal((await message).topic, `v3/app1@ttn/devices/dev3/${suffix}`);
    }
    c.end();
  });

  it("refuses bad keys, keys without traffic rights and other tenants", {
    timeout: 10_000,
  }, async () => {
    const badKey = await refusal("app1@ttn", "NNSXS.UNKNOWNAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.NOPE");
    assert.equal(badKey.code, 4);
    assert.equal((await refusal("app1@ttn", "")).code, 4);
    assert.equal((await refusal("app1@ttn", infoKey)).code, 5);
    assert.equal((await refusal("app1@ttn", app2Key)).code, 5);
    assert.equal((await refusal("app1@other", app1Key)).code, 4);
    assert.equal((await refusal("Not An ID", app1Key)).code, 4);
  });

  it("shows a client only its own application, whatever it subscribes to", {
    timeout: 10_000,
  }, async () => {
    const a = await client("app1@ttn", app1Key);
    const b = await client("app2@ttn", app2Key);
    assert.equal(await subscribe(a, "v3/app2@ttn/#"), 128);
    assert.equal(await subscribe(a, "+/+/devices/+/up"), 128);
    assert.equal(await subscribe(a, "#"), 0);
    assert.equal(await subscribe(a, "v3/+/devices/+/up"), 0);
    assert.equal(await subscribe(b, "#"), 0);
    const seenByA: string[] = [];
    const seenByB: string[] = [];
    a.on("message", (topic) => seenByA.push(topic));
    b.on("message", (topic) => seenByB.push(topic));
    const lastOfA = nextMessage(a);
    const lastOfB = nextMessage(b);
    await sink.handle(uplink("app2", "other", 1));
    await sink.handle(uplink("app1", "mine", 1));
    await lastOfB;
    await lastOfA;
    // Messages of one topic arrive in order: app2's came first to whoever could see it.
    await subscribe(a, "v3/app1@ttn/devices/mine/join");
    assert.ok(
      seenByA.every((topic) => topic.startsWith("v3/app1@ttn/")),
      seenByA.join(),
    );
    assert.ok(seenByA.includes("v3/app1@ttn/devices/mine/up"));
    assert.deepEqual(seenByB, ["v3/app2@ttn/devices/other/up"]);
    a.end();
    b.end();
  });

  it("hands down/push and down/replace to the queue, with TTS's JSON", {
    timeout: 10_000,
  }, async () => {
    const c = await client("app1@ttn", app1Key);
    const before = queue.calls.length;
    await c.publishAsync(
      "v3/app1@ttn/devices/dev1/down/push",
      JSON.stringify({
        downlinks: [
          { f_port: 15, frm_payload: "AQID", confirmed: true, priority: "HIGH" },
          { f_port: 16, decoded_payload: { led: "on" } },
        ],
      }),
      { qos: 1 },
    );
    await c.publishAsync(
      "v3/app1@ttn/devices/dev1/down/replace",
      JSON.stringify({ downlinks: [] }),
    );
    await queue.calledTimes(before + 2);
    const [push, replace] = queue.calls.slice(before);
    assert.equal(push?.op, "push");
    assert.equal(push?.ids.deviceId, "dev1");
    assert.equal(push?.ids.applicationIds?.applicationId, "app1");
    assert.equal(push?.downlinks.length, 2);
    assert.equal(push?.downlinks[0]?.fPort, 15);
    assert.deepEqual([...(push?.downlinks[0]?.frmPayload ?? [])], [1, 2, 3]);
    assert.equal(push?.downlinks[0]?.confirmed, true);
    assert.equal(push?.downlinks[0]?.priority, 5);
    assert.deepEqual(push?.downlinks[1]?.decodedPayload, { led: "on" });
    assert.equal(replace?.op, "replace");
    assert.deepEqual(replace?.downlinks, []);
    c.end();
  });

  it("drops what a client may not publish, without closing it or echoing it", {
    timeout: 10_000,
  }, async () => {
    const writer = await client("app1@ttn", app1Key);
    const reader = await client("app1@ttn", app1Key);
    await subscribe(reader, "#");
    const seen: string[] = [];
    reader.on("message", (topic) => seen.push(topic));
    const before = queue.calls.length;
    // A fake uplink, another application's queue, a malformed body, a bad device ID.
    await writer.publishAsync("v3/app1@ttn/devices/dev1/up", "{}", { qos: 1 });
    await writer.publishAsync("v3/app2@ttn/devices/dev1/down/push", '{"downlinks":[]}', { qos: 1 });
    await writer.publishAsync("v3/app1@ttn/devices/dev1/down/push", "not json", { qos: 1 });
    await writer.publishAsync("v3/app1@ttn/devices/dev1/down/push", '{"downlinks":7}', { qos: 1 });
    await writer.publishAsync("v3/app1@ttn/devices/Bad_ID/down/push", '{"downlinks":[]}', {
      qos: 1,
    });
    await writer.publishAsync("v3/app1@ttn/devices/dev1/down/push", '{"downlinks":[]}', { qos: 1 });
    await queue.calledTimes(before + 1);
    assert.equal(queue.calls.length, before + 1);
    assert.equal(queue.calls.at(-1)?.ids.deviceId, "dev1");
    // The reader still works and has seen nothing of the writer's publications.
    const message = nextMessage(reader);
    await sink.handle(uplink("app1", "dev9", 1));
    assert.equal((await message).topic, "v3/app1@ttn/devices/dev9/up");
    assert.deepEqual(seen, ["v3/app1@ttn/devices/dev9/up"]);
    assert.equal(writer.connected, true);
    writer.end();
    reader.end();
  });

  it("lets a key with only the downlink right push but not subscribe", {
    timeout: 10_000,
  }, async () => {
    const c = await client("app1@ttn", writeOnlyKey);
    assert.equal(await subscribe(c, "#"), 128);
    const before = queue.calls.length;
    await c.publishAsync("v3/app1@ttn/devices/dev5/down/push", '{"downlinks":[]}', { qos: 1 });
    await queue.calledTimes(before + 1);
    c.end();
  });

  it("speaks MQTT 3.1", { timeout: 10_000 }, async () => {
    const c = await client("app1@ttn", app1Key, { protocolVersion: 3, protocolId: "MQIsdp" });
    await subscribe(c, "#");
    const message = nextMessage(c);
    await sink.handle(uplink("app1", "dev1", 2));
    assert.equal((await message).topic, "v3/app1@ttn/devices/dev1/up");
    c.end();
  });

  it("refuses MQTT 5 with 'unacceptable protocol version' and closes", {
    timeout: 10_000,
  }, async () => {
    const error = await refusal("app1@ttn", app1Key, { protocolVersion: 5 });
    assert.match(error.message, /protocol version/i);
    // The same on the wire: CONNACK return code 1, then the connection closes.
    const socket = await rawSocket();
    const answer = collect(socket);
    socket.write(mqtt5Connect());
    await once(socket, "close");
    assert.deepEqual([...(await answer)], [0x20, 0x02, 0x00, 0x01]);
  });

  it("closes a connection that sends garbage", { timeout: 10_000 }, async () => {
    const socket = await rawSocket();
    socket.write(Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    await once(socket, "close");
    const other = await rawSocket();
    other.write(Buffer.from([0x00, 0xff, 0xff, 0xff, 0xff, 0xff]));
    await once(other, "close");
  });

  it("disconnects a client whose key loses its rights", { timeout: 10_000 }, async () => {
    const c = await client("app1@ttn", revocableKey);
    keyRights.delete(revocableKey);
    await next(c, "close");
    assert.equal(await refusal("app1@ttn", revocableKey).then((e) => e.code), 4);
  });
});

async function rawSocket(): Promise<Socket> {
  const socket = connectTcp(port, "127.0.0.1");
  await once(socket, "connect");
  socket.on("error", () => {});
  return socket;
}

async function collect(socket: Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  await once(socket, "close");
  return Buffer.concat(chunks);
}

/** An MQTT 5 CONNECT: protocol "MQTT", level 5, no properties, client ID "x". */
function mqtt5Connect(): Buffer {
  const variable = [0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x05, 0x02, 0x00, 0x3c, 0x00];
  const payload = [0x00, 0x01, 0x78];
  return Buffer.from([0x10, variable.length + payload.length, ...variable, ...payload]);
}
