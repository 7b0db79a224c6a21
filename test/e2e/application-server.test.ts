/**
 * The Application Server through the real program (`lorastack start`, every component), the
 * real `lora_pkt_fwd` as the gateway, MQTT.js as the integration and local HTTP servers as
 * webhook receivers. OTAA devices (1.0.3) join; their uplinks arrive decrypted and decoded on
 * MQTT and on webhooks with The Things Stack's JSON and headers; a downlink pushed on MQTT
 * reaches the device in its next receive window and decrypts to the pushed bytes; faulty
 * payload formatters (throw, endless loop, endless allocation) are contained; a webhook that
 * never answers does not delay another application's; one application's key sees nothing of
 * another's.
 */
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from "node:http";
import { type AddressInfo, createServer as createTcpServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import mqtt, { type MqttClient } from "mqtt";
import { freePort } from "../harness/free-port.ts";
import {
  type FakeHalTx,
  gatewayPeersSkipReason,
  type PacketForwarder,
  startPacketForwarder,
} from "../harness/gateway-peers.ts";
import { createAdmin } from "../harness/identity-admin.ts";
import { type LorastackProcess, startLorastack } from "../harness/lorastack-process.ts";
import { type Json, restOk } from "../harness/rest-client.ts";
import { VirtualDevice } from "../harness/virtual-device.ts";
import { openStream } from "./events-client.ts";

const peersSkip = await gatewayPeersSkipReason(["pktfwd"]);
const gatewayEui = "AA555A0000000301";
const joinEui = "70B3D57ED0000003";
/** `as.webhooks.timeout` of the stack: a hanging request is given up after this long. */
const webhookTimeoutMs = 4_000;
const hex = (text: string) => new Uint8Array(Buffer.from(text, "hex"));
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

/** The application's default uplink formatter (the link's): the bytes, the port and their sum. */
const healthyDecoder = `function decodeUplink(input) {
  var sum = 0;
  for (var i = 0; i < input.bytes.length; i++) sum += input.bytes[i];
  return { data: { port: input.fPort, sum: sum, first: input.bytes[0] }, warnings: [] };
}`;

/** Device formatters that fail, each in its own way. */
const faultyDecoders: Record<string, string> = {
  "dev-throw": "function decodeUplink(input) { throw new Error('broken decoder'); }",
  "dev-loop": "function decodeUplink(input) { for (;;) {} }",
  "dev-bomb": `function decodeUplink(input) {
    var hoard = [];
    for (;;) hoard.push(new Array(1000000).fill(input.fPort));
  }`,
};

interface DeviceRow {
  applicationId: string;
  deviceId: string;
  devEui: string;
  appKey: string;
  formatter?: string;
}

const rows: DeviceRow[] = [
  {
    applicationId: "app-a",
    deviceId: "dev-a",
    devEui: "0004A30B00000A01",
    appKey: "11".repeat(16),
  },
  ...Object.entries(faultyDecoders).map(([deviceId, formatter], index) => ({
    applicationId: "app-a",
    deviceId,
    devEui: `0004A30B00000A1${index}`,
    appKey: `2${index}`.repeat(16),
    formatter,
  })),
  {
    applicationId: "app-b",
    deviceId: "dev-b",
    devEui: "0004A30B00000B01",
    appKey: "33".repeat(16),
  },
];

let stack: LorastackProcess;
let adminKey = "";
let gateway: PacketForwarder;
const keys = new Map<string, string>();
const devices = new Map<string, VirtualDevice>();
/** The uplink channels of EU868 (MHz) and their index, for the device's 1.0.x frame (no use). */
const channels = [868.1, 868.3, 868.5];
let nextChannel = 0;

const api = (method: string, path: string, body?: unknown) =>
  restOk(stack.httpUrl, method, path, { key: adminKey, body });

/** What a webhook receiver got. */
interface Delivery {
  path: string;
  headers: IncomingHttpHeaders;
  body: Json;
  at: number;
}

/** A webhook receiver that answers 200 to everything and keeps what it got. */
class Receiver extends EventEmitter {
  readonly deliveries: Delivery[] = [];
  readonly server: Server = createHttpServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const delivery = {
        path: request.url ?? "",
        headers: request.headers,
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Json,
        at: Date.now(),
      };
      this.deliveries.push(delivery);
      response.end();
      this.emit("delivery", delivery);
    });
  });

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The first delivery (past or future) `match` accepts. */
  async wait(match: (delivery: Delivery) => boolean, what: string): Promise<Delivery> {
    const found = this.deliveries.find(match);
    if (found) return found;
    return within(
      new Promise<Delivery>((resolve) => {
        const listener = (delivery: Delivery) => {
          if (!match(delivery)) return;
          this.off("delivery", listener);
          resolve(delivery);
        };
        this.on("delivery", listener);
      }),
      15_000,
      what,
    );
  }
}

