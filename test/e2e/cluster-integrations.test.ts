/**
 * Two instances (`lorastack start`, every component) on one PostgreSQL and one Redis, a
 * simulated Semtech UDP gateway connected to instance A only, so that A handles every uplink:
 * an MQTT client on B gets each of them exactly once; a persistent QoS 1 session left on A is
 * resumed on B with what was queued while it was away; a downlink pushed by an MQTT client on B
 * is queued once; a webhook receiver gets one delivery per uplink, not one per instance; an
 * events stream on B sees A's uplink events; an ABP device created, changed and deleted through
 * B is used (or no longer used) by A's uplink path at once.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { Redis } from "ioredis";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { describeBackend } from "../../src/cluster/conformance/fixture.ts";
import { UdpGateway } from "../../src/simulator/gateways/udp-gateway.ts";
import { freePort } from "../harness/free-port.ts";
import { initialize } from "../harness/identity-admin.ts";
import { type LorastackProcess, startLorastack } from "../harness/lorastack-process.ts";
import { postgresSkipReason, startPostgres, type TestPostgres } from "../harness/postgres.ts";
import { redisSkipReason, startRedis, type TestRedis } from "../harness/redis.ts";
import { type Json, restOk } from "../harness/rest-client.ts";
import { until } from "../harness/until.ts";
import { VirtualDevice } from "../harness/virtual-device.ts";
import { openStream } from "./events-client.ts";

const gatewayEui = "AA555A0000001701";
const hex = (text: string) => new Uint8Array(Buffer.from(text, "hex"));
const sf7 = { spreadingFactor: 7, bandwidth: 125_000, codingRate: "4/5" };
/** Time for a duplicate to show up before "exactly once" is concluded. */
const quietMs = 1500;
const numerically = (x: number, y: number) => x - y;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const skip = postgresSkipReason() ?? (await redisSkipReason());

/** An ABP device of LoRaWAN 1.0.3: its registration and the radio side that sends frames. */
interface AbpDevice {
  id: string;
  devEui: string;
  devAddr: string;
  nwkSKey: string;
  appSKey: string;
  radio: VirtualDevice;
}

function abpDevice(id: string, devEui: string, devAddr: string, seed: string): AbpDevice {
  const nwkSKey = `${seed}1`.repeat(16).slice(0, 32);
  const appSKey = `${seed}2`.repeat(16).slice(0, 32);
  const radio = new VirtualDevice({
    joinEui: new Uint8Array(8),
    devEui: hex(devEui),
    appKey: new Uint8Array(16),
    version: "1.0",
  });
  radio.useSession({
    devAddr: hex(devAddr),
    fNwkSIntKey: hex(nwkSKey),
    sNwkSIntKey: hex(nwkSKey),
    nwkSEncKey: hex(nwkSKey),
    appSKey: hex(appSKey),
  });
  return { id, devEui, devAddr, nwkSKey, appSKey, radio };
}

/** What an MQTT client got: the f_cnt of each uplink, by device. */
interface Integration {
  client: MqttClient;
  uplinks: { deviceId: string; fCnt: number }[];
}

