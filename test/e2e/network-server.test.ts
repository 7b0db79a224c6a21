/**
 * The Network Server through the real program (`lorastack start`, every component) and the
 * real `lora_pkt_fwd` as the gateway. OTAA devices of LoRaWAN 1.0.2, 1.0.3, 1.0.4 and 1.1 join
 * — each join-accept leaves the forwarder in RX1 exactly JOIN_ACCEPT_DELAY1 after the
 * join-request on the concentrator's clock — and send a confirmed uplink whose ACK leaves RX1
 * delay after it; the device reads both as a device does (MICs, keys, counters). After kill -9
 * the frame counters hold: a replayed frame is refused, the next one is taken and answered with
 * the next downlink counter.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { freePort } from "../harness/free-port.ts";
import {
  gatewayPeersSkipReason,
  type PacketForwarder,
  startPacketForwarder,
} from "../harness/gateway-peers.ts";
import { createAdmin } from "../harness/identity-admin.ts";
import { type LorastackProcess, startLorastack } from "../harness/lorastack-process.ts";
import { rest, restOk } from "../harness/rest-client.ts";
import { until } from "../harness/until.ts";
import { VirtualDevice } from "../harness/virtual-device.ts";

const peersSkip = await gatewayPeersSkipReason(["pktfwd"]);
const gatewayEui = "AA555A0000000201";
const joinEui = "70B3D57ED0000001";
const hex = (text: string) => new Uint8Array(Buffer.from(text, "hex"));
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const u32 = (value: number) => value >>> 0;

// Short, so that the Identity Server has the devices' last-seen times within the test.
const lastSeenFlushMs = 500;
let dataDir = "";
let udpPort = 0;
let stack: LorastackProcess;
let adminKey = "";
let gateway: PacketForwarder;

const api = (method: string, path: string, body?: unknown) =>
  restOk(stack.httpUrl, method, path, { key: adminKey, body });

async function start(): Promise<void> {
  stack = await startLorastack({
    dataDir,
    env: {
      LORASTACK_NS_NET_ID: "000013",
      LORASTACK_NS_DEV_ADDR_PREFIXES: "26000000/7",
      LORASTACK_UDP_LISTEN: `127.0.0.1:${udpPort}`,
      LORASTACK_NS_LAST_SEEN_FLUSH_INTERVAL: `${lastSeenFlushMs}ms`,
    },
  });
}

/** Polls `check` until it returns a value (a state of the running program, not a sleep). */
async function metric(name: string, labels: string): Promise<number> {
  const text = await (await fetch(`http://${stack.listeners.get("metrics")}/metrics`)).text();
  const line = text
    .split("\n")
    .find((entry) => entry.startsWith(`${name}{`) && entry.split("} ")[0]?.includes(labels));
  return line ? Number(line.split(" ").at(-1)) : 0;
}

interface Row {
  version: string;
  phyVersion: string;
  deviceId: string;
  devEui: string;
  appKey: string;
  nwkKey?: string;
}

const rows: Row[] = [
  {
    version: "MAC_V1_0_2",
    phyVersion: "PHY_V1_0_2_REV_B",
    deviceId: "dev-102",
    devEui: "0004A30B00000102",
    appKey: "01".repeat(16),
  },
  {
    version: "MAC_V1_0_3",
    phyVersion: "PHY_V1_0_3_REV_A",
    deviceId: "dev-103",
    devEui: "0004A30B00000103",
    appKey: "02".repeat(16),
  },
  {
    version: "MAC_V1_0_4",
    phyVersion: "RP002_V1_0_1",
    deviceId: "dev-104",
    devEui: "0004A30B00000104",
    appKey: "03".repeat(16),
  },
  {
    version: "MAC_V1_1",
    phyVersion: "PHY_V1_1_REV_B",
    deviceId: "dev-11",
    devEui: "0004A30B00000110",
    appKey: "04".repeat(16),
    nwkKey: "05".repeat(16),
  },
];

