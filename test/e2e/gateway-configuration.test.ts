import assert from "node:assert/strict";
import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { once } from "node:events";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  gatewayPeersSkipReason,
  type PacketForwarder,
  startPacketForwarder,
} from "../harness/gateway-peers.ts";
import {
  type LorastackProcess,
  runLorastack,
  startLorastack,
} from "../harness/lorastack-process.ts";

/**
 * `GET /api/v3/gcs/gateways/{gateway_id}/semtechudp/global_conf.json` through `lorastack
 * start`, and the real `lora_pkt_fwd` 4.0.1 started with the answer as its global_conf.json:
 * it sends to the address in the file, an uplink on each channel of the plan reaches that
 * address (the fake HAL delivers only what an enabled IF chain hears), and downlinks at each
 * power of the file's TX gain table are accepted.
 */

// biome-ignore lint/suspicious/noExplicitAny: JSON answers; the assertions check their shape
type Json = Record<string, any>;

const peersSkip = await gatewayPeersSkipReason(["pktfwd"]);

let dataDir: string;
let plansDir: string;
let stack: LorastackProcess;
let adminKey: string;
let strangerKey: string;
/** The Gateway Server's stand-in: a UDP socket the gateways' files point at. */
let gatewayServer: UdpServer;

/**
 * An operator plan of its own id (the Identity Server accepts the operator's plans for a
 * gateway): one radio at 868.3 MHz with three channels and the SF7BW250 channel.
 */
const labPlanId = "LAB_EU_3_CHANNELS";
const labPlanIndex = `- id: ${labPlanId}
  band-id: EU_863_870
  name: Lab 3 channels
  description: Three join channels for a lab gateway
  base-frequency: 868
  file: lab-eu-3ch.yml
`;
const labPlan = `band-id: EU_863_870
uplink-channels:
  - { frequency: 868100000, min-data-rate: 0, max-data-rate: 5, radio: 0 }
  - { frequency: 868300000, min-data-rate: 0, max-data-rate: 5, radio: 0 }
  - { frequency: 868500000, min-data-rate: 0, max-data-rate: 5, radio: 0 }
downlink-channels:
  - { frequency: 868100000, min-data-rate: 0, max-data-rate: 5 }
lora-standard-channel: { frequency: 868300000, data-rate: 6, radio: 0 }
radios:
  - enable: true
    chip-type: SX1257
    frequency: 868300000
    rssi-offset: -166
    tx: { min-frequency: 863000000, max-frequency: 870000000 }
clock-source: 0
`;

interface Datagram {
  message: Buffer;
  from: RemoteInfo;
}

/** A Semtech UDP server that acknowledges PUSH_DATA and PULL_DATA and records the rest. */
class UdpServer {
  readonly socket: Socket = createSocket("udp4");
  readonly #queue: Datagram[] = [];
  readonly #waiting: ((datagram: Datagram) => void)[] = [];
  /** The downlink path per gateway EUI (hex): where its last PULL_DATA came from. */
  readonly downlinkPaths = new Map<string, RemoteInfo>();

  async start(): Promise<number> {
    this.socket.on("message", (message, from) => {
      if (message.length < 4) return;
      const type = message[3];
      if (type === 0 || type === 2) {
        const ack = Buffer.from([
          2,
          message[1] as number,
          message[2] as number,
          type === 0 ? 1 : 4,
        ]);
        this.socket.send(ack, from.port, from.address);
        if (type === 2) this.downlinkPaths.set(message.subarray(4, 12).toString("hex"), from);
      }
      const next = this.#waiting.shift();
      if (next) next({ message, from });
      else this.#queue.push({ message, from });
    });
    this.socket.bind(0, "127.0.0.1");
    await once(this.socket, "listening");
    return this.socket.address().port;
  }

  /** The next datagram of `type` from the gateway `eui` (hex) that `accept` takes. */
  async next(type: number, eui: string, accept: (json: Json) => boolean = () => true) {
    const deadline = AbortSignal.timeout(5000);
    for (;;) {
      const datagram =
        this.#queue.shift() ??
        (await new Promise<Datagram>((resolve, reject) => {
          this.#waiting.push(resolve);
          deadline.addEventListener(
            "abort",
            () => reject(new Error(`no datagram of type ${type}`)),
            {
              once: true,
            },
          );
        }));
      const { message } = datagram;
      if (message[3] !== type || message.subarray(4, 12).toString("hex") !== eui) continue;
      const text = message.subarray(12).toString();
      const json = (text ? JSON.parse(text) : {}) as Json;
      if (accept(json)) return { ...datagram, json };
    }
  }