describeBackend("MQTT, webhooks, events and devices across two instances", skip, () => {
  let postgres: TestPostgres;
  let redis: TestRedis;
  let dataDir = "";
  let a: LorastackProcess;
  let b: LorastackProcess;
  let adminKey = "";
  let appKey = "";
  let gateway: UdpGateway;
  let receiver: Server;
  const deliveries: Json[] = [];
  const clients: MqttClient[] = [];
  const dev1 = abpDevice("dev1", "70B3D57ED0001701", "260B1701", "a");

  const api = (stack: LorastackProcess, method: string, path: string, body?: unknown) =>
    restOk(stack.httpUrl, method, path, { key: adminKey, body });

  /** Registers an ABP device in the Identity, Network and Application Servers of `stack`. */
  async function register(stack: LorastackProcess, device: AbpDevice): Promise<void> {
    const ids = {
      device_id: device.id,
      dev_eui: device.devEui,
      application_ids: { application_id: "app1" },
    };
    await api(stack, "POST", "/applications/app1/devices", { end_device: { ids } });
    await putSession(stack, device, true);
  }

  /**
   * Sets the device's ABP session in the Network and Application Servers of `stack` (with its
   * MAC settings when it is `created`).
   */
  async function putSession(
    stack: LorastackProcess,
    device: AbpDevice,
    created = false,
  ): Promise<void> {
    const ids = {
      device_id: device.id,
      dev_eui: device.devEui,
      application_ids: { application_id: "app1" },
    };
    const settings = {
      lorawan_version: "MAC_V1_0_3",
      lorawan_phy_version: "PHY_V1_0_3_REV_A",
      frequency_plan_id: "EU_863_870_TTN",
      supports_join: false,
    };
    await api(stack, "PUT", `/ns/applications/app1/devices/${device.id}`, {
      end_device: {
        ids,
        ...(created ? settings : {}),
        session: { dev_addr: device.devAddr, keys: { f_nwk_s_int_key: { key: device.nwkSKey } } },
      },
      field_mask: {
        paths: [
          ...(created ? Object.keys(settings) : []),
          "session.dev_addr",
          "session.keys.f_nwk_s_int_key.key",
        ],
      },
    });
    await api(stack, "PUT", `/as/applications/app1/devices/${device.id}`, {
      end_device: {
        ids: { device_id: device.id, application_ids: { application_id: "app1" } },
        session: { dev_addr: device.devAddr, keys: { app_s_key: { key: device.appSKey } } },
      },
      field_mask: { paths: ["session.dev_addr", "session.keys.app_s_key.key"] },
    });
  }

  /** The gateway on instance A hears the device's next uplink; returns its FCnt. */
  function send(device: AbpDevice): number {
    const fCnt = device.radio.fCntUp;
    gateway.receive({
      phyPayload: device.radio.uplink({ fPort: 7, payload: Uint8Array.of(fCnt & 0xff) }),
      frequencyHz: 868_100_000,
      rate: sf7,
      endedAt: performance.now(),
      rssi: -60,
      snr: 8,
    });
    return fCnt;
  }

  async function integration(
    stack: LorastackProcess,
    options: IClientOptions = {},
  ): Promise<Integration> {
    const client = await mqtt.connectAsync(`mqtt://${stack.listeners.get("mqtt")}`, {
      username: "app1",
      password: appKey,
      protocolVersion: 4,
      reconnectPeriod: 0,
      ...options,
    });
    clients.push(client);
    const uplinks: Integration["uplinks"] = [];
    client.on("message", (_topic, payload) => {
      const json = JSON.parse(payload.toString("utf8")) as Json;
      if (json.uplink_message)
        uplinks.push({
          deviceId: json.end_device_ids.device_id,
          fCnt: json.uplink_message.f_cnt ?? 0,
        });
    });
    return { client, uplinks };
  }

  const fCntsOf = (uplinks: Integration["uplinks"], deviceId: string) =>
    uplinks.filter((up) => up.deviceId === deviceId).map((up) => up.fCnt);

  before(async () => {
    postgres = await startPostgres();
    redis = await startRedis();
    const databaseUri = await postgres.createDatabase();
    dataDir = await mkdtemp(join(tmpdir(), "lorastack-e2e-cluster-integrations-"));
    const shared = {
      LORASTACK_DATABASE_URI: databaseUri,
      LORASTACK_REDIS_URI: redis.uri,
      // Every instance unwraps the keys the others stored.
      LORASTACK_KEY_VAULT_KEYS: `e2e:${"5a".repeat(16)}`,
      LORASTACK_NS_NET_ID: "000013",
      LORASTACK_NS_DEV_ADDR_PREFIXES: "26000000/7",
    };
    adminKey = await initialize(dataDir, shared);
    const udpPort = await freePort();
    [a, b] = await Promise.all([
      startLorastack({
        env: {
          ...shared,
          LORASTACK_CLUSTER_ID: "e2e-a",
          LORASTACK_UDP_LISTEN: `127.0.0.1:${udpPort}`,
        },
      }),
      startLorastack({ env: { ...shared, LORASTACK_CLUSTER_ID: "e2e-b" } }),
    ]);

    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        deliveries.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as Json);
        response.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));

    await api(a, "POST", "/users/admin/applications", {
      application: { ids: { application_id: "app1" } },
    });
    appKey = (
      await api(a, "POST", "/applications/app1/api-keys", {
        name: "integration",
        rights: ["RIGHT_APPLICATION_TRAFFIC_READ", "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE"],
      })
    ).key;
    await api(a, "POST", "/as/webhooks/app1", {
      webhook: {
        ids: { application_ids: { application_id: "app1" }, webhook_id: "wh1" },
        base_url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`,
        format: "json",
        uplink_message: { path: "/up" },
      },
      field_mask: { paths: ["base_url", "format", "uplink_message"] },
    });
    await api(a, "POST", "/users/admin/gateways", {
      gateway: {
        ids: { gateway_id: "gw1", eui: gatewayEui },
        frequency_plan_ids: ["EU_863_870_TTN"],
      },
    });
    await register(a, dev1);
    gateway = new UdpGateway({
      id: "gw1",
      eui: gatewayEui,
      host: "127.0.0.1",
      port: udpPort,
      clock: () => performance.now(),
    });
    await gateway.start();
  });

  after(async () => {
    for (const client of clients) client.end(true);
    await gateway?.stop();
    const exits = await Promise.all([a?.stop(), b?.stop()]);
    for (const exit of exits) if (exit) assert.equal(exit.code, 0, "a clean stop");
    receiver?.close();
    await redis?.stop();
    await postgres?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("delivers each uplink handled by A once to MQTT clients on B and A, and to a webhook once", async () => {
    const onB = await integration(b);
    const onA = await integration(a);
    await onB.client.subscribeAsync("v3/app1/devices/+/up", { qos: 1 });
    await onA.client.subscribeAsync("#", { qos: 0 });
    const events = await openStream(b, adminKey, {
      identifiers: [{ application_ids: { application_id: "app1" } }],
      names: ["as.up.data.forward"],
    });
    try {
      assert.equal(events.status, 200);
      assert.equal((await events.next()).result.name, "events.stream.start");
      const sent: number[] = [];
      for (let i = 0; i < 5; i++) {
        sent.push(send(dev1));
        await sleep(50);
      }
      await until(async () => (fCntsOf(onB.uplinks, "dev1").length >= 5 ? true : undefined), {
        what: "the uplinks on B's MQTT client",
      });
      // B's events stream sees the uplinks A forwarded.
      const forwarded: number[] = [];
      while (forwarded.length < sent.length) {
        const event = (await events.next()).result;
        assert.equal(event.name, "as.up.data.forward");
        forwarded.push(event.data.uplink_message.f_cnt ?? 0);
      }
      assert.deepEqual(forwarded.sort(numerically), sent);
      await until(async () => (deliveries.length >= 5 ? true : undefined), {
        what: "the webhook deliveries",
      });
      await sleep(quietMs);
      assert.deepEqual(
        fCntsOf(onB.uplinks, "dev1").sort(numerically),
        sent,
        "B's client: each uplink once",
      );
      assert.deepEqual(
        fCntsOf(onA.uplinks, "dev1").sort(numerically),
        sent,
        "A's client: each uplink once",
      );
      assert.deepEqual(
        deliveries.map((delivery) => delivery.uplink_message.f_cnt ?? 0).sort(numerically),
        sent,
        "one webhook delivery per uplink, not one per instance",
      );
      // A handled them all: the gateway is connected there only.
      const handled = await fetch(`http://${a.listeners.get("metrics")}/metrics`).then((r) =>
        r.text(),
      );
      assert.match(handled, /lorastack_as_mqtt_published_total\S* ([1-9]\d*)$/m);
      const idle = await fetch(`http://${b.listeners.get("metrics")}/metrics`).then((r) =>
        r.text(),
      );
      assert.doesNotMatch(idle, /lorastack_as_mqtt_published_total\S* [1-9]/);
    } finally {
      events.close();
      await onA.client.endAsync();
      await onB.client.endAsync();
    }
  });

  it("resumes a persistent QoS 1 session of A on B with what came while it was away", async () => {
    const session = { clientId: "resumable", clean: false };
    const first = await integration(a, session);
    await first.client.subscribeAsync("v3/app1/devices/+/up", { qos: 1 });
    await first.client.endAsync();
    const away = [send(dev1), send(dev1), send(dev1)];
    // Each is handled, and queued in Redis for the session, before the session comes back.
    const db = new Redis(redis.uri);
    try {
      await until(
        async () =>
          (await db.llen("lorastack:mqtt:outgoing:app1%2Fresumable")) === away.length
            ? true
            : undefined,
        { what: "the uplinks sent while away queued for the session" },
      );
    } finally {
      db.disconnect();
    }
    const resumed = await integration(b, session);
    await until(async () => (resumed.uplinks.length >= away.length ? true : undefined), {
      what: "the queued uplinks on B",
    });
    const live = send(dev1);
    await until(async () => (resumed.uplinks.length > away.length ? true : undefined), {
      what: "a live uplink on the resumed session",
    });
    await sleep(quietMs);
    const got = fCntsOf(resumed.uplinks, "dev1");
    assert.deepEqual(got.slice(0, away.length).sort(numerically), away, "what was queued, once");
    assert.deepEqual(got.slice(away.length), [live], "then live, once");
    await resumed.client.endAsync();
  });

  it("queues a downlink pushed by an MQTT client on B once", async () => {
    const onB = await integration(b);
    await onB.client.publishAsync(
      "v3/app1/devices/dev1/down/push",
      JSON.stringify({ downlinks: [{ f_port: 15, frm_payload: "AQID", priority: "NORMAL" }] }),
      { qos: 1 },
    );
    const queued = await until(
      async () => {
        const list = await api(a, "GET", "/as/applications/app1/devices/dev1/down");
        return (list.downlinks ?? []).length > 0 ? list.downlinks : undefined;
      },
      { what: "the pushed downlink in the queue" },
    );
    await sleep(quietMs);
    const again = await api(b, "GET", "/as/applications/app1/devices/dev1/down");
    assert.equal(queued.length, 1);
    assert.equal(again.downlinks.length, 1, "queued once, not once per instance");
    assert.equal(again.downlinks[0].f_port, 15);
    await onB.client.endAsync();
  });

  it("uses at once, on A, a device created, changed and deleted through B", async () => {
    const watcher = await integration(b);
    await watcher.client.subscribeAsync("v3/app1/devices/+/up", { qos: 1 });
    // Created through B, heard through A right after.
    const dev2 = abpDevice("dev2", "70B3D57ED0001702", "260B1702", "b");
    await register(b, dev2);
    const first = send(dev2);
    await until(async () => (fCntsOf(watcher.uplinks, "dev2").length === 1 ? true : undefined), {
      what: "the uplink of the device created on B",
      timeoutMs: 10_000,
    });
    // A new session (address and keys) set through B, used by A's next uplink.
    const moved = abpDevice("dev2", "70B3D57ED0001702", "260B17F2", "c");
    moved.radio.fCntUp = dev2.radio.fCntUp;
    await putSession(b, moved);
    const second = send(moved);
    await until(async () => (fCntsOf(watcher.uplinks, "dev2").length === 2 ? true : undefined), {
      what: "the uplink with the session changed on B",
      timeoutMs: 10_000,
    });
    assert.deepEqual(fCntsOf(watcher.uplinks, "dev2"), [first, second]);
    // Deleted through B: A no longer takes its frames.
    await api(b, "DELETE", "/ns/applications/app1/devices/dev2");
    send(moved);
    const marker = send(dev1);
    await until(
      async () => (fCntsOf(watcher.uplinks, "dev1").includes(marker) ? true : undefined),
      {
        what: "a later uplink of another device",
      },
    );
    await sleep(quietMs);
    assert.deepEqual(fCntsOf(watcher.uplinks, "dev2"), [first, second], "nothing after the delete");
    await watcher.client.endAsync();
  });
});