/** An OTAA device in the Identity, Join and Network Servers. */
async function register(row: Row): Promise<void> {
  const ids = {
    device_id: row.deviceId,
    application_ids: { application_id: "app1" },
    join_eui: joinEui,
    dev_eui: row.devEui,
  };
  await api("POST", "/applications/app1/devices", { end_device: { ids } });
  await api("PUT", `/js/applications/app1/devices/${row.deviceId}`, {
    end_device: {
      ids,
      root_keys: {
        app_key: { key: row.appKey },
        ...(row.nwkKey ? { nwk_key: { key: row.nwkKey } } : {}),
      },
    },
    field_mask: {
      paths: [
        "ids.join_eui",
        "ids.dev_eui",
        "root_keys.app_key.key",
        ...(row.nwkKey ? ["root_keys.nwk_key.key"] : []),
      ],
    },
  });
  await api("PUT", `/ns/applications/app1/devices/${row.deviceId}`, {
    end_device: {
      ids,
      frequency_plan_id: "EU_863_870_TTN",
      lorawan_version: row.version,
      lorawan_phy_version: row.phyVersion,
      supports_join: true,
    },
    field_mask: {
      paths: [
        "ids.join_eui",
        "ids.dev_eui",
        "frequency_plan_id",
        "lorawan_version",
        "lorawan_phy_version",
        "supports_join",
      ],
    },
  });
}

function deviceOf(row: Row): VirtualDevice {
  return new VirtualDevice({
    joinEui: hex(joinEui),
    devEui: hex(row.devEui),
    appKey: hex(row.appKey),
    ...(row.nwkKey ? { nwkKey: hex(row.nwkKey) } : {}),
    version: row.nwkKey ? "1.1" : "1.0",
  });
}

/** Sends `phy` on 868.3 MHz and returns what the forwarder transmits next, with the uplink. */
async function exchange(phy: Uint8Array, freq = 868.3) {
  const rx = await gateway.uplink({ freq, datr: "SF7BW125", lsnr: 9, rssi: -50, hex: toHex(phy) });
  const tx = await gateway.nextTransmission({ timeoutMs: 10_000 });
  return { rx, tx, data: new Uint8Array(Buffer.from(tx.data, "base64")) };
}

/** The next transmission within a class A window's wait, read by `device`; none: undefined. */
async function readNextDownlink(device: VirtualDevice) {
  const tx = await gateway.nextTransmission({ timeoutMs: 6_500 }).catch(() => undefined);
  return tx && device.readDownlink(new Uint8Array(Buffer.from(tx.data, "base64")));
}

const joined = new Map<string, VirtualDevice>();
const firstFrames = new Map<string, Uint8Array>();