  /** Sends a PULL_RESP with `txpk` down the gateway's path; resolves with its TX_ACK's JSON. */
  async pullResp(eui: string, txpk: Json): Promise<Json> {
    const path = this.downlinkPaths.get(eui);
    assert.ok(path, `gateway ${eui} sent PULL_DATA`);
    const token = Math.floor(Math.random() * 0xffff);
    const header = Buffer.from([2, token >> 8, token & 0xff, 3]);
    this.socket.send(
      Buffer.concat([header, Buffer.from(JSON.stringify({ txpk }))]),
      path.port,
      path.address,
    );
    const ack = await this.next(5, eui, () => true);
    assert.equal(ack.message.readUInt16BE(1), token, "the TX_ACK answers the PULL_RESP");
    return ack.json;
  }

  close(): void {
    this.socket.close();
  }
}

async function call(path: string, key?: string, init: RequestInit = {}) {
  const headers: Record<string, string> = { ...(init.headers as Record<string, string>) };
  if (key) headers.authorization = `Bearer ${key}`;
  const response = await fetch(`${stack.httpUrl}${path}`, { ...init, headers });
  const text = await response.text();
  return { status: response.status, type: response.headers.get("content-type"), text };
}

async function createGateway(id: string, eui: string, planId: string, address?: string) {
  const gateway: Json = { ids: { gateway_id: id, eui }, frequency_plan_ids: [planId] };
  if (address !== undefined) gateway.gateway_server_address = address;
  const created = await call("/api/v3/users/admin/gateways", adminKey, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ gateway }),
  });
  assert.equal(created.status, 200, created.text);
}

async function globalConfOf(id: string): Promise<{ text: string; json: Json }> {
  const answer = await call(`/api/v3/gcs/gateways/${id}/semtechudp/global_conf.json`, adminKey);
  assert.equal(answer.status, 200, answer.text);
  assert.match(answer.type ?? "", /^application\/json/);
  return { text: answer.text, json: JSON.parse(answer.text) as Json };
}

function lastLine(text: string): string {
  return text.trim().split("\n").at(-1) as string;
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "lorastack-e2e-gcs-"));
  plansDir = join(dataDir, "plans");
  await runLorastack(
    [
      "is-db",
      "create-admin-user",
      "--id",
      "admin",
      "--email",
      "admin@example.com",
      "--password",
      "Correct-Horse1",
    ],
    { dataDir },
  ).then((r) => assert.equal(r.code, 0, r.stderr));
  adminKey = lastLine(
    (await runLorastack(["is-db", "create-api-key", "--user-id", "admin"], { dataDir })).stdout,
  );
  await mkdir(plansDir);
  await writeFile(join(plansDir, "frequency-plans.yml"), labPlanIndex);
  await writeFile(join(plansDir, "lab-eu-3ch.yml"), labPlan);
  stack = await startLorastack({
    dataDir,
    env: {
      LORASTACK_FREQUENCY_PLANS_DIRECTORY: plansDir,
      LORASTACK_GCS_GATEWAY_SERVER_ADDRESS: "gs.example.net",
    },
  });
  gatewayServer = new UdpServer();
  const port = await gatewayServer.start();
  await createGateway("gw-eu", "AA555A0000000201", "EU_863_870", `127.0.0.1:${port}`);
  await createGateway("gw-us", "AA555A0000000202", "US_902_928_FSB_2", `127.0.0.1:${port}`);
  await createGateway("gw-lab", "AA555A0000000203", labPlanId, `127.0.0.1:${port}`);
  await createGateway("gw-default", "AA555A0000000204", "EU_863_870");
  const user = await call("/api/v3/users", adminKey, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      user: {
        ids: { user_id: "carol" },
        primary_email_address: "carol@example.com",
        password: "Correct-Horse1",
      },
    }),
  });
  assert.equal(user.status, 200, user.text);
  strangerKey = lastLine(
    (await runLorastack(["is-db", "create-api-key", "--user-id", "carol"], { dataDir })).stdout,
  );
});

