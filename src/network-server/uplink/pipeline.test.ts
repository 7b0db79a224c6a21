// The uplink path end to end on a real registry (SQLite), the in-process deduplicator and event
// bus, with the join and downlink parts and the Application Server recorded: scenario rows of
// {name, device state, frames in, what comes out}.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import pino from "pino";
import { Registry } from "prom-client";
import { InProcessDeduplicator } from "../../cluster/in-process/deduplicator.ts";
import type { StackEvent } from "../../events/event.ts";
import { EventBus } from "../../events/index.ts";
import { FrequencyPlans } from "../../frequency-plans/index.ts";
import { type EndDevice, EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { MACVersion, PHYVersion } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import {
  type ApplicationUp,
  type UplinkMessage,
  UplinkMessageSchema,
} from "../../gen/ttn/lorawan/v3/messages_pb.js";
import { StaticKeyVault } from "../../key-vault/static-key-vault.ts";
import { encodeMacCommands } from "../../lorawan/mac/index.ts";
import { type Database, openDatabase } from "../../storage/index.ts";
import { migrateToLatest } from "../../storage/migrate.ts";
import { registryDeviceStore } from "../device-store/device-store.ts";
import { toStateCommand } from "../mac/commands.ts";
import { createNetworkServerRegistries, type NetworkServerRegistries } from "../registry/index.ts";
import { defaultMacSettings } from "../services/default-mac-settings.ts";
import { deviceBand } from "../services/device-band.ts";
import { defaultNewMacState } from "../services/mac-state.ts";
import { uplinkPipelineMetrics } from "./metrics.ts";
import {
  createUplinkPipeline,
  type UplinkPipeline,
  type UplinkPipelineOptions,
} from "./pipeline.ts";
import { buildUplink, hex } from "./testing.ts";

const DEFAULTS = {
  adr_margin: 15,
  desired_rx1_delay: 5,
  class_b_timeout: 600_000,
  class_c_timeout: 300_000,
  status_time_periodicity: 86_400_000,
  status_count_periodicity: 200,
};
const NWK_S_KEY = hex("2b7e151628aed2a6abf7158809cf4f3c");
const OTHER_KEY = hex("000102030405060708090a0b0c0d0e0f");
const DEV_ADDR = hex("260b1234");
const frequencyPlans = FrequencyPlans.builtIn();

let folder: string;
let database: Database;
let registries: NetworkServerRegistries;
let events: StackEvent[];
let forwarded: ApplicationUp[];
let answered: { device: EndDevice; uplink: UplinkMessage }[];
let seen: string[];
let pipeline: UplinkPipeline;
let pipelineOptions: UplinkPipelineOptions;
let metrics: Registry;
let counter = 0;

/** An ABP device of EU868, LoRaWAN 1.0.2, its session at `lastFCntUp`, as the registry makes it. */
function abpDevice(
  deviceId: string,
  options: { lastFCntUp?: number; nwkSKey?: Uint8Array; uplinks?: boolean } = {},
): EndDevice {
  const device = create(EndDeviceSchema, {
    ids: { applicationIds: { applicationId: "app1" }, deviceId, devEui: hex("0004a30b001c0530") },
    frequencyPlanId: "EU_863_870",
    lorawanVersion: MACVersion.MAC_V1_0_2,
    lorawanPhyVersion: PHYVersion.RP001_V1_0_2_REV_B,
    session: {
      devAddr: DEV_ADDR,
      lastFCntUp: options.lastFCntUp ?? 0,
      startedAt: timestampFromMs(Date.now() - 60_000),
      keys: { sessionKeyId: hex("01"), fNwkSIntKey: { key: options.nwkSKey ?? NWK_S_KEY } },
    },
  });
  const band = deviceBand(frequencyPlans, device.frequencyPlanId, device.lorawanPhyVersion);
  device.macState = defaultNewMacState(device, band, defaultMacSettings(band, DEFAULTS));
  return device;
}

async function store(device: EndDevice): Promise<void> {
  await registries.devices.update(
    { applicationId: "app1", deviceId: device.ids?.deviceId ?? "" },
    () => device,
  );
}

/** One gateway's reception of a PHYPayload at SF `sf`, with the gateway's SNR. */
function reception(phyPayload: Uint8Array, gatewayId: string, snr = 7, sf = 7): UplinkMessage {
  return create(UplinkMessageSchema, {
    rawPayload: phyPayload,
    settings: {
      dataRate: {
        modulation: {
          case: "lora",
          value: { spreadingFactor: sf, bandwidth: 125_000, codingRate: "4/5" },
        },
      },
      frequency: 868_100_000n,
    },
    rxMetadata: [
      { gatewayIds: { gatewayId }, snr, channelRssi: -40, rssi: -40, uplinkToken: hex("0a0b") },
    ],
    correlationIds: [`gs:uplink:${gatewayId}`],
  });
}

function frame(
  fCnt: number,
  options: { fOpts?: Uint8Array; fPort?: number; key?: Uint8Array; confirmed?: boolean } = {},
): Uint8Array {
  return buildUplink(
    {
      devAddr: DEV_ADDR,
      fCnt,
      ...(options.fOpts ? { fOpts: options.fOpts } : {}),
      ...(options.fPort !== undefined ? { fPort: options.fPort } : {}),
      ...(options.confirmed ? { confirmed: true } : {}),
    },
    { version: "1.0", nwkSKey: options.key ?? NWK_S_KEY },
  ).phyPayload;
}

async function send(...receptions: UplinkMessage[]): Promise<void> {
  for (const message of receptions) pipeline.handleUplink(message);
  await pipeline.idle();
}

const named = (name: string) => events.filter((event) => event.name === name);
const stored = (deviceId = "dev1") => registries.devices.get({ applicationId: "app1", deviceId });
async function dropped(reason: string): Promise<number> {
  const metric = await metrics.getSingleMetric("lorastack_ns_uplinks_dropped_total")?.get();
  return metric?.values.find((value) => value.labels.reason === reason)?.value ?? 0;
}

before(async () => {
  folder = await mkdtemp(join(tmpdir(), "ns-pipeline-"));
});
after(async () => {
  await database?.close();
  await rm(folder, { recursive: true, force: true });
});
beforeEach(async () => {
  await database?.close();
  database = await openDatabase({ engine: "sqlite", file: join(folder, `${++counter}.db`) });
  await migrateToLatest(database.db, database.engine);
  registries = createNetworkServerRegistries({
    database,
    keyVault: new StaticKeyVault(new Map([["k", OTHER_KEY]]), "k"),
    config: { device_kek_label: "" },
  });
  events = [];
  forwarded = [];
  answered = [];
  seen = [];
  const bus = new EventBus();
  bus.listen((event) => events.push(event));
  metrics = new Registry();
  pipelineOptions = {
    store: registryDeviceStore(registries.devices),
    deduplicator: new InProcessDeduplicator<UplinkMessage>(),
    joins: { handle: async () => undefined },
    lastSeen: { seen: (app, dev, atMs) => seen.push(`${app}/${dev}@${typeof atMs}`) },
    downlinks: {
      afterUplink: async ({ device, uplink }) => {
        answered.push({ device, uplink });
      },
    },
    forwarder: {
      forward: async (ups) => {
        forwarded.push(...ups);
      },
    },
    events: bus,
    frequencyPlans,
    metrics: uplinkPipelineMetrics(metrics),
    logger: pino({ level: "silent" }),
    deduplicationWindowMs: 30,
    cooldownWindowMs: 60,
    defaultMacSettings: DEFAULTS,
    netId: hex("000013"),
  };
  pipeline = createUplinkPipeline(pipelineOptions);
});

describe("uplink pipeline: joins", () => {
  it("an accepted join notes the device's last-seen time; a refused one does not", async () => {
    const joinRequest = new Uint8Array(23); // MHDR 0x00 (join-request), EUIs, DevNonce, MIC
    joinRequest[19] = 1;
    await send(reception(joinRequest, "gw1"));
    assert.deepEqual(seen, [], "refused (the join part answered nothing)");

    const device = abpDevice("dev9");
    pipeline = createUplinkPipeline({
      ...pipelineOptions,
      joins: { handle: async () => device },
    });
    joinRequest[19] = 2; // another DevNonce: another frame
    await send(reception(joinRequest, "gw1"));
    assert.deepEqual(seen, ["app1/dev9@number"]);
  });
});

describe("uplink pipeline: data uplinks", () => {
  it("a frame heard by three gateways is delivered once, with three rx metadata", async () => {
    await store(abpDevice("dev1", { lastFCntUp: 4 }));
    const phy = frame(5);
    await send(reception(phy, "gw1", 3), reception(phy, "gw2", 9), reception(phy, "gw3", -2));
    assert.equal(forwarded.length, 1);
    const up = forwarded[0] as ApplicationUp;
    assert.equal(up.up.case, "uplinkMessage");
    const uplink = up.up.value as {
      fCnt: number;
      fPort: number;
      rxMetadata: unknown[];
      frmPayload: Uint8Array;
    };
    assert.equal(uplink.fCnt, 5);
    assert.equal(uplink.fPort, 1);
    assert.deepEqual(uplink.frmPayload, hex("0102"));
    assert.equal(uplink.rxMetadata.length, 3);
    assert.equal(up.endDeviceIds?.deviceId, "dev1");
    assert.deepEqual(up.endDeviceIds?.devAddr, DEV_ADDR);
    assert.equal(named("ns.up.data.process").length, 1);
    assert.equal(answered.length, 1, "one class A opportunity");
    assert.equal(answered[0]?.uplink.rxMetadata.length, 3);
    const device = await stored();
    assert.equal(device?.session?.lastFCntUp, 5);
    assert.equal(device?.macState?.recentUplinks.length, 1);
    assert.equal(device?.macState?.recentUplinks[0]?.rxMetadata.length, 3);
    assert.equal(seen.length, 1, "the device's last-seen time noted once");
    assert.match(seen[0] ?? "", /^\w+\/dev1@number$/);
  });

  it("frames of a new session arriving in a burst are all taken (the pending session turns current)", async () => {
    // After a join: only a pending session. A gateway that buffered frames sends them together,
    // so the second is matched to the pending session before the first made it current.
    const device = abpDevice("dev1");
    device.pendingSession = device.session;
    device.pendingMacState = device.macState;
    device.session = undefined;
    device.macState = undefined;
    await store(device);
    // The cached store's group commit writes the three changes in one transaction, each seeing
    // the previous one's result: the way the component runs.
    const { createCachedDeviceStore } = await import("../device-store/cached-device-store.ts");
    const { InProcessPubSub } = await import("../../cluster/in-process/pubsub.ts");
    const cached = createCachedDeviceStore({
      registry: registries.devices,
      pubsub: new InProcessPubSub(),
      logger: pino({ level: "silent" }),
      intervalMs: 20,
    });
    await cached.start();
    pipeline = createUplinkPipeline({ ...pipelineOptions, store: cached });
    await send(reception(frame(0), "gw1"), reception(frame(1), "gw1"), reception(frame(2), "gw1"));
    assert.deepEqual(
      forwarded.map((up) => (up.up.case === "uplinkMessage" ? up.up.value.fCnt : -1)).sort(),
      [0, 1, 2],
    );
    assert.equal(await dropped("device_changed"), 0);
    const after = await stored();
    assert.equal(after?.session?.lastFCntUp, 2);
    assert.equal(after?.pendingSession, undefined);
    // A replay of the first frame is still refused.
    await send(reception(frame(0), "gw2"));
    assert.equal(forwarded.length, 3);
    await cached.stop();
  });

  const rows: {
    name: string;
    lastFCntUp: number;
    fCnt: number;
    forwardedFCnt: number | undefined;
    drop?: string;
    storedFCnt: number;
  }[] = [
    { name: "a new frame", lastFCntUp: 10, fCnt: 11, forwardedFCnt: 11, storedFCnt: 11 },
    {
      name: "a replay is rejected, with its reason",
      lastFCntUp: 10,
      fCnt: 5,
      forwardedFCnt: undefined,
      drop: "f_cnt_too_low",
      storedFCnt: 10,
    },
    {
      name: "FCnt rollover 65535 → 65536",
      lastFCntUp: 65_535,
      fCnt: 65_536,
      forwardedFCnt: 65_536,
      storedFCnt: 65_536,
    },
    {
      name: "a gap within the rules",
      lastFCntUp: 100,
      fCnt: 1_000,
      forwardedFCnt: 1_000,
      storedFCnt: 1_000,
    },
  ];
  for (const row of rows) {
    it(row.name, async () => {
      await store(abpDevice("dev1", { lastFCntUp: row.lastFCntUp }));
      await send(reception(frame(row.fCnt), "gw1"));
      const up = forwarded[0]?.up.value as { fCnt: number } | undefined;
      assert.equal(up?.fCnt, row.forwardedFCnt);
      if (row.drop) {
        const drops = named("ns.up.data.drop");
        assert.equal(drops.length, 1);
        assert.equal((drops[0]?.data as { name: string } | undefined)?.name, row.drop);
        assert.equal(await dropped(row.drop), 1);
      } else assert.equal(named("ns.up.data.drop").length, 0);
      assert.equal((await stored())?.session?.lastFCntUp, row.storedFCnt);
    });
  }

  it("a retransmission is not delivered again, but still gets its class A answer", async () => {
    await store(abpDevice("dev1", { lastFCntUp: 4 }));
    const phy = frame(5, { confirmed: true });
    await send(reception(phy, "gw1"));
    // After the window and its cooldown, the same frame is a retransmission of the device.
    await new Promise((resolve) => setTimeout(resolve, 120));
    await send(reception(phy, "gw1"));
    assert.equal(forwarded.length, 1);
    assert.equal(answered.length, 2);
    assert.equal(named("ns.up.data.process").length, 1);
    assert.equal(seen.length, 2, "a retransmission is the device seen again");
  });

  it("a reception after the window is a late duplicate of the device's frame, not a new uplink", async () => {
    await store(abpDevice("dev1", { lastFCntUp: 4 }));
    const phy = frame(5);
    await send(reception(phy, "gw1"));
    await send(reception(phy, "gw2"));
    assert.equal(forwarded.length, 1);
    assert.equal(named("ns.up.receive_duplicate").length, 1);
  });

  it("three devices share a DevAddr: the one whose MIC verifies gets the frame", async () => {
    await store(abpDevice("dev1", { nwkSKey: OTHER_KEY }));
    await store(abpDevice("dev2"));
    await store(abpDevice("dev3", { nwkSKey: hex("ffeeddccbbaa99887766554433221100") }));
    await send(reception(frame(1), "gw1"));
    assert.equal(forwarded.length, 1);
    assert.equal(forwarded[0]?.endDeviceIds?.deviceId, "dev2");
    assert.equal((await stored("dev2"))?.session?.lastFCntUp, 1);
    assert.equal((await stored("dev1"))?.session?.lastFCntUp, 0);
  });

  it("a frame nobody's MIC verifies, garbage and unknown DevAddrs are dropped and counted", async () => {
    await store(abpDevice("dev1"));
    await send(
      reception(frame(1, { key: OTHER_KEY }), "gw1"),
      reception(hex("40"), "gw1"),
      reception(hex("e0010203040506070809"), "gw1"),
      reception(hex("41010203040506070809"), "gw1"),
      reception(
        buildUplink({ devAddr: hex("01020304"), fCnt: 1 }, { version: "1.0", nwkSKey: NWK_S_KEY })
          .phyPayload,
        "gw1",
      ),
    );
    assert.equal(forwarded.length, 0);
    assert.equal(answered.length, 0);
    assert.equal(await dropped("mic_mismatch"), 1);
    assert.equal(await dropped("invalid_length"), 1);
    assert.equal(await dropped("not_an_uplink"), 1);
    assert.equal(await dropped("unknown_major"), 1);
    assert.equal(await dropped("unknown_dev_addr"), 1);
    assert.deepEqual(seen, [], "dropped frames are no device seen");
  });

  it("a MAC-only frame on port 0 is processed but not forwarded", async () => {
    await store(abpDevice("dev1"));
    // LinkCheckReq on port 0 (encrypted with the NwkSKey by the device).
    const { encryptFrmPayload } = await import("../../lorawan/crypto/index.ts");
    const commands = encodeMacCommands([{ cid: 0x02, name: "LinkCheckReq" }], "uplink");
    const phy = buildUplink(
      {
        devAddr: DEV_ADDR,
        fCnt: 1,
        fPort: 0,
        frmPayload: encryptFrmPayload(NWK_S_KEY, "uplink", DEV_ADDR, 1, commands),
      },
      { version: "1.0", nwkSKey: NWK_S_KEY },
    ).phyPayload;
    await send(reception(phy, "gw1", 5), reception(phy, "gw2", 8));
    assert.equal(forwarded.length, 0);
    assert.equal(named("ns.up.data.process").length, 1);
    assert.equal(
      named("ns.mac.link_check.request").length > 0 ||
        named("ns.mac.link_check.indication").length > 0 ||
        events.some((e) => e.name.startsWith("ns.mac.link_check")),
      true,
    );
    const queued = (await stored())?.macState?.queuedResponses ?? [];
    assert.equal(queued.length, 1, "LinkCheckAns waits for the next downlink");
  });

  it("DevStatusAns: battery and margin stored on the device", async () => {
    const device = abpDevice("dev1");
    device.macState?.pendingRequests.push(
      toStateCommand({ cid: 0x06, name: "DevStatusReq" }, "downlink"),
    );
    await store(device);
    const fOpts = encodeMacCommands(
      [{ cid: 0x06, name: "DevStatusAns", battery: 128, margin: 12 }],
      "uplink",
    );
    await send(reception(frame(1, { fOpts }), "gw1"));
    const after = await stored();
    assert.ok(
      after?.batteryPercentage !== undefined &&
        Math.abs(after.batteryPercentage - 127 / 253) < 1e-6,
    );
    assert.equal(after?.downlinkMargin, 12);
    assert.equal(after?.macState?.pendingRequests.length, 0);
    assert.ok(named("ns.mac.dev_status.answer").length === 1);
  });

  it("a MAC request without answer is retried with the next uplinks, then given up", async () => {
    const device = abpDevice("dev1");
    device.macState?.pendingRequests.push(
      toStateCommand({ cid: 0x06, name: "DevStatusReq" }, "downlink"),
    );
    await store(device);
    let fCnt = 0;
    for (
      let attempt = 0;
      attempt < 3 && (await stored())?.macState?.pendingRequests.length;
      attempt++
    )
      await send(reception(frame(++fCnt), "gw1"));
    assert.equal((await stored())?.macState?.pendingRequests.length, 0);
    assert.equal(named("ns.mac.request.give_up").length, 1);
  });

  it("ADR: an uplink's data rate is the device's current one, and the desired one starts there", async () => {
    // An ABP device's MAC state starts at DR0: its first uplink, at SF7 (DR5), says otherwise.
    await store(abpDevice("dev1"));
    await send(reception(frame(1), "gw1", -5, 7));
    const parameters = (await stored())?.macState;
    assert.equal(parameters?.currentParameters?.adrDataRateIndex, 5);
    // Not DR0: a LinkADRReq sent for the channel mask would have moved the device to SF12.
    assert.equal(parameters?.desiredParameters?.adrDataRateIndex, 5);
  });

  it("ADR: a device heard at a lower data rate went back to full power first", async () => {
    const device = abpDevice("dev1");
    const current = device.macState?.currentParameters;
    assert.ok(current);
    current.adrDataRateIndex = 5;
    current.adrTxPowerIndex = 3;
    await store(device);
    await send(reception(frame(1), "gw1", -15, 10));
    const after = (await stored())?.macState?.currentParameters;
    assert.equal(after?.adrDataRateIndex, 2);
    assert.equal(after?.adrTxPowerIndex, 0);
  });

  it("ADR: good SNR at SF12 steers the desired data rate up to DR5", async () => {
    await store(abpDevice("dev1"));
    for (let fCnt = 1; fCnt <= 20; fCnt++) await send(reception(frame(fCnt), "gw1", 10, 12));
    const desired = (await stored())?.macState?.desiredParameters;
    assert.equal(desired?.adrDataRateIndex, 5);
  });
});