/** An endpoint that accepts TCP connections and never answers (nor closes them). */
class DeadEndpoint {
  readonly sockets: Socket[] = [];
  /** When each connection came. */
  readonly connectedAt: number[] = [];
  readonly server = createTcpServer((socket) => {
    this.sockets.push(socket);
    this.connectedAt.push(Date.now());
    socket.on("error", () => {});
  });
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** An MQTT.js client that keeps every message it got. */
interface Integration {
  client: MqttClient;
  messages: { topic: string; json: Json; at: number }[];
  /** The first message (past or future) on `topic` that `match` accepts. */
  wait(topic: string, what: string, match?: (json: Json) => boolean): Promise<Json>;
}

async function connectIntegration(applicationId: string, key: string): Promise<Integration> {
  const client = await mqtt.connectAsync(`mqtt://${stack.listeners.get("mqtt")}`, {
    username: `${applicationId}@ttn`,
    password: key,
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  const messages: Integration["messages"] = [];
  const events = new EventEmitter();
  client.on("message", (topic, payload) => {
    const message = { topic, json: JSON.parse(payload.toString("utf8")) as Json, at: Date.now() };
    messages.push(message);
    events.emit("message", message);
  });
  return {
    client,
    messages,
    wait(topic, what, match = () => true) {
      const accepts = (message: { topic: string; json: Json }) =>
        message.topic === topic && match(message.json);
      const found = messages.find(accepts);
      if (found) return Promise.resolve(found.json);
      return within(
        new Promise<Json>((resolve) => {
          const listener = (message: { topic: string; json: Json }) => {
            if (!accepts(message)) return;
            events.off("message", listener);
            resolve(message.json);
          };
          events.on("message", listener);
        }),
        15_000,
        what,
      );
    },
  };
}

/** The promise's value, or a rejection naming `what` once `ms` passed. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Events of `POST /api/v3/events`, kept as they come. */
interface EventWatch {
  /** The first event (past or future) `match` accepts. */
  wait(match: (event: Json) => boolean, what: string): Promise<Json>;
  close(): void;
}

async function watchEvents(request: unknown): Promise<EventWatch> {
  const stream = await openStream(stack, adminKey, request);
  assert.equal(stream.status, 200);
  const seen: Json[] = [];
  const arrivals = new EventEmitter();
  void (async () => {
    for (;;) {
      const event = (await stream.next()).result as Json;
      seen.push(event);
      arrivals.emit("event", event);
    }
  })().catch(() => {});
  return {
    wait(match, what) {
      const found = seen.find(match);
      if (found) return Promise.resolve(found);
      return within(
        new Promise<Json>((resolve) => {
          const listener = (event: Json) => {
            if (!match(event)) return;
            arrivals.off("event", listener);
            resolve(event);
          };
          arrivals.on("event", listener);
        }),
        15_000,
        what,
      );
    },
    close: () => stream.close(),
  };
}

/** Polls `check` (a state of this test's own servers) until it holds. */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** An OTAA device of LoRaWAN 1.0.3 in the Identity, Join, Network and Application Servers. */
async function register(row: DeviceRow): Promise<void> {
  const app = row.applicationId;
  const ids = {
    device_id: row.deviceId,
    application_ids: { application_id: app },
    join_eui: joinEui,
    dev_eui: row.devEui,
  };
  const idPaths = ["ids.join_eui", "ids.dev_eui"];
  await api("POST", `/applications/${app}/devices`, { end_device: { ids } });
  await api("PUT", `/js/applications/${app}/devices/${row.deviceId}`, {
    end_device: { ids, root_keys: { app_key: { key: row.appKey } } },
    field_mask: { paths: [...idPaths, "root_keys.app_key.key"] },
  });
  await api("PUT", `/ns/applications/${app}/devices/${row.deviceId}`, {
    end_device: {
      ids,
      frequency_plan_id: "EU_863_870_TTN",
      lorawan_version: "MAC_V1_0_3",
      lorawan_phy_version: "PHY_V1_0_3_REV_A",
      supports_join: true,
    },
    field_mask: {
      paths: [
        ...idPaths,
        "frequency_plan_id",
        "lorawan_version",
        "lorawan_phy_version",
        "supports_join",
      ],
    },
  });
  await api("PUT", `/as/applications/${app}/devices/${row.deviceId}`, {
    end_device: {
      ids,
      ...(row.formatter
        ? {
            formatters: {
              up_formatter: "FORMATTER_JAVASCRIPT",
              up_formatter_parameter: row.formatter,
            },
          }
        : {}),
    },
    field_mask: { paths: [...idPaths, ...(row.formatter ? ["formatters"] : [])] },
  });
}

/** The DevAddr (big-endian hex) a data downlink is addressed to. */
const devAddrOf = (tx: FakeHalTx) =>
  toHex(Buffer.from(tx.data, "base64").subarray(1, 5).reverse()).toUpperCase();

const devAddrHex = (device: VirtualDevice) =>
  toHex(device.session?.devAddr ?? new Uint8Array()).toUpperCase();

/** Sends an unconfirmed uplink of `deviceId` on the next channel; returns the fake HAL's rx. */
async function sendUplink(deviceId: string, payload: Uint8Array, fPort = 10) {
  const device = devices.get(deviceId);
  assert.ok(device?.session, `${deviceId} joined`);
  const freq = channels[nextChannel++ % channels.length] as number;
  const phy = device.uplink({ fPort, payload, adr: false });
  return gateway.uplink({ freq, datr: "SF7BW125", lsnr: 9, rssi: -50, hex: toHex(phy) });
}

const topic = (applicationId: string, deviceId: string, kind: string) =>
  `v3/${applicationId}@ttn/devices/${deviceId}/${kind}`;

describe("Application Server with the real lora_pkt_fwd, MQTT and webhooks", {
  skip: peersSkip,
}, () => {
  const receiverA = new Receiver();
  const receiverB = new Receiver();
  const dead = new DeadEndpoint();
  let dataDir = "";
  let mqttA: Integration;
  let mqttB: Integration;
  let eventsA: EventWatch;
  let webhook: (app: string, id: string, baseUrl: string) => Promise<Json>;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "lorastack-as-e2e-"));
    const udpPort = await freePort();
    await Promise.all([
      new Promise<void>((resolve) => receiverA.server.listen(0, "127.0.0.1", resolve)),
      new Promise<void>((resolve) => receiverB.server.listen(0, "127.0.0.1", resolve)),
      new Promise<void>((resolve) => dead.server.listen(0, "127.0.0.1", resolve)),
    ]);
    stack = await startLorastack({
      dataDir,
      env: {
        LORASTACK_NS_NET_ID: "000013",
        LORASTACK_NS_DEV_ADDR_PREFIXES: "26000000/7",
        LORASTACK_UDP_LISTEN: `127.0.0.1:${udpPort}`,
        LORASTACK_AS_WEBHOOKS_TIMEOUT: `${webhookTimeoutMs}ms`,
      },
    });
    adminKey = await createAdmin(dataDir);
    for (const app of ["app-a", "app-b"]) {
      await api("POST", "/users/admin/applications", {
        application: { ids: { application_id: app } },
      });
      const created = await api("POST", `/applications/${app}/api-keys`, {
        name: "integration",
        rights: ["RIGHT_APPLICATION_TRAFFIC_READ", "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE"],
      });
      keys.set(app, created.key);
    }
    await api("PUT", "/as/applications/app-a/link", {
      link: {
        default_formatters: {
          up_formatter: "FORMATTER_JAVASCRIPT",
          up_formatter_parameter: healthyDecoder,
        },
      },
      field_mask: { paths: ["default_formatters"] },
    });
    webhook = (app: string, id: string, baseUrl: string) =>
      api("POST", `/as/webhooks/${app}`, {
        webhook: {
          ids: { application_ids: { application_id: app }, webhook_id: id },
          base_url: baseUrl,
          format: "json",
          downlink_api_key: keys.get(app),
          uplink_message: { path: "/up" },
          join_accept: { path: "/join" },
        },
        field_mask: {
          paths: ["base_url", "format", "downlink_api_key", "uplink_message", "join_accept"],
        },
      });
    await webhook("app-a", "wh-a", `${receiverA.url}/a`);
    await webhook("app-b", "wh-b", `${receiverB.url}/b`);
    await api("POST", "/users/admin/gateways", {
      gateway: {
        ids: { gateway_id: "gw1", eui: gatewayEui },
        frequency_plan_ids: ["EU_863_870_TTN"],
        gateway_server_address: `127.0.0.1:${udpPort}`,
      },
    });
    for (const row of rows) await register(row);
    mqttA = await connectIntegration("app-a", keys.get("app-a") as string);
    mqttB = await connectIntegration("app-b", keys.get("app-b") as string);
    // A subscribes to everything it can name; each refused filter is granted nothing.
    await mqttA.client.subscribeAsync(["#", "v3/+/devices/+/up"], { qos: 1 });
    await assert.rejects(
      mqttA.client.subscribeAsync("v3/app-b@ttn/#", { qos: 1 }),
      (error: { packet?: { granted?: number[] } }) => error.packet?.granted?.[0] === 128,
      "A's subscription to B's topics is refused",
    );
    await mqttB.client.subscribeAsync("v3/app-b@ttn/#", { qos: 1 });
    eventsA = await watchEvents({
      identifiers: [{ application_ids: { application_id: "app-a" } }],
    });
    const conf = await api("GET", "/gcs/gateways/gw1/semtechudp/global_conf.json");
    gateway = await startPacketForwarder({ globalConf: conf });
  });

