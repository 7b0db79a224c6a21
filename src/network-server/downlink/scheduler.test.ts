import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, beforeEach, describe, it } from "node:test";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { durationFromMs, timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import type { Client } from "@connectrpc/connect";
import { pino } from "pino";
import { Registry } from "prom-client";
import { sqlTaskQueue } from "../../cluster/sql/task-queue.ts";
import type { StoredTaskQueue } from "../../cluster/tasks/queue.ts";
import { EventBus, type StackEvent } from "../../events/index.ts";
import { FrequencyPlans } from "../../frequency-plans/index.ts";
import { type EndDevice, EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import {
  type NsGs,
  ScheduleDownlinkResponseSchema,
} from "../../gen/ttn/lorawan/v3/gatewayserver_pb.js";
import { Class, MACVersion, MType, PHYVersion } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import {
  ApplicationDownlinkSchema,
  type ApplicationUp,
  type DownlinkMessage,
  TxAcknowledgment_Result,
  type UplinkMessage,
  UplinkMessageSchema,
} from "../../gen/ttn/lorawan/v3/messages_pb.js";
import { StaticKeyVault } from "../../key-vault/static-key-vault.ts";
import { decodePhyPayload } from "../../lorawan/codec/index.ts";
import { type Database, openDatabase } from "../../storage/database.ts";
import { migrateToLatest } from "../../storage/migrate.ts";
import { registryDeviceStore } from "../device-store/device-store.ts";
import { createNetworkServerRegistries } from "../registry/index.ts";
import type { DeviceKey } from "../registry/registry.ts";
import { errTooLate } from "./errors.ts";
import { downlinkMetrics } from "./metrics.ts";
import { nextPingSlot } from "./ping-slots.ts";
import { createDownlinkScheduler, type DownlinkScheduler } from "./scheduler.ts";

const hex = (text: string) => new Uint8Array(Buffer.from(text, "hex"));
const logger = pino({ level: "silent" });
const T = Date.UTC(2026, 11, 5, 12);
const KEY: DeviceKey = { applicationId: "app", deviceId: "dev" };
const devAddr = hex("26011234");
const NWK = hex("a1a2a3a4a5a6a7a8a9aaabacadaeaf00");
const SKID = hex("0102");

type Answer = "ok" | "too-late" | "busy";

/** A fake Gateway Server: records the requests, answers as told (default success). */
class FakeGs {
  requests: DownlinkMessage[] = [];
  answers: Answer[] = [];
  scheduled?: () => void;
  client(): Client<typeof NsGs> {
    return {
      scheduleDownlink: async (message: DownlinkMessage) => {
        this.requests.push(message);
        this.scheduled?.();
        const answer = this.answers.shift() ?? "ok";
        if (answer === "ok") {
          return create(ScheduleDownlinkResponseSchema, {
            delay: durationFromMs(100),
            rx1: true,
          });
        }
        throw errTooLate.create({
          path_errors: [
            {
              name: answer === "busy" ? "conflict" : "too_late",
              code: answer === "busy" ? "resource_exhausted" : "failed_precondition",
            },
          ],
        });
      },
    } as unknown as Client<typeof NsGs>;
  }
}

function baseDevice(init: Partial<MessageInitShape<typeof EndDeviceSchema>> = {}): EndDevice {
  return create(EndDeviceSchema, {
    ids: { applicationIds: { applicationId: KEY.applicationId }, deviceId: KEY.deviceId },
    frequencyPlanId: "EU_863_870_TTN",
    lorawanVersion: MACVersion.MAC_V1_0_3,
    lorawanPhyVersion: PHYVersion.RP001_V1_0_3_REV_A,
    macSettings: { statusCountPeriodicity: 0, statusTimePeriodicity: { seconds: 0n } },
    session: {
      devAddr,
      lastFCntUp: 10,
      keys: { sessionKeyId: SKID, fNwkSIntKey: { key: NWK } },
    },
    macState: {
      lorawanVersion: MACVersion.MAC_V1_0_3,
      currentParameters: { rx1Delay: 1, rx2DataRateIndex: 0, rx2Frequency: 869_525_000n },
      recentUplinks: [
        {
          rxMetadata: [
            { gatewayIds: { gatewayId: "gw-1" }, snr: 5, channelRssi: -80, uplinkToken: hex("aa") },
          ],
        },
      ],
    },
    ...init,
  } as MessageInitShape<typeof EndDeviceSchema>);
}

function uplink(mType: MType, fCnt = 11): UplinkMessage {
  return create(UplinkMessageSchema, {
    payload: {
      mHdr: { mType },
      payload:
        mType === MType.JOIN_REQUEST
          ? { case: "joinRequestPayload", value: {} }
          : { case: "macPayload", value: { fHdr: { devAddr, fCtrl: {} }, fullFCnt: fCnt } },
    },
    settings: {
      dataRate: {
        modulation: {
          case: "lora",
          value: { spreadingFactor: 7, bandwidth: 125_000, codingRate: "4/5" },
        },
      },
      frequency: 868_100_000n,
      timestamp: 1_000_000,
    },
    rxMetadata: [
      { gatewayIds: { gatewayId: "gw-1" }, snr: 5, channelRssi: -80, uplinkToken: hex("aa") },
      { gatewayIds: { gatewayId: "gw-2" }, snr: 9, channelRssi: -60, uplinkToken: hex("bb") },
    ],
    receivedAt: timestampFromMs(T),
  });
}

const appDown = (fCnt: number, confirmed = false) =>
  create(ApplicationDownlinkSchema, {
    sessionKeyId: SKID,
    fPort: 3,
    fCnt,
    frmPayload: hex("beef"),
    confirmed,
    correlationIds: [`as:down:${fCnt}`],
  });

describe("downlink scheduler", () => {
  const folders: string[] = [];
  let database: Database;
  let tasks: StoredTaskQueue;
  let store: ReturnType<typeof registryDeviceStore>;
  let gs: FakeGs;
  let ups: ApplicationUp[];
  let published: StackEvent[];
  let clock: number;
  let scheduler: DownlinkScheduler;
  let metricsRegistry: Registry;

  beforeEach(async () => {
    const folder = await mkdtemp(join(tmpdir(), "lorastack-downlink-"));
    folders.push(folder);
    database = await openDatabase({ engine: "sqlite", file: join(folder, "ns.db") });
    await migrateToLatest(database.db, database.engine);
    const vault = new StaticKeyVault(
      new Map([["k", hex("000102030405060708090a0b0c0d0e0f")]]),
      "k",
    );
    const registries = createNetworkServerRegistries({
      database,
      keyVault: vault,
      config: { device_kek_label: "" },
    });
    store = registryDeviceStore(registries.devices);
    tasks = sqlTaskQueue(database, { logger, pollIntervalMs: 50, leaseMs: 5000 });
    gs = new FakeGs();
    metricsRegistry = new Registry();
    ups = [];
    published = [];
    clock = T + 50;
    scheduler = createDownlinkScheduler({
      store,
      gatewayServer: () => gs.client(),
      tasks,
      forwarder: { forward: async (list) => void ups.push(...list) },
      events: new EventBus({ onPublish: (event) => published.push(event) }),
      frequencyPlans: FrequencyPlans.builtIn(),
      logger,
      now: () => clock,
      classCTimeoutMs: 10_000,
      maxConfirmedAttempts: 2,
      metrics: downlinkMetrics(metricsRegistry),
    });
  });
  afterEach(async () => {
    await scheduler.stop();
    tasks.close();
    await database.close();
  });
  after(async () => {
    await Promise.all(folders.map((f) => rm(f, { recursive: true, force: true })));
  });

  const put = (device: EndDevice) => store.commit(KEY, () => device);
  const names = () => published.map((e) => e.name);
  const opportunity = (device: EndDevice, up: UplinkMessage, receivedAtMs = T) => ({
    key: KEY,
    uplink: up,
    device,
    receivedAtMs,
    correlationIds: ["ns:uplink:1"],
  });

  it("class A: ACK of a confirmed uplink in RX1 and RX2, best path first, device committed", async () => {
    const device = await put(baseDevice());
    assert.ok(device);
    await scheduler.afterUplink(opportunity(device, uplink(MType.CONFIRMED_UP)));
    assert.equal(gs.requests.length, 1);
    const message = gs.requests[0] as DownlinkMessage;
    const request = message.settings.case === "request" ? message.settings.value : undefined;
    assert.ok(request);
    assert.equal(request.class, Class.A);
    assert.deepEqual(
      request.downlinkPaths.map((p) => (p.path.case === "uplinkToken" ? p.path.value[0] : 0)),
      [0xbb, 0xaa],
    );
    assert.equal(request.rx1Frequency, 868_100_000n);
    assert.equal(request.rx2Frequency, 869_525_000n);
    assert.equal(request.rx1Delay, 1);
    const frame = decodePhyPayload(message.rawPayload);
    assert.ok(frame.mType === "unconfirmedDataDown");
    assert.equal(frame.fCtrl.ack, true);
    assert.deepEqual(names(), ["ns.down.data.schedule.attempt", "ns.down.data.schedule.success"]);
    const stored = await store.get(KEY);
    assert.equal(stored?.macState?.recentDownlinks.length, 1);
    assert.ok(stored?.macState?.lastDownlinkAt);
  });

  it("class A: RX2 only when RX1 is too late", async () => {
    const device = await put(baseDevice());
    assert.ok(device);
    clock = T + 900; // RX1 opens at T + 1000: within the 200 ms margin.
    await scheduler.afterUplink(opportunity(device, uplink(MType.CONFIRMED_UP)));
    const request = gs.requests[0]?.settings.value as {
      rx1Frequency: bigint;
      rx2Frequency: bigint;
    };
    assert.equal(request.rx1Frequency, 0n);
    assert.equal(request.rx2Frequency, 869_525_000n);
  });

  it("class A: both windows passed: nothing sent, failure published", async () => {
    const device = await put(baseDevice());
    assert.ok(device);
    clock = T + 1900;
    await scheduler.afterUplink(opportunity(device, uplink(MType.CONFIRMED_UP)));
    assert.equal(gs.requests.length, 0);
    assert.deepEqual(names(), ["ns.down.data.schedule.fail"]);
  });

  it("class A: nothing needed, nothing sent", async () => {
    const device = await put(baseDevice());
    assert.ok(device);
    await scheduler.afterUplink(opportunity(device, uplink(MType.UNCONFIRMED_UP)));
    assert.equal(gs.requests.length, 0);
    assert.deepEqual(names(), []);
  });

  it("class A: application downlink sent; downlink_sent on the TX acknowledgment", async () => {
    const base = baseDevice();
    base.session?.queuedApplicationDownlinks.push(appDown(1));
    const device = await put(base);
    assert.ok(device);
    await scheduler.afterUplink(opportunity(device, uplink(MType.UNCONFIRMED_UP)));
    assert.equal(gs.requests.length, 1);
    assert.equal((await store.get(KEY))?.session?.queuedApplicationDownlinks.length, 0);
    assert.deepEqual(ups, []);
    const message = gs.requests[0] as DownlinkMessage;
    await scheduler.handleTxAcknowledgment({
      $typeName: "ttn.lorawan.v3.GatewayTxAcknowledgment",
      txAck: {
        $typeName: "ttn.lorawan.v3.TxAcknowledgment",
        correlationIds: message.correlationIds,
        result: TxAcknowledgment_Result.SUCCESS,
      },
    });
    assert.equal((ups as ApplicationUp[])[0]?.up.case, "downlinkSent");
    assert.ok(names().includes("ns.down.transmission.success"));
  });

  it("counts what the Gateway Server took and refused, and the gateways' acknowledgments", async () => {
    const counted = async (name: string) =>
      Object.fromEntries(
        ((await metricsRegistry.getSingleMetric(name)?.get())?.values ?? []).map((v) => [
          Object.values(v.labels).join("/"),
          v.value,
        ]),
      );
    const device = await put(baseDevice());
    assert.ok(device);
    gs.answers = ["too-late"];
    await scheduler.afterUplink(opportunity(device, uplink(MType.CONFIRMED_UP)));
    const again = await store.get(KEY);
    assert.ok(again);
    await scheduler.afterUplink(opportunity(again, uplink(MType.CONFIRMED_UP, 2)));
    assert.equal(gs.requests.length, 2);
    assert.deepEqual(await counted("lorastack_ns_downlinks_total"), {
      "data/too_late": 1,
      "data/scheduled": 1,
    });
    for (const result of [TxAcknowledgment_Result.SUCCESS, TxAcknowledgment_Result.TOO_LATE]) {
      await scheduler.handleTxAcknowledgment({
        $typeName: "ttn.lorawan.v3.GatewayTxAcknowledgment",
        txAck: {
          $typeName: "ttn.lorawan.v3.TxAcknowledgment",
          correlationIds: (gs.requests[1] as DownlinkMessage).correlationIds,
          result,
        },
      });
    }
    assert.deepEqual(await counted("lorastack_ns_downlink_transmissions_total"), {
      success: 1,
      too_late: 1,
    });
  });

  it("join-accept in the join windows; queued_join_accept cleared", async () => {
    const base = baseDevice({ session: undefined, macState: undefined });
    base.pendingMacState = create(EndDeviceSchema, {
      pendingMacState: {
        currentParameters: { rx1Delay: 1, rx2DataRateIndex: 0, rx2Frequency: 869_525_000n },
        queuedJoinAccept: {
          payload: hex(`20${"11".repeat(16)}`),
          devAddr,
          keys: { sessionKeyId: SKID },
        },
      },
    }).pendingMacState;
    const device = await put(base);
    assert.ok(device);
    await scheduler.afterUplink(opportunity(device, uplink(MType.JOIN_REQUEST)));
    const message = gs.requests[0] as DownlinkMessage;
    const request = message.settings.case === "request" ? message.settings.value : undefined;
    assert.equal(request?.rx1Delay, 5);
    assert.deepEqual(message.rawPayload, hex(`20${"11".repeat(16)}`));
    assert.deepEqual(names(), ["ns.down.join.schedule.attempt", "ns.down.join.schedule.success"]);
    const stored = await store.get(KEY);
    assert.equal(stored?.pendingMacState?.queuedJoinAccept, undefined);
    assert.deepEqual(stored?.pendingSession?.devAddr, devAddr);
  });

  it("join-accept in RX1 on the join-request's own channel (868.5 MHz, the third default one)", async () => {
    const base = baseDevice({ session: undefined, macState: undefined });
    const channels = [868_100_000n, 868_300_000n, 868_500_000n].map((frequency) => ({
      uplinkFrequency: frequency,
      downlinkFrequency: frequency,
      enableUplink: true,
      maxDataRateIndex: 5,
    }));
    base.pendingMacState = create(EndDeviceSchema, {
      pendingMacState: {
        currentParameters: {
          rx1Delay: 1,
          rx2DataRateIndex: 0,
          rx2Frequency: 869_525_000n,
          channels,
        },
        // What the join recorded of the join-request: its channel among these.
        recentUplinks: [{ deviceChannelIndex: 2 }],
        queuedJoinAccept: {
          payload: hex(`20${"11".repeat(16)}`),
          devAddr,
          keys: { sessionKeyId: SKID },
        },
      },
    }).pendingMacState;
    const device = await put(base);
    assert.ok(device);
    const join = uplink(MType.JOIN_REQUEST);
    if (join.settings) join.settings.frequency = 868_500_000n;
    await scheduler.afterUplink(opportunity(device, join));
    const message = gs.requests[0] as DownlinkMessage;
    const request = message.settings.case === "request" ? message.settings.value : undefined;
    assert.equal(request?.rx1Frequency, 868_500_000n);
  });

  it("class C: woken, the queued downlink goes out in RX2 through the recent gateway", async () => {
    const base = baseDevice();
    if (base.macState) base.macState.deviceClass = Class.C;
    base.session?.queuedApplicationDownlinks.push(appDown(1));
    await put(base);
    const sent = new Promise<void>((resolve) => {
      gs.scheduled = resolve;
    });
    scheduler.start();
    await scheduler.wake(KEY);
    await sent;
    await waitFor(
      async () => (await store.get(KEY))?.session?.queuedApplicationDownlinks.length === 0,
    );
    const request = gs.requests[0]?.settings.value as { class: Class; rx2Frequency: bigint };
    assert.equal(request.class, Class.C);
    assert.equal(request.rx2Frequency, 869_525_000n);
  });

  it("class C confirmed: retransmitted after the timeout, then given up (downlink_nack)", async () => {
    const base = baseDevice();
    if (base.macState) base.macState.deviceClass = Class.C;
    base.session?.queuedApplicationDownlinks.push(appDown(1, true));
    await put(base);
    scheduler.start();
    let count = 0;
    const twice = new Promise<void>((resolve) => {
      gs.scheduled = () => {
        count++;
        // Each transmission is followed by the class C timeout; move the clock past it.
        clock += 11_000;
        if (count === 2) resolve();
      };
    });
    await scheduler.wake(KEY);
    await twice;
    await scheduler.wake(KEY);
    await waitFor(async () => ups.some((u) => u.up.case === "downlinkNack"));
    assert.equal(gs.requests.length, 2);
    assert.deepEqual(gs.requests[0]?.rawPayload, gs.requests[1]?.rawPayload);
    assert.equal((await store.get(KEY))?.macState?.pendingApplicationDownlink, undefined);
  });

  it("class C: a busy gateway is tried again later", async () => {
    const base = baseDevice();
    if (base.macState) base.macState.deviceClass = Class.C;
    base.session?.queuedApplicationDownlinks.push(appDown(1));
    await put(base);
    gs.answers = ["busy"];
    scheduler.start();
    const second = new Promise<void>((resolve) => {
      gs.scheduled = () => {
        if (gs.requests.length === 2) resolve();
      };
    });
    await scheduler.wake(KEY);
    await second;
    await waitFor(
      async () => (await store.get(KEY))?.session?.queuedApplicationDownlinks.length === 0,
    );
    assert.ok(names().includes("ns.down.data.schedule.fail"));
  });

  /** A class C multicast group: no uplinks, downlinks through the gateways they name. */
  const multicastGroup = (...queue: ReturnType<typeof appDown>[]) => {
    const base = baseDevice({ multicast: true, supportsClassC: true });
    if (base.macState) {
      base.macState.deviceClass = Class.C;
      base.macState.recentUplinks = [];
    }
    if (base.session) base.session.lastNFCntDown = 4;
    base.session?.queuedApplicationDownlinks.push(...queue);
    return base;
  };
  const named = (fCnt: number, gateways: [string, number][], absoluteTimeMs?: number) => {
    const down = appDown(fCnt);
    down.classBC = create(ApplicationDownlinkSchema, {
      classBC: {
        gateways: gateways.map(([gatewayId, groupIndex]) => ({
          gatewayIds: { gatewayId },
          groupIndex,
        })),
        absoluteTime: absoluteTimeMs === undefined ? undefined : timestampFromMs(absoluteTimeMs),
      },
    }).classBC;
    return down;
  };
  const fixedGateways = (message: DownlinkMessage | undefined) => {
    const request = message?.settings.case === "request" ? message.settings.value : undefined;
    return request?.downlinkPaths.map((p) =>
      p.path.case === "fixed" ? p.path.value.gatewayIds?.gatewayId : "?",
    );
  };
  const ack = (message: DownlinkMessage | undefined, result: TxAcknowledgment_Result) =>
    scheduler.handleTxAcknowledgment({
      $typeName: "ttn.lorawan.v3.GatewayTxAcknowledgment",
      txAck: {
        $typeName: "ttn.lorawan.v3.TxAcknowledgment",
        correlationIds: message?.correlationIds ?? [],
        result,
      },
    });
  const scheduledTimes = (count: number) =>
    new Promise<void>((resolve) => {
      gs.scheduled = () => {
        if (gs.requests.length === count) resolve();
      };
    });

  it("multicast: one transmission per gateway group, at the absolute time, no MAC commands, NFCntDown", async () => {
    const at = clock + 5_000;
    await put(
      multicastGroup(
        named(
          5,
          [
            ["gw-a", 0],
            ["gw-b", 1],
          ],
          at,
        ),
      ),
    );
    const both = scheduledTimes(2);
    scheduler.start();
    await scheduler.wake(KEY);
    await both;
    await waitFor(async () => (await store.get(KEY))?.session?.lastNFCntDown === 5);
    assert.deepEqual(gs.requests.map(fixedGateways), [["gw-a"], ["gw-b"]]);
    for (const message of gs.requests) {
      const request = message.settings.case === "request" ? message.settings.value : undefined;
      assert.equal(request?.class, Class.C);
      assert.equal(request?.rx2Frequency, 869_525_000n);
      assert.equal(request?.absoluteTime?.seconds, timestampFromMs(at).seconds);
      const frame = decodePhyPayload(message.rawPayload);
      assert.ok(frame.mType === "unconfirmedDataDown");
      assert.equal(frame.fCnt, 5);
      assert.equal(frame.fOpts.length, 0);
    }
    assert.deepEqual(gs.requests[0]?.rawPayload, gs.requests[1]?.rawPayload, "the same frame");
    const stored = await store.get(KEY);
    assert.equal(stored?.session?.queuedApplicationDownlinks.length, 0);
    assert.deepEqual(stored?.macState?.queuedResponses, []);
    // downlink_sent once: the first group failed, the second sent it.
    await ack(gs.requests[0], TxAcknowledgment_Result.TOO_LATE);
    assert.deepEqual(ups, []);
    await ack(gs.requests[1], TxAcknowledgment_Result.SUCCESS);
    assert.deepEqual(
      (ups as ApplicationUp[]).map((u) => u.up.case),
      ["downlinkSent"],
    );
  });

  it("multicast: gateways of one group are one transmission, the Gateway Server picks", async () => {
    await put(
      multicastGroup(
        named(5, [
          ["gw-a", 3],
          ["gw-b", 3],
        ]),
      ),
    );
    const one = scheduledTimes(1);
    scheduler.start();
    await scheduler.wake(KEY);
    await one;
    await waitFor(async () => (await store.get(KEY))?.session?.lastNFCntDown === 5);
    assert.deepEqual(gs.requests.map(fixedGateways), [["gw-a", "gw-b"]]);
    // The next downlink of the group takes the next counter.
    await store.commit(KEY, (d) => {
      d?.session?.queuedApplicationDownlinks.push(named(6, [["gw-a", 0]]));
      return d ?? null;
    });
    const two = scheduledTimes(2);
    await scheduler.wake(KEY);
    await two;
    await waitFor(async () => (await store.get(KEY))?.session?.lastNFCntDown === 6);
    const frame = decodePhyPayload(gs.requests[1]?.rawPayload ?? new Uint8Array());
    assert.ok(frame.mType === "unconfirmedDataDown");
    assert.equal(frame.fCnt, 6);
  });

  it("multicast: refused when nothing names a gateway (downlink_failed), even with recent uplinks", async () => {
    const group = multicastGroup(appDown(5));
    // Recent uplinks would give a unicast device its paths; a group never uses them.
    group.macState?.recentUplinks.push(...(baseDevice().macState?.recentUplinks ?? []));
    await put(group);
    scheduler.start();
    await scheduler.wake(KEY);
    await waitFor(async () => ups.some((u) => u.up.case === "downlinkFailed"));
    assert.equal(gs.requests.length, 0);
    const failed = ups[0]?.up;
    assert.ok(failed?.case === "downlinkFailed");
    assert.equal(failed.value.error?.name, "multicast_without_gateways");
    await waitFor(
      async () => (await store.get(KEY))?.session?.queuedApplicationDownlinks.length === 0,
    );
    assert.equal((await store.get(KEY))?.session?.lastNFCntDown, 4);
  });

  it("multicast: every named gateway refuses for good: downlink_failed, taken from the queue", async () => {
    await put(multicastGroup(named(5, [["gw-a", 0]])));
    gs.answers = ["too-late"];
    scheduler.start();
    await scheduler.wake(KEY);
    await waitFor(async () => ups.some((u) => u.up.case === "downlinkFailed"));
    assert.equal(gs.requests.length, 1);
    await waitFor(
      async () => (await store.get(KEY))?.session?.queuedApplicationDownlinks.length === 0,
    );
    assert.equal((await store.get(KEY))?.session?.lastNFCntDown, 4, "no counter used");
  });

  it("class B multicast: at the next ping slot, ping slot data rate and frequency, class B", async () => {
    const group = multicastGroup(named(5, [["gw-gps", 0]]));
    if (group.macState?.currentParameters) {
      group.macState.deviceClass = Class.B;
      group.macState.pingSlotPeriodicity = create(EndDeviceSchema, {
        macState: { pingSlotPeriodicity: { value: 0 } },
      }).macState?.pingSlotPeriodicity;
      group.macState.currentParameters.pingSlotDataRateIndexValue = create(EndDeviceSchema, {
        macState: { currentParameters: { pingSlotDataRateIndexValue: { value: 3 } } },
      }).macState?.currentParameters?.pingSlotDataRateIndexValue;
    }
    await put(group);
    const one = scheduledTimes(1);
    scheduler.start();
    await scheduler.wake(KEY);
    await one;
    const request =
      gs.requests[0]?.settings.case === "request" ? gs.requests[0].settings.value : undefined;
    assert.equal(request?.class, Class.B);
    const slot = nextPingSlot(devAddr, 0, clock + 1000);
    assert.ok(request?.absoluteTime);
    assert.equal(timestampMs(request.absoluteTime), slot.atMs);
    assert.equal(request.rx2Frequency, 869_525_000n);
    const lora = request.rx2DataRate?.modulation;
    assert.equal(lora?.case === "lora" ? lora.value.spreadingFactor : 0, 9, "DR3 is SF9");
    assert.deepEqual(fixedGateways(gs.requests[0]), ["gw-gps"]);
  });
});

/** Polls a condition the scheduler reaches after an event we cannot await directly. */
async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error("condition not reached");
    await new Promise((resolve) => setImmediate(resolve));
  }
}
