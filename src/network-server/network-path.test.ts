// The Network Server's uplink and downlink paths together, in one process: the uplink pipeline,
// the cached device store (group commit), the real downlink scheduler and a Gateway Server that
// records what it is asked to send and says it was scheduled. Scenario rows: device state,
// frames in, frames and state out. The devices are virtual devices that read every downlink
// as a device does (test/harness/virtual-device.ts).
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { durationFromMs, timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { Client } from "@connectrpc/connect";
import pino from "pino";
import { Registry } from "prom-client";
import { VirtualDevice } from "../../test/harness/virtual-device.ts";
import { InProcessDeduplicator } from "../cluster/in-process/deduplicator.ts";
import { InProcessPubSub } from "../cluster/in-process/pubsub.ts";
import { sqlTaskQueue } from "../cluster/sql/task-queue.ts";
import type { StoredTaskQueue } from "../cluster/tasks/queue.ts";
import type { StackEvent } from "../events/event.ts";
import { EventBus } from "../events/index.ts";
import { FrequencyPlans } from "../frequency-plans/index.ts";
import { type EndDevice, EndDeviceSchema } from "../gen/ttn/lorawan/v3/end_device_pb.js";
import {
  type NsGs,
  ScheduleDownlinkResponseSchema,
} from "../gen/ttn/lorawan/v3/gatewayserver_pb.js";
import { MACVersion, PHYVersion } from "../gen/ttn/lorawan/v3/lorawan_pb.js";
import {
  type ApplicationUp,
  type DownlinkMessage,
  type UplinkMessage,
  UplinkMessageSchema,
} from "../gen/ttn/lorawan/v3/messages_pb.js";
import { StaticKeyVault } from "../key-vault/static-key-vault.ts";
import { encodeMacCommands } from "../lorawan/mac/index.ts";
import { type Database, openDatabase } from "../storage/index.ts";
import { migrateToLatest } from "../storage/migrate.ts";
import {
  type CachedDeviceStore,
  createCachedDeviceStore,
} from "./device-store/cached-device-store.ts";
import { createDownlinkScheduler, type DownlinkScheduler } from "./downlink/scheduler.ts";
import { createNetworkServerRegistries, type NetworkServerRegistries } from "./registry/index.ts";
import { defaultMacSettings } from "./services/default-mac-settings.ts";
import { deviceBand } from "./services/device-band.ts";
import { defaultNewMacState } from "./services/mac-state.ts";
import { uplinkPipelineMetrics } from "./uplink/metrics.ts";
import { createUplinkPipeline, type UplinkPipeline } from "./uplink/pipeline.ts";

const DEFAULTS = {
  adr_margin: 15,
  desired_rx1_delay: 5,
  class_b_timeout: 600_000,
  class_c_timeout: 300_000,
  status_time_periodicity: 86_400_000,
  status_count_periodicity: 200,
};
const hex = (text: string) => new Uint8Array(Buffer.from(text, "hex"));
const logger = pino({ level: "silent" });
const frequencyPlans = FrequencyPlans.builtIn();
const NWK_S_KEY = hex("2b7e151628aed2a6abf7158809cf4f3c");
const APP_S_KEY = hex("3b7e151628aed2a6abf7158809cf4f3c");
const DEV_ADDR = hex("260b1234");
const KEY = { applicationId: "app1", deviceId: "dev1" };

/** A Gateway Server that records the downlinks it is asked for and schedules each. */
class RecordingGatewayServer {
  requests: DownlinkMessage[] = [];
  #waiters: ((message: DownlinkMessage) => void)[] = [];
  client(): Client<typeof NsGs> {
    return {
      scheduleDownlink: async (message: DownlinkMessage) => {
        this.requests.push(message);
        this.#waiters.shift()?.(message);
        return create(ScheduleDownlinkResponseSchema, { delay: durationFromMs(1000), rx1: true });
      },
    } as unknown as Client<typeof NsGs>;
  }
}

let folder: string;
let counter = 0;
let database: Database;
let registries: NetworkServerRegistries;
let store: CachedDeviceStore;
let tasks: StoredTaskQueue;
let scheduler: DownlinkScheduler;
let pipeline: UplinkPipeline;
let gateway: RecordingGatewayServer;
let events: StackEvent[];
let forwarded: ApplicationUp[];

function abpDevice(): EndDevice {
  const device = create(EndDeviceSchema, {
    ids: { applicationIds: { applicationId: KEY.applicationId }, deviceId: KEY.deviceId },
    frequencyPlanId: "EU_863_870_TTN",
    lorawanVersion: MACVersion.MAC_V1_0_2,
    lorawanPhyVersion: PHYVersion.RP001_V1_0_2_REV_B,
    // No DevStatusReq in these scenarios unless a row asks for one.
    macSettings: { statusCountPeriodicity: 0, statusTimePeriodicity: { seconds: 0n } },
    session: {
      devAddr: DEV_ADDR,
      startedAt: timestampFromMs(Date.now() - 60_000),
      // A 1.0.x session holds its NwkSKey in all three network keys, as after a join.
      keys: {
        sessionKeyId: hex("01"),
        fNwkSIntKey: { key: NWK_S_KEY },
        sNwkSIntKey: { key: NWK_S_KEY },
        nwkSEncKey: { key: NWK_S_KEY },
      },
    },
  });
  const band = deviceBand(frequencyPlans, device.frequencyPlanId, device.lorawanPhyVersion);
  device.macState = defaultNewMacState(device, band, defaultMacSettings(band, DEFAULTS));
  return device;
}

function virtualDevice(): VirtualDevice {
  const device = new VirtualDevice({
    joinEui: hex("0000000000000000"),
    devEui: hex("0004a30b001c0530"),
    appKey: hex("00".repeat(16)),
    version: "1.0",
  });
  device.useSession({
    devAddr: DEV_ADDR,
    fNwkSIntKey: NWK_S_KEY,
    sNwkSIntKey: NWK_S_KEY,
    nwkSEncKey: NWK_S_KEY,
    appSKey: APP_S_KEY,
  });
  return device;
}

/** The uplink as the Gateway Server hands it on, heard at `sf` with `snr`. */
function reception(phy: Uint8Array, sf = 7, snr = 9, frequency = 868_100_000n): UplinkMessage {
  return create(UplinkMessageSchema, {
    rawPayload: phy,
    settings: {
      dataRate: {
        modulation: {
          case: "lora",
          value: { spreadingFactor: sf, bandwidth: 125_000, codingRate: "4/5" },
        },
      },
      frequency,
      timestamp: 1_000_000,
    },
    rxMetadata: [
      {
        gatewayIds: { gatewayId: "gw1" },
        snr,
        channelRssi: -50,
        rssi: -50,
        uplinkToken: hex("0a0b"),
      },
    ],
    correlationIds: ["gs:uplink:test"],
  });
}

/** Sends an uplink and returns the downlink the NS asked the gateway to send, if any. */
async function send(phy: Uint8Array, sf = 7, snr = 9): Promise<DownlinkMessage | undefined> {
  const before = gateway.requests.length;
  pipeline.handleUplink(reception(phy, sf, snr));
  await pipeline.idle();
  return gateway.requests[before];
}

const stored = () => registries.devices.get(KEY);

before(async () => {
  folder = await mkdtemp(join(tmpdir(), "ns-path-"));
});
after(async () => {
  await rm(folder, { recursive: true, force: true });
});
beforeEach(async () => {
  database = await openDatabase({ engine: "sqlite", file: join(folder, `${++counter}.db`) });
  await migrateToLatest(database.db, database.engine);
  registries = createNetworkServerRegistries({
    database,
    keyVault: new StaticKeyVault(new Map([["k", hex("000102030405060708090a0b0c0d0e0f")]]), "k"),
    config: { device_kek_label: "" },
  });
  await registries.devices.update(KEY, () => abpDevice());
  store = createCachedDeviceStore({
    registry: registries.devices,
    pubsub: new InProcessPubSub(),
    logger,
  });
  await store.start();
  tasks = sqlTaskQueue(database, { logger, pollIntervalMs: 50, leaseMs: 5000 });
  gateway = new RecordingGatewayServer();
  events = [];
  forwarded = [];
  const bus = new EventBus();
  bus.listen((event) => events.push(event));
  const forwarder = {
    forward: async (ups: readonly ApplicationUp[]) => void forwarded.push(...ups),
  };
  scheduler = createDownlinkScheduler({
    store,
    gatewayServer: () => gateway.client(),
    tasks,
    forwarder,
    events: bus,
    frequencyPlans,
    logger,
  });
  scheduler.start();
  pipeline = createUplinkPipeline({
    store,
    deduplicator: new InProcessDeduplicator<UplinkMessage>(),
    joins: { handle: async () => undefined },
    downlinks: scheduler,
    forwarder,
    events: bus,
    frequencyPlans,
    metrics: uplinkPipelineMetrics(new Registry()),
    logger,
    deduplicationWindowMs: 20,
    cooldownWindowMs: 40,
    defaultMacSettings: DEFAULTS,
    netId: hex("000013"),
  });
});
afterEach(async () => {
  await scheduler.stop();
  await store.stop();
  tasks.close();
  await database.close();
});

describe("network path: uplinks, MAC, ADR and class A downlinks", () => {
  it("a confirmed uplink is acknowledged in RX1 and RX2 of its uplink token", async () => {
    const device = virtualDevice();
    const down = await send(device.uplink({ confirmed: true, fPort: 1, payload: hex("01") }));
    assert.ok(down, "a downlink");
    const request = down.settings.case === "request" ? down.settings.value : undefined;
    assert.equal(request?.rx1Delay, 1);
    assert.equal(request?.rx1Frequency, 868_100_000n);
    assert.equal(request?.rx2Frequency, 869_525_000n);
    assert.deepEqual(request?.downlinkPaths[0]?.path.value, hex("0a0b"));
    const read = device.readDownlink(down.rawPayload);
    assert.equal(read.frame.fCtrl.ack, true);
    assert.equal(read.fCnt, 0);
    assert.equal((await stored())?.session?.lastNFCntDown, 0);
    assert.equal(forwarded.length, 1);
  });

  it("ADR: an uplink at SF12 heard well gets LinkADRReq DR5, and the device's answer is applied", async () => {
    const device = virtualDevice();
    const down = await send(device.uplink({ fPort: 1, payload: hex("01"), adr: true }), 12, 10);
    assert.ok(down, "a downlink with the request");
    const read = device.readDownlink(down.rawPayload);
    const linkAdr = read.commands.filter((command) => command.name === "LinkADRReq");
    assert.equal(linkAdr.length, 1);
    assert.equal((linkAdr[0] as { dataRateIndex: number }).dataRateIndex, 5);
    const answer = encodeMacCommands(
      [{ cid: 0x03, name: "LinkADRAns", powerAck: true, dataRateAck: true, channelMaskAck: true }],
      "uplink",
    );
    await send(device.uplink({ fPort: 1, payload: hex("02"), fOpts: answer }), 7, 10);
    const after = await stored();
    assert.equal(after?.macState?.currentParameters?.adrDataRateIndex, 5);

    assert.ok(events.some((event) => event.name === "ns.mac.link_adr.answer.accept"));
  });

  it("a MAC request the device does not answer is sent again with the next downlinks, then given up", async () => {
    const device = virtualDevice();
    await send(device.uplink({ fPort: 1, payload: hex("01"), adr: true }), 12, 10);
    for (let uplink = 0; uplink < 4; uplink++)
      await send(device.uplink({ fPort: 1, payload: hex("01"), adr: false }), 12, 10);
    assert.ok(events.some((event) => event.name === "ns.mac.request.give_up"));
    // The count is stored with the MAC state: it survives a restart, and the downlink path
    // (not only the uplink's) honours it.
    assert.ok(((await stored())?.macState?.unansweredRequests[0x03] ?? 0) >= 3);
    const confirmed = await send(
      device.uplink({ confirmed: true, fPort: 1, payload: hex("01"), adr: true }),
      12,
      10,
    );
    assert.ok(confirmed, "the ACK");
    const read = device.readDownlink(confirmed.rawPayload);
    assert.deepEqual(
      read.commands.filter((command) => command.name === "LinkADRReq"),
      [],
      "a given-up request is not asked again",
    );
  });
});

describe("network path: multicast group (class C)", () => {
  const GROUP = { applicationId: "app1", deviceId: "group1" };
  const GROUP_ADDR = hex("260bfff0");
  const GROUP_NWK = hex("4b7e151628aed2a6abf7158809cf4f3c");
  const GROUP_APP = hex("5b7e151628aed2a6abf7158809cf4f3c");
  // Loaded here so that this scenario adds no import to the file's shared header.
  const load = async () => ({
    asNs: await import("./services/as-ns.ts"),
    messages: await import("../gen/ttn/lorawan/v3/messages_pb.js"),
    lorawan: await import("../gen/ttn/lorawan/v3/lorawan_pb.js"),
    crypto: await import("../lorawan/crypto/index.ts"),
  });

  /** Polls for what the scheduler's task does after the push returned. */
  async function until<T>(
    value: () => T | undefined | Promise<T | undefined>,
    timeoutMs = 5000,
  ): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const found = await value();
      if (found !== undefined) return found;
      if (Date.now() > end) throw new Error("not reached");
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  it("AsNs push wakes the scheduler; both named gateway groups get the frame a member device reads", async () => {
    const { asNs, messages, lorawan, crypto } = await load();
    const group = create(EndDeviceSchema, {
      ids: { applicationIds: { applicationId: GROUP.applicationId }, deviceId: GROUP.deviceId },
      frequencyPlanId: "EU_863_870_TTN",
      lorawanVersion: MACVersion.MAC_V1_0_2,
      lorawanPhyVersion: PHYVersion.RP001_V1_0_2_REV_B,
      multicast: true,
      supportsClassC: true,
      session: {
        devAddr: GROUP_ADDR,
        keys: {
          sessionKeyId: hex("02"),
          fNwkSIntKey: { key: GROUP_NWK },
          sNwkSIntKey: { key: GROUP_NWK },
          nwkSEncKey: { key: GROUP_NWK },
        },
      },
    });
    const band = deviceBand(frequencyPlans, group.frequencyPlanId, group.lorawanPhyVersion);
    group.macState = defaultNewMacState(group, band, defaultMacSettings(band, DEFAULTS));
    assert.equal(group.macState.deviceClass, lorawan.Class.C, "a new group's MAC state is class C");
    await store.commit(GROUP, () => group);

    const service = asNs.asNsService({ store, scheduler, frequencyPlans, logger });
    const plain = hex("c0ffee");
    const push = async (fCnt: number) =>
      service.downlinkQueuePush?.(
        create(messages.DownlinkQueueRequestSchema, {
          endDeviceIds: group.ids,
          downlinks: [
            {
              sessionKeyId: hex("02"),
              fPort: 7,
              fCnt,
              frmPayload: crypto.encryptFrmPayload(GROUP_APP, "downlink", GROUP_ADDR, fCnt, plain),
              correlationIds: [`as:down:${fCnt}`],
              classBC: {
                gateways: [
                  { gatewayIds: { gatewayId: "gw-north" }, groupIndex: 0 },
                  { gatewayIds: { gatewayId: "gw-south" }, groupIndex: 1 },
                ],
              },
            },
          ],
        }),
        {} as never,
      );
    await push(1);
    const [north, south] = await until(() =>
      gateway.requests.length >= 2 ? gateway.requests.slice(0, 2) : undefined,
    );
    assert.ok(north && south);
    const gatewayOf = (message: DownlinkMessage) => {
      const request = message.settings.case === "request" ? message.settings.value : undefined;
      assert.equal(request?.class, lorawan.Class.C);
      assert.equal(request?.rx2Frequency, 869_525_000n);
      const path = request?.downlinkPaths[0]?.path;
      return path?.case === "fixed" ? path.value.gatewayIds?.gatewayId : undefined;
    };
    assert.deepEqual([gatewayOf(north), gatewayOf(south)], ["gw-north", "gw-south"]);

    // A member of the group holds the multicast session and reads the frame as sent.
    const member = new VirtualDevice({
      joinEui: hex("0000000000000000"),
      devEui: hex("0004a30b001c0531"),
      appKey: hex("00".repeat(16)),
      version: "1.0",
    });
    member.useSession({
      devAddr: GROUP_ADDR,
      fNwkSIntKey: GROUP_NWK,
      sNwkSIntKey: GROUP_NWK,
      nwkSEncKey: GROUP_NWK,
      appSKey: GROUP_APP,
    });
    const read = member.readDownlink(north.rawPayload);
    assert.equal(read.confirmed, false);
    assert.equal(read.fCnt, 1);
    assert.deepEqual(read.payload, plain);
    assert.deepEqual(read.commands, []);
    assert.deepEqual(south.rawPayload, north.rawPayload);

    // Committed as sent: the group's counter moved on and its queue is empty.
    const session = await until(async () => {
      const current = (await registries.devices.get(GROUP))?.session;
      return current?.queuedApplicationDownlinks.length === 0 ? current : undefined;
    });
    assert.equal(session.lastNFCntDown, 1);
    assert.ok(events.some((event) => event.name === "ns.down.data.schedule.success"));
  });
});

describe("network path: the outbox to the Application Server", () => {
  // Loaded here so that this scenario adds no import to the file's shared header.
  const load = async () => ({
    relay: await import("./application-uplinks/outbox-relay.ts"),
    outbox: await import("./registry/outbox.ts"),
  });

  it("an uplink committed but not handed over (a crash) stays in the outbox and is relayed once", async () => {
    const { relay, outbox } = await load();
    // The process "dies" before the hand-over: the forwarder never takes the messages.
    const dead = { forward: async () => Promise.reject(new Error("gone")) };
    const crashed = createUplinkPipeline({
      store,
      deduplicator: new InProcessDeduplicator<UplinkMessage>(),
      joins: { handle: async () => undefined },
      downlinks: scheduler,
      forwarder: dead,
      outbox: relay.createApplicationUpOutbox({ db: database.db, forwarder: dead, logger }),
      events: new EventBus(),
      frequencyPlans,
      metrics: uplinkPipelineMetrics(new Registry()),
      logger,
      deduplicationWindowMs: 20,
      cooldownWindowMs: 40,
      defaultMacSettings: DEFAULTS,
      netId: hex("000013"),
    });
    const device = virtualDevice();
    const frame = device.uplink({ fPort: 7, payload: hex("0102") });
    crashed.handleUplink(reception(frame));
    await crashed.idle();
    assert.equal((await stored())?.session?.lastFCntUp, 0, "the uplink was committed");
    const rows = await outbox.readOutbox(database.db, { beforeMs: Date.now() + 1, limit: 10 });
    assert.equal(rows.length, 1, "its message was written with the commit");

    // A replay of the same frame is refused: nothing more is written.
    crashed.handleUplink(reception(frame));
    await crashed.idle();
    assert.equal(
      (await outbox.readOutbox(database.db, { beforeMs: Date.now() + 1, limit: 10 })).length,
      1,
    );

    // After the restart, the relay hands it over and clears it.
    const restarted = relay.createApplicationUpOutbox({
      db: database.db,
      forwarder: { forward: async (ups) => void forwarded.push(...ups) },
      logger,
      graceMs: 0,
    });
    assert.equal(await restarted.relay(), 1);
    assert.equal(forwarded.length, 1);
    const up = forwarded[0]?.up;
    assert.equal(up?.case, "uplinkMessage");
    assert.equal(up?.case === "uplinkMessage" && up.value.fPort, 7);
    assert.equal(up?.case === "uplinkMessage" && up.value.fCnt, 0);
    assert.equal(await restarted.relay(), 0, "handed over once");
    await restarted.stop();
  });

  it("an uplink handed over leaves nothing in the outbox", async () => {
    const { relay, outbox } = await load();
    const forwarder = {
      forward: async (ups: readonly ApplicationUp[]) => void forwarded.push(...ups),
    };
    const used = relay.createApplicationUpOutbox({
      db: database.db,
      forwarder,
      logger,
      removeDelayMs: 1,
    });
    const live = createUplinkPipeline({
      store,
      deduplicator: new InProcessDeduplicator<UplinkMessage>(),
      joins: { handle: async () => undefined },
      downlinks: scheduler,
      forwarder,
      outbox: used,
      events: new EventBus(),
      frequencyPlans,
      metrics: uplinkPipelineMetrics(new Registry()),
      logger,
      deduplicationWindowMs: 20,
      cooldownWindowMs: 40,
      defaultMacSettings: DEFAULTS,
      netId: hex("000013"),
    });
    live.handleUplink(reception(virtualDevice().uplink({ fPort: 7, payload: hex("0102") })));
    await live.idle();
    assert.equal(forwarded.length, 1);
    await used.stop();
    assert.deepEqual(
      await outbox.readOutbox(database.db, { beforeMs: Date.now() + 1, limit: 10 }),
      [],
    );
  });
});