  after(async () => {
    eventsA?.close();
    await mqttA?.client.endAsync(true);
    await mqttB?.client.endAsync(true);
    await gateway?.stop();
    await stack?.stop();
    await dead.close();
    receiverA.server.close();
    receiverB.server.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("joins every device through lora_pkt_fwd; each join arrives on MQTT (/join)", async () => {
    // Join-requests reported 300 ms apart on the concentrator's clock: their join-accepts
    // (RX1, 5 s later) do not overlap on air.
    const now = await gateway.time();
    for (const [index, row] of rows.entries()) {
      const device = new VirtualDevice({
        joinEui: hex(joinEui),
        devEui: hex(row.devEui),
        appKey: hex(row.appKey),
        version: "1.0",
      });
      devices.set(row.deviceId, device);
      await gateway.uplink({
        freq: 868.1,
        datr: "SF7BW125",
        lsnr: 9,
        rssi: -50,
        tmst: (now + 200_000 + index * 300_000) >>> 0,
        hex: toHex(device.joinRequest()),
      });
    }
    const waiting = new Set(rows.map((row) => row.deviceId));
    while (waiting.size > 0) {
      const tx = await gateway.nextTransmission({ timeoutMs: 10_000 });
      const data = new Uint8Array(Buffer.from(tx.data, "base64"));
      for (const deviceId of waiting) {
        try {
          devices.get(deviceId)?.acceptJoin(data);
          waiting.delete(deviceId);
          break;
        } catch {
          // Another device's join-accept.
        }
      }
    }
    const join = await mqttA.wait(topic("app-a", "dev-a", "join"), "dev-a's join on MQTT");
    const device = devices.get("dev-a") as VirtualDevice;
    assert.equal(join.end_device_ids.device_id, "dev-a");
    assert.equal(join.end_device_ids.dev_addr, devAddrHex(device));
    assert.equal(typeof join.join_accept.session_key_id, "string");
    assert.equal(join.join_accept.app_s_key, undefined, "the AppSKey is not handed out");
    await receiverA.wait(
      (delivery) =>
        delivery.path === "/a/join" && delivery.body.end_device_ids.device_id === "dev-a",
      "dev-a's join on the webhook",
    );
  });

  let uplinkA: Json | undefined;

  it("delivers an uplink decrypted and decoded on MQTT with The Things Stack's JSON", async () => {
    const device = devices.get("dev-a") as VirtualDevice;
    const payload = hex("0a0b0c");
    const sentAt = Date.now();
    const rx = await sendUplink("dev-a", payload, 10);
    const up = await mqttA.wait(topic("app-a", "dev-a", "up"), "dev-a's uplink on MQTT");
    uplinkA = up;
    assert.deepEqual(Object.keys(up).sort(), [
      "correlation_ids",
      "end_device_ids",
      "received_at",
      "uplink_message",
    ]);
    assert.deepEqual(up.end_device_ids, {
      device_id: "dev-a",
      application_ids: { application_id: "app-a" },
      dev_eui: "0004A30B00000A01",
      join_eui: joinEui,
      dev_addr: devAddrHex(device),
    });
    assert.ok(Array.isArray(up.correlation_ids) && up.correlation_ids.length > 0);
    assert.ok(up.correlation_ids.some((id: string) => id.startsWith("as:up:")));
    assert.ok(Date.parse(up.received_at) >= sentAt - 1_000);
    const message = up.uplink_message;
    assert.equal(typeof message.session_key_id, "string");
    assert.equal(message.f_port, 10);
    assert.equal(message.f_cnt ?? 0, 0, "the first frame (0 is left out, as proto3 JSON does)");
    assert.equal(message.frm_payload, base64(payload));
    assert.deepEqual(message.decoded_payload, { port: 10, sum: 0x0a + 0x0b + 0x0c, first: 10 });
    assert.equal(message.decoded_payload_warnings, undefined, "no warnings: none are sent");
    assert.equal(message.rx_metadata.length, 1);
    const metadata = message.rx_metadata[0];
    assert.deepEqual(metadata.gateway_ids, { gateway_id: "gw1", eui: gatewayEui });
    assert.equal(metadata.timestamp, rx.tmst);
    assert.equal(typeof metadata.rssi, "number");
    assert.equal(typeof metadata.snr, "number");
    assert.deepEqual(message.settings.data_rate, {
      lora: { bandwidth: 125000, spreading_factor: 7, coding_rate: "4/5" },
    });
    assert.equal(message.settings.frequency, String(rx.freq_hz));
    assert.equal(message.settings.timestamp, rx.tmst);
    assert.ok(Date.parse(message.received_at) >= sentAt - 1_000);
    assert.match(message.consumed_airtime, /^0\.0\d+s$/);
    if (message.network_ids !== undefined) assert.equal(message.network_ids.net_id, "000013");
  });

  it("delivers the same uplink to the application's webhook with The Things Stack's headers", async () => {
    assert.ok(uplinkA, "the uplink arrived on MQTT");
    const delivery = await receiverA.wait(
      (entry) => entry.path === "/a/up" && entry.body.uplink_message?.f_port === 10,
      "dev-a's uplink on the webhook",
    );
    assert.deepEqual(delivery.body, uplinkA);
    assert.equal(delivery.headers["content-type"], "application/json");
    assert.equal(delivery.headers["x-downlink-apikey"], keys.get("app-a"));
    const callbacks = `/api/v3/as/applications/app-a/webhooks/wh-a/devices/dev-a/down`;
    assert.ok(String(delivery.headers["x-downlink-push"]).endsWith(`${callbacks}/push`));
    assert.ok(String(delivery.headers["x-downlink-replace"]).endsWith(`${callbacks}/replace`));
    assert.equal(typeof delivery.headers["x-tts-domain"], "string");
  });

  it("sends a downlink pushed on MQTT in the device's next receive window, encrypted with its AppSKey", async () => {
    const device = devices.get("dev-a") as VirtualDevice;
    const bytes = hex("cafe0102");
    const rxDelay = Math.max(1, device.session?.joinAccept.rxDelay ?? 1);
    mqttA.client.publish(
      topic("app-a", "dev-a", "down/push"),
      JSON.stringify({
        downlinks: [{ f_port: 15, frm_payload: base64(bytes), priority: "NORMAL" }],
      }),
    );
    const queued = await mqttA.wait(topic("app-a", "dev-a", "down/queued"), "/down/queued");
    assert.equal(queued.downlink_queued.f_port, 15);
    assert.equal(queued.downlink_queued.frm_payload, base64(bytes));

    let payload: Uint8Array | undefined;
    for (let attempt = 0; attempt < 3 && payload === undefined; attempt++) {
      const rx = await sendUplink("dev-a", hex("01"));
      const tx = await gateway
        .nextTransmission({
          timeoutMs: (rxDelay + 2) * 1_000,
          match: (transmission) =>
            devAddrOf(transmission) === devAddrHex(device) &&
            (transmission.count_us - rx.tmst) >>> 0 >= rxDelay * 1_000_000 &&
            (transmission.count_us - rx.tmst) >>> 0 <= (rxDelay + 1) * 1_000_000,
        })
        .catch(() => undefined);
      if (tx === undefined) continue;
      assert.equal((tx.count_us - rx.tmst) >>> 0, rxDelay * 1_000_000, "RX1 of the uplink");
      const read = device.readDownlink(new Uint8Array(Buffer.from(tx.data, "base64")));
      if (read.frame.fPort === 15) payload = read.payload;
    }
    assert.ok(payload, "the downlink went out");
    assert.deepEqual(toHex(payload), toHex(bytes));
    const sent = await mqttA.wait(topic("app-a", "dev-a", "down/sent"), "/down/sent");
    assert.equal(sent.downlink_sent.f_port, 15);
    assert.equal(sent.downlink_sent.frm_payload, base64(bytes));
  });

  it("contains faulty formatters: raw payloads with as.up.data.decode.fail, healthy uplinks still decoded", async () => {
    for (const deviceId of Object.keys(faultyDecoders)) {
      await sendUplink(deviceId, hex("0102"), 7);
      await sendUplink("dev-a", hex("05"), 8);
    }
    for (const deviceId of Object.keys(faultyDecoders)) {
      const up = await mqttA.wait(topic("app-a", deviceId, "up"), `${deviceId}'s uplink`);
      assert.equal(up.uplink_message.frm_payload, base64(hex("0102")), `${deviceId}: raw payload`);
      assert.equal(up.uplink_message.decoded_payload, undefined, `${deviceId}: nothing decoded`);
      await eventsA.wait(
        (event) =>
          event.name === "as.up.data.decode.fail" &&
          event.identifiers?.some((ids: Json) => ids.device_ids?.device_id === deviceId),
        `${deviceId}'s as.up.data.decode.fail`,
      );
    }
    // Each healthy uplink sent between the faulty ones arrives decoded.
    for (let count = 1; count <= 3; count++) {
      await mqttA.wait(
        topic("app-a", "dev-a", "up"),
        `healthy uplink ${count}`,
        () =>
          mqttA.messages.filter(
            (message) =>
              message.topic === topic("app-a", "dev-a", "up") &&
              message.json.uplink_message.f_port === 8,
          ).length >= count,
      );
    }
    const healthy = mqttA.messages.filter(
      (message) =>
        message.topic === topic("app-a", "dev-a", "up") && message.json.uplink_message.f_port === 8,
    );
    assert.equal(healthy.length, 3);
    for (const message of healthy)
      assert.deepEqual(message.json.uplink_message.decoded_payload, { port: 8, sum: 5, first: 5 });
    // A formatter that failed once is run again (not disabled): the bomb's device fails again.
    await sendUplink("dev-bomb", hex("03"), 9);
    await mqttA.wait(
      topic("app-a", "dev-bomb", "up"),
      "dev-bomb's second uplink",
      (json) => json.uplink_message.f_port === 9,
    );
    await sendUplink("dev-a", hex("06"), 8);
    await mqttA.wait(
      topic("app-a", "dev-a", "up"),
      "a healthy uplink after the bomb",
      (json) => json.uplink_message.decoded_payload?.sum === 6,
    );
    assert.equal(stack.child.exitCode, null, "the process is up");
  });

  it("does not delay a healthy webhook behind another application's endpoint that never answers", async () => {
    // A webhook of B whose endpoint accepts connections and never answers: each of B's
    // uplinks leaves a request hanging there until the webhook timeout.
    await webhook("app-b", "wh-dead", `${dead.url}/dead`);
    // One after the other, as a device sends them (the Network Server takes each in turn).
    for (let count = 0; count < 3; count++) {
      await sendUplink("dev-b", hex("bb"), 20);
      await mqttB.wait(
        topic("app-b", "dev-b", "up"),
        `B's uplink ${count}`,
        (json) => (json.uplink_message.f_cnt ?? 0) === count,
      );
    }
    await receiverB.wait(
      (delivery) => delivery.path === "/b/up" && delivery.body.uplink_message?.f_cnt === 2,
      "B's third uplink on its healthy webhook",
    );
    await until(
      () => dead.connectedAt.length >= 3,
      "B's three requests hanging on the dead endpoint",
    );
    const sentAt = Date.now();
    await sendUplink("dev-a", hex("0707"), 21);
    const delivery = await receiverA.wait(
      (entry) => entry.path === "/a/up" && entry.body.uplink_message?.f_port === 21,
      "A's uplink on its webhook",
    );
    const delay = delivery.at - sentAt;
    assert.ok(
      delay < webhookTimeoutMs / 2,
      `A's webhook got the uplink ${delay} ms after it was sent (timeout ${webhookTimeoutMs} ms)`,
    );
    const lastHanging = dead.connectedAt.at(-1) as number;
    assert.ok(
      delivery.at < lastHanging + webhookTimeoutMs,
      "A's uplink arrived while B's requests were still hanging",
    );
  });

  it("isolates applications: A's key gets nothing of B on MQTT, cannot push to B, A's webhook gets nothing of B", async () => {
    // What B's device sent (previous test) reached B; A saw only its own application.
    assert.ok(mqttB.messages.some((message) => message.topic === topic("app-b", "dev-b", "up")));
    const applicationOf = (json: Json) =>
      Object.values(json).find((value) => value?.end_device_ids)?.end_device_ids ??
      json.end_device_ids;
    for (const message of mqttA.messages) {
      assert.ok(message.topic.startsWith("v3/app-a@ttn/devices/"), message.topic);
      assert.equal(applicationOf(message.json)?.application_ids.application_id, "app-a");
    }
    for (const delivery of receiverA.deliveries)
      assert.equal(delivery.body.end_device_ids.application_ids.application_id, "app-a");
    assert.ok(receiverB.deliveries.length > 0, "B's webhook got B's messages");
    for (const delivery of receiverB.deliveries)
      assert.equal(delivery.body.end_device_ids.application_ids.application_id, "app-b");

    // A publishes to B's device, in every form a topic can take; then to its own device.
    for (const target of [
      topic("app-b", "dev-b", "down/push"),
      "v3/app-b/devices/dev-b/down/push",
      topic("app-b", "dev-b", "down/replace"),
    ])
      await mqttA.client.publishAsync(
        target,
        JSON.stringify({ downlinks: [{ f_port: 3, frm_payload: "AQ==" }] }),
        { qos: 1 },
      );
    await mqttA.client.publishAsync(
      topic("app-a", "dev-a", "down/push"),
      JSON.stringify({ downlinks: [{ f_port: 4, frm_payload: "Ag==" }] }),
      { qos: 1 },
    );
    // A's own push was taken after the foreign ones were handled (one connection, in order).
    await mqttA.wait(
      topic("app-a", "dev-a", "down/queued"),
      "A's own push queued",
      (json) => json.downlink_queued.f_port === 4,
    );
    const queueB = await api("GET", "/as/applications/app-b/devices/dev-b/down");
    assert.deepEqual(queueB.downlinks ?? [], [], "nothing queued for B's device");
    assert.ok(!mqttB.messages.some((message) => message.topic.endsWith("/down/queued")));
    // B's key over MQTT sees the same: nothing of A's device.
    assert.ok(mqttB.messages.every((message) => message.topic.startsWith("v3/app-b@ttn/")));
  });
});
