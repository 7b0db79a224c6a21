/**
 * The simulator's gateways against the real program (`bin/lorastack start`): a Semtech UDP
 * gateway and a Basics Station gateway, registered over REST, each forward a device's
 * join-request and confirmed uplink, and transmit the join-accept and the acknowledgment in
 * RX1 at the concentrator time mapped onto the clock; the stack sees TX_ACK/dntxed, and
 * keep-alives keep the UDP gateway connected.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { BasicStationGateway } from "../../src/simulator/gateways/basic-station-gateway.ts";
import { UdpGateway } from "../../src/simulator/gateways/udp-gateway.ts";
import type { AirDownlink, SimulatedGateway } from "../../src/simulator/radio.ts";
import { freePort } from "../harness/free-port.ts";
import { createAdmin } from "../harness/identity-admin.ts";
import { type LorastackProcess, startLorastack } from "../harness/lorastack-process.ts";
import { restOk } from "../harness/rest-client.ts";
import { VirtualDevice } from "../harness/virtual-device.ts";

const clock = () => performance.now();
const joinEui = "70B3D57ED0000000";
const hex = (text: string) => new Uint8Array(Buffer.from(text, "hex"));
const sf7 = { spreadingFactor: 7, bandwidth: 125_000, codingRate: "4/5" };
/** Scheduling on a busy shared machine: timers fire a little late, never early. */
const TOLERANCE_MS = 25;

let stack: LorastackProcess;
let adminKey = "";
let udp: UdpGateway;
let station: BasicStationGateway;

const api = (method: string, path: string, body?: unknown) =>
  restOk(stack.httpUrl, method, path, { key: adminKey, body });

async function register(deviceId: string, devEui: string, appKey: string): Promise<void> {
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
      lorawan_version: "MAC_V1_0_3",
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

/** The gateway's next transmission. */
function nextTransmission(gateway: SimulatedGateway, timeoutMs = 9000): Promise<AirDownlink> {
  return new Promise((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => {
      done = true;
      reject(new Error(`no transmission from ${gateway.id} within ${timeoutMs} ms`));
    }, timeoutMs);
    gateway.onTransmit((downlink) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(downlink);
    });
  });
}

/** The gateway hears `phy` now; resolves with the uplink's end and the transmission it causes. */
async function exchange(gateway: SimulatedGateway, phy: Uint8Array) {
  const endedAt = clock();
  const transmission = nextTransmission(gateway);
  gateway.receive({
    phyPayload: phy,
    frequencyHz: 868_100_000,
    rate: sf7,
    endedAt,
    rssi: -60,
    snr: 8,
  });
  return { endedAt, downlink: await transmission };
}

function assertAt(actual: number, expected: number, what: string): void {
  assert.ok(
    actual >= expected - 1 && actual <= expected + TOLERANCE_MS,
    `${what}: at ${actual.toFixed(1)} ms, expected ${expected.toFixed(1)} ms`,
  );
}

async function stats(gatewayId: string) {
  return api("GET", `/gs/gateways/${gatewayId}/connection/stats`);
}

/** Join, then a confirmed uplink, each answered in RX1 at its delay. */
async function joinAndConfirm(gateway: SimulatedGateway, device: VirtualDevice) {
  const accept = await exchange(gateway, device.joinRequest());
  assertAt(accept.downlink.startsAt, accept.endedAt + 5000, "join-accept (JoinAcceptDelay1)");
  assert.equal(accept.downlink.frequencyHz, 868_100_000);
  assert.deepEqual(
    [accept.downlink.rate.spreadingFactor, accept.downlink.rate.bandwidth],
    [7, 125_000],
  );
  const session = device.acceptJoin(accept.downlink.phyPayload);
  const rxDelay = Math.max(1, session.joinAccept.rxDelay);
  const ack = await exchange(
    gateway,
    device.uplink({ confirmed: true, fPort: 2, payload: hex("c0ffee") }),
  );
  assertAt(ack.downlink.startsAt, ack.endedAt + rxDelay * 1000, "acknowledgment (RX1)");
  assert.equal(device.readDownlink(ack.downlink.phyPayload).frame.fCtrl.ack, true);
}

describe("simulated gateways with the real program", () => {
  before(async () => {
    const udpPort = await freePort();
    stack = await startLorastack({
      env: {
        LORASTACK_NS_NET_ID: "000013",
        LORASTACK_NS_DEV_ADDR_PREFIXES: "26000000/7",
        LORASTACK_UDP_LISTEN: `127.0.0.1:${udpPort}`,
        LORASTACK_GS_BASIC_STATION_ALLOW_UNAUTHENTICATED: "true",
      },
    });
    adminKey = await createAdmin(stack.dataDir);
    await api("POST", "/users/admin/applications", {
      application: { ids: { application_id: "app1" } },
    });
    for (const [id, eui] of [
      ["sim-udp", "AA555A0000000201"],
      ["sim-lbs", "0016C001FFFE0201"],
    ]) {
      await api("POST", "/users/admin/gateways", {
        gateway: { ids: { gateway_id: id, eui }, frequency_plan_ids: ["EU_863_870_TTN"] },
      });
    }
    await register("dev-udp", "0004A30B00000201", "11".repeat(16));
    await register("dev-lbs", "0004A30B00000202", "22".repeat(16));
    // Counters near their wrap: a tmst/xtime mapping that forgets it is off by 71 minutes.
    udp = new UdpGateway({
      id: "sim-udp",
      eui: "AA555A0000000201",
      host: "127.0.0.1",
      port: udpPort,
      clock,
      keepAliveMs: 200,
      counterOffset: 2 ** 32 - 3_000_000 - Math.round(clock() * 1000),
    });
    station = new BasicStationGateway({
      id: "sim-lbs",
      eui: "0016C001FFFE0201",
      url: `ws://${stack.listeners.get("basic_station")}`,
      clock,
      session: 0x65,
      counterOffset: 2 ** 40,
    });
    await Promise.all([udp.start(), station.start()]);
  });

  after(async () => {
    await Promise.all([udp?.stop(), station?.stop()]);
    await stack?.stop();
  });

  it("forward joins and uplinks, and transmit the answers in RX1 on the clock", async () => {
    const device = (devEui: string, appKey: string) =>
      new VirtualDevice({
        joinEui: hex(joinEui),
        devEui: hex(devEui),
        appKey: hex(appKey),
        version: "1.0",
      });
    await Promise.all([
      joinAndConfirm(udp, device("0004A30B00000201", "11".repeat(16))),
      joinAndConfirm(station, device("0004A30B00000202", "22".repeat(16))),
    ]);
    for (const id of ["sim-udp", "sim-lbs"]) {
      const connection = await stats(id);
      assert.equal(Number(connection.uplink_count), 2, `${id} uplinks`);
      assert.equal(Number(connection.downlink_count), 2, `${id} downlinks`);
      assert.ok(Number(connection.tx_acknowledgment_count) >= 2, `${id} TX_ACK/dntxed seen`);
    }
    assert.equal(udp.stats.transmitted, 2);
    assert.equal(station.stats.transmitted, 2);
    assert.ok(udp.stats.pushAcks >= 2);
  });

  it("keeps the UDP gateway connected with keep-alives", async () => {
    const before = udp.stats.pullAcks;
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (udp.stats.pullAcks >= before + 3) {
          clearInterval(check);
          resolve();
        }
      }, 50);
    });
    const connection = await stats("sim-udp");
    assert.ok(connection.connected_at, "still connected");
  });
});