after(async () => {
  gatewayServer?.close();
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("GET /api/v3/gcs/gateways/{gateway_id}/semtechudp/global_conf.json", () => {
  it("answers The Things Stack's global_conf.json: tab-indented, gateway_conf at the gateway's address", async () => {
    const { text, json } = await globalConfOf("gw-eu");
    assert.ok(
      text.startsWith('{\n\t"SX1301_conf": {\n\t\t"lorawan_public": true,\n\t\t"clksrc": 1,'),
      text,
    );
    const server = {
      gateway_ID: "AA555A0000000201",
      server_address: "127.0.0.1",
      serv_port_up: gatewayServer.socket.address().port,
      serv_port_down: gatewayServer.socket.address().port,
    };
    assert.deepEqual(json.gateway_conf, {
      ...server,
      servers: [{ ...server, serv_enabled: true }],
    });
    assert.deepEqual(json.SX1301_conf.radio_0, {
      enable: true,
      type: "SX1257",
      freq: 867500000,
      rssi_offset: -166,
      tx_enable: true,
      tx_freq_min: 863000000,
      tx_freq_max: 870000000,
    });
    assert.deepEqual(json.SX1301_conf.chan_FSK, {
      enable: true,
      radio: 1,
      if: 300000,
      bandwidth: 125000,
      datarate: 50000,
    });
    assert.equal(
      Object.keys(json.SX1301_conf).filter((key) => key.startsWith("tx_lut_")).length,
      16,
    );
  });

  it("points a gateway without gateway_server_address at gcs.gateway_server_address, port 1700", async () => {
    const { json } = await globalConfOf("gw-default");
    assert.equal(json.gateway_conf.server_address, "gs.example.net");
    assert.equal(json.gateway_conf.serv_port_up, 1700);
    assert.equal(json.gateway_conf.serv_port_down, 1700);
  });

  it("builds the operator's frequency plans", async () => {
    const { json } = await globalConfOf("gw-lab");
    assert.equal(json.SX1301_conf.radio_0.freq, 868300000);
    assert.equal(json.SX1301_conf.radio_1, undefined);
    assert.deepEqual(json.SX1301_conf.chan_multiSF_2, { enable: true, radio: 0, if: 200000 });
    assert.deepEqual(json.SX1301_conf.chan_multiSF_3, { enable: false });
    assert.deepEqual(json.SX1301_conf.chan_FSK, { enable: false });
  });

  it("refuses callers without credentials (401) or rights (403), unknown gateways (404) and bad IDs (400)", async () => {
    const path = (id: string) => `/api/v3/gcs/gateways/${id}/semtechudp/global_conf.json`;
    const cases: [string, string | undefined, number, number, string][] = [
      [path("gw-eu"), undefined, 401, 16, "no_credentials"],
      [path("gw-eu"), strangerKey, 403, 7, "no_rights"],
      [path("gw-nothere"), adminKey, 404, 5, "not_found"],
      [path("Not_An_Id"), adminKey, 400, 3, "invalid_gateway_id"],
    ];
    for (const [route, key, status, code, name] of cases) {
      const answer = await call(route, key);
      assert.equal(answer.status, status, `${route}: ${answer.text}`);
      const body = JSON.parse(answer.text) as Json;
      assert.equal(body.code, code, answer.text);
      assert.equal(body.details[0]["@type"], "type.googleapis.com/ttn.lorawan.v3.ErrorDetails");
      assert.match(body.details[0].name, new RegExp(name), answer.text);
    }
  });
});

type Uplink = { freq: number; datr: string | number; modu: "LORA" | "FSK" };

const lora = (freq: number, datr = "SF9BW125"): Uplink => ({ freq, datr, modu: "LORA" });

/** One uplink per channel of each gateway's plan (from the plans, not from the file). */
const planUplinks: Record<string, Uplink[]> = {
  "gw-eu": [
    ...[868.1, 868.3, 868.5, 867.1, 867.3, 867.5, 867.7, 867.9].map((freq) => lora(freq)),
    lora(868.3, "SF7BW250"),
    { freq: 868.8, datr: 50000, modu: "FSK" },
  ],
  "gw-us": [
    ...[903.9, 904.1, 904.3, 904.5, 904.7, 904.9, 905.1, 905.3].map((freq) => lora(freq)),
    lora(904.6, "SF8BW500"),
  ],
  "gw-lab": [...[868.1, 868.3, 868.5].map((freq) => lora(freq)), lora(868.3, "SF7BW250")],
};

/** How many IF chains the file enables. */
function enabledChains(conf: Json): number {
  return Object.entries(conf.SX1301_conf as Record<string, Json>).filter(
    ([key, channel]) => key.startsWith("chan_") && channel.enable,
  ).length;
}

const uplinkPayload = "40040302018000000a01deadbeef11223344";

async function forwarderWith(
  id: string,
): Promise<{ gateway: PacketForwarder; conf: Json; eui: string }> {
  const { text, json } = await globalConfOf(id);
  const gateway = await startPacketForwarder({ globalConf: text });
  const eui = (json.gateway_conf.gateway_ID as string).toLowerCase();
  // The forwarder reads the address from the file: its PULL_DATA arrives here.
  await gatewayServer.next(2, eui);
  return { gateway, conf: json, eui };
}

async function checkUplinksOnEveryChannel(
  gateway: PacketForwarder,
  conf: Json,
  eui: string,
  uplinks: Uplink[],
) {
  assert.equal(enabledChains(conf), uplinks.length, "one IF chain per channel of the plan");
  for (const uplink of uplinks) {
    const rx = await gateway.uplink({ ...uplink, hex: uplinkPayload });
    const push = await gatewayServer.next(0, eui, (json) =>
      (json.rxpk ?? []).some((rxpk: Json) => rxpk.tmst === rx.tmst),
    );
    const rxpk = (push.json.rxpk as Json[]).find((entry) => entry.tmst === rx.tmst) as Json;
    assert.equal(Math.round(rxpk.freq * 1e6), Math.round(uplink.freq * 1e6), JSON.stringify(rxpk));
    assert.equal(rxpk.modu, uplink.modu);
    assert.equal(rxpk.datr, uplink.datr);
  }
  // A frequency no IF chain of the file hears is not received.
  await assert.rejects(
    gateway.uplink({ freq: 869.1, datr: "SF9BW125", hex: uplinkPayload }),
    /dropped/,
  );
}

async function checkTxLut(gateway: PacketForwarder, conf: Json, eui: string, freq: number) {
  const powers = Object.entries(conf.SX1301_conf as Record<string, Json>)
    .filter(([key]) => key.startsWith("tx_lut_"))
    .map(([, entry]) => entry.rf_power as number);
  const now = await gateway.time();
  const txpk = (tmst: number, powe: number) => ({
    imme: false,
    tmst: tmst >>> 0,
    freq,
    rfch: 0,
    powe,
    modu: "LORA",
    datr: "SF7BW125",
    codr: "4/5",
    ipol: true,
    ncrc: true,
    size: 15,
    data: "YAQDAgEAAQAByv5VZneI",
  });
  for (const [index, powe] of powers.entries()) {
    const ack = await gatewayServer.pullResp(eui, txpk(now + 1_500_000 + index * 200_000, powe));
    assert.deepEqual(ack, {}, `powe ${powe} accepted with a bare TX_ACK`);
  }
  const refused = await gatewayServer.pullResp(eui, txpk(now + 6_000_000, 15));
  assert.equal(refused.txpk_ack?.error, "TX_POWER", "a power outside the table is refused");
  // The accepted downlinks go out at the powers of the table.
  const emitted = await gateway.nextTransmission({ timeoutMs: 8000 });
  assert.ok(powers.includes(emitted.powe), `emitted at ${emitted.powe} dBm`);
}

describe("lora_pkt_fwd started with the generated global_conf.json", { skip: peersSkip }, () => {
  for (const [id, downlinkFrequency] of [
    ["gw-eu", 869.525],
    ["gw-us", 923.3],
    ["gw-lab", 868.1],
  ] as const) {
    it(`${id}: connects to the file's address, hears every channel, accepts each power of the TX table`, async () => {
      const { gateway, conf, eui } = await forwarderWith(id);
      try {
        await checkUplinksOnEveryChannel(gateway, conf, eui, planUplinks[id] ?? []);
        await checkTxLut(gateway, conf, eui, downlinkFrequency);
      } finally {
        await gateway.stop();
      }
    });
  }
});