describe("Network Server with the real lora_pkt_fwd", { skip: peersSkip }, () => {
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "lorastack-ns-e2e-"));
    udpPort = await freePort();
    await start();
    adminKey = await createAdmin(dataDir);
    await api("POST", "/users/admin/applications", {
      application: { ids: { application_id: "app1" } },
    });
    await api("POST", "/users/admin/gateways", {
      gateway: {
        ids: { gateway_id: "gw1", eui: gatewayEui },
        frequency_plan_ids: ["EU_863_870_TTN"],
        gateway_server_address: `127.0.0.1:${udpPort}`,
      },
    });
    const conf = await api("GET", "/gcs/gateways/gw1/semtechudp/global_conf.json");
    gateway = await startPacketForwarder({ globalConf: conf });
    for (const row of rows) await register(row);
  });

  after(async () => {
    await gateway?.stop();
    await stack?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  for (const row of rows) {
    it(`${row.version}: joins, and its confirmed uplink is acknowledged, each in RX1 at the concentrator time`, async () => {
      const device = deviceOf(row);
      const accept = await exchange(device.joinRequest(), 868.1);
      assert.equal(
        accept.tx.count_us,
        u32(accept.rx.tmst + 5_000_000),
        "JOIN_ACCEPT_DELAY1 after the request",
      );
      assert.equal(accept.tx.freq_hz, 868_100_000);
      assert.equal(accept.tx.datr, "SF7BW125");
      const session = device.acceptJoin(accept.data);
      assert.deepEqual([...session.joinAccept.homeNetId], [0x00, 0x00, 0x13]);
      assert.equal((session.devAddr[0] ?? 0) & 0xfe, 0x26, "a DevAddr of the configured prefix");
      const rxDelay = Math.max(1, session.joinAccept.rxDelay);

      // 868.3 MHz is channel 1 of EU868 at DR5 (the LoRaWAN 1.1 MIC covers both).
      const confirmed = device.uplink({
        confirmed: true,
        fPort: 2,
        payload: hex("c0ffee"),
        txCh: 1,
      });
      firstFrames.set(row.version, confirmed);
      const ack = await exchange(confirmed);
      assert.equal(
        ack.tx.count_us,
        u32(ack.rx.tmst + rxDelay * 1_000_000),
        "RX1 delay after the uplink",
      );
      assert.equal(ack.tx.freq_hz, 868_300_000, "RX1 on the uplink's channel");
      const read = device.readDownlink(ack.data);
      assert.equal(read.frame.fCtrl.ack, true);

      const stored = await api(
        "GET",
        `/ns/applications/app1/devices/${row.deviceId}?field_mask=session`,
      );
      assert.equal(stored.session.dev_addr, toHex(session.devAddr).toUpperCase());
      joined.set(row.version, device);
    });
  }

  it("the Identity Server's list has each device's last-seen time within the flush interval", async () => {
    const heard = Date.now();
    const seen = await until(
      async () => {
        const list = await api(
          "GET",
          "/applications/app1/devices?field_mask=last_seen_at&order=-last_seen_at",
        );
        const devices = (list.end_devices ?? []) as { last_seen_at?: string }[];
        return devices.length === rows.length && devices.every((d) => d.last_seen_at)
          ? devices
          : undefined;
      },
      { what: "last_seen_at of every device", timeoutMs: lastSeenFlushMs + 2_000, intervalMs: 100 },
    );
    for (const device of seen) {
      const at = Date.parse(device.last_seen_at ?? "");
      assert.ok(
        at <= heard && heard - at < 60_000,
        `seen during this test: ${device.last_seen_at}`,
      );
    }
    const times = seen.map((device) => Date.parse(device.last_seen_at ?? ""));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
      "newest first",
    );
  });

  it("ADR: a device heard well at SF12 is steered to SF7 with a LinkADRReq, and its answer is applied", async () => {
    const device = joined.get("MAC_V1_0_2");
    assert.ok(device, "the 1.0.2 device joined");
    // Uplinks at SF12 heard with a good SNR; every downlink is read (its counter, its
    // commands) until one asks for DR5.
    let request: { dataRateIndex: number; txPowerIndex: number } | undefined;
    for (let sent = 0; sent < 40 && request === undefined; sent++) {
      const since = Date.now();
      const rx = await gateway.uplink({
        freq: 868.5,
        datr: "SF12BW125",
        lsnr: 10,
        rssi: -40,
        hex: toHex(device.uplink({ fPort: 3, payload: hex("aa"), adr: true })),
      });
      const tx = await gateway.nextTransmission({ timeoutMs: 6_500 }).catch(() => undefined);
      if (tx === undefined) continue;
      assert.ok(Date.now() - since < 10_000);
      assert.equal(u32(tx.count_us - rx.tmst) % 1_000_000, 0, "in a receive window of the uplink");
      const read = device.readDownlink(new Uint8Array(Buffer.from(tx.data, "base64")));
      const linkAdr = read.commands.find((command) => command.name === "LinkADRReq") as
        | { dataRateIndex: number; txPowerIndex: number }
        | undefined;
      if (linkAdr) request = linkAdr;
    }
    assert.ok(request, "a LinkADRReq came");
    assert.equal(request.dataRateIndex, 5, "SF7");
    const { encodeMacCommands } = await import("../../src/lorawan/mac/index.ts");
    const answer = encodeMacCommands(
      [{ cid: 0x03, name: "LinkADRAns", powerAck: true, dataRateAck: true, channelMaskAck: true }],
      "uplink",
    );
    await gateway.uplink({
      freq: 868.1,
      datr: "SF7BW125",
      lsnr: 10,
      hex: toHex(device.uplink({ fPort: 3, payload: hex("bb"), fOpts: answer })),
    });
    await until(
      async () => {
        const stored = await api(
          "GET",
          "/ns/applications/app1/devices/dev-102?field_mask=mac_state",
        );
        return stored.mac_state?.current_parameters?.adr_data_rate_index === 5 ? true : undefined;
      },
      { what: "the device's data rate to be DR5", timeoutMs: 20_000 },
    );
    // A downlink answering the LinkADRAns (if any) is read too, to keep the counters right.
    await readNextDownlink(device);
  });

  it("keeps frame counters across kill -9: a replay is refused, the next frame is taken", async () => {
    const device = joined.get("MAC_V1_0_3");
    const replayed = firstFrames.get("MAC_V1_0_3");
    assert.ok(device && replayed, "the 1.0.3 device joined");
    await gateway.uplink({
      freq: 868.5,
      datr: "SF7BW125",
      lsnr: 9,
      hex: toHex(device.uplink({ fPort: 2, payload: hex("01") })),
    });
    await until(
      async () => {
        const stored = await api(
          "GET",
          "/ns/applications/app1/devices/dev-103?field_mask=session.last_f_cnt_up",
        );
        return stored.session?.last_f_cnt_up === 1 ? true : undefined;
      },
      { what: "the uplink to be durable", timeoutMs: 20_000 },
    );
    // Its class A answer (MAC requests the device has not answered), if any, is read too.
    await readNextDownlink(device);

    await stack.stop("SIGKILL");
    await start();
    // The forwarder's next PULL_DATA tells the new process where to send downlinks.
    await until(
      async () => {
        const stats = await rest(stack.httpUrl, "GET", "/gs/gateways/gw1/connection/stats", {
          key: adminKey,
        });
        return stats.status === 200 ? true : undefined;
      },
      { what: "the gateway to be connected again", timeoutMs: 20_000 },
    );

    await gateway.uplink({ freq: 868.5, datr: "SF7BW125", lsnr: 9, hex: toHex(replayed) });
    await until(
      async () =>
        (await metric("lorastack_ns_uplinks_dropped_total", 'reason="f_cnt_too_low"')) >= 1
          ? true
          : undefined,
      { what: "the replay to be refused", timeoutMs: 20_000 },
    );
    const downlinkFCntBefore = device.nFCntDown;
    // The new process knows where to send downlinks once the forwarder's next PULL_DATA
    // comes (every keepalive interval): as a device does, the unacknowledged confirmed uplink
    // is sent again (a retransmission, acknowledged again by the Network Server).
    const confirmed = device.uplink({ confirmed: true, fPort: 2, payload: hex("02") });
    let next: { data: Uint8Array } | undefined;
    for (let attempt = 0; attempt < 3 && next === undefined; attempt++) {
      await gateway.uplink({ freq: 868.3, datr: "SF7BW125", lsnr: 9, hex: toHex(confirmed) });
      const tx = await gateway.nextTransmission({ timeoutMs: 7_000 }).catch(() => undefined);
      if (tx) next = { data: new Uint8Array(Buffer.from(tx.data, "base64")) };
    }
    assert.ok(next, "the confirmed uplink was acknowledged");
    const read = device.readDownlink(next.data);
    assert.equal(read.frame.fCtrl.ack, true);
    assert.ok(read.fCnt > downlinkFCntBefore, "the downlink counter went on");
    const stored = await api(
      "GET",
      "/ns/applications/app1/devices/dev-103?field_mask=session.last_f_cnt_up",
    );
    assert.equal(stored.session.last_f_cnt_up, 2);
  });
});
