/**
 * Benchmark of the DevAddr index's build (`node --expose-gc
 * src/network-server/device-store/scan-benchmark.ts`): a scan of DEVICES devices (default
 * 100,000) with a Network Server's MAC state (20 recent uplinks, each heard by 3 gateways)
 * decoding every device (how `scanAddresses` worked before), reading the whole message bytes
 * without decoding, and as `scanAddresses` reads now (index columns and a prefix of the
 * message); then the cached store's start, and the DevAddr index's heap per device with
 * INDEX_ENTRIES synthetic entries (default 1,000,000). SQLite; ENGINE=postgres for PostgreSQL.
 * Prints numbers only; nothing is asserted.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { create, toBinary } from "@bufbuild/protobuf";
import { timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import { pino } from "pino";
import { startPostgres } from "../../../test/harness/postgres.ts";
import { InProcessPubSub } from "../../cluster/in-process/pubsub.ts";
import {
  type EndDevice,
  EndDeviceSchema,
  MACStateSchema,
} from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { type Database, openDatabase } from "../../storage/database.ts";
import { MessageStore } from "../../storage/message-store/index.ts";
import { migrateToLatest } from "../../storage/migrate.ts";
import type { DeviceAddresses } from "../registry/registry.ts";
import { nsDeviceTable } from "../registry/tables.ts";
import { createCachedDeviceStore } from "./cached-device-store.ts";
import { DevAddrIndex } from "./dev-addr-index.ts";
import { deviceKey, hex, sessionDevice, testRegistry } from "./testing.ts";

const DEVICES = Number(process.env.DEVICES ?? 100_000);
const INDEX_ENTRIES = Number(process.env.INDEX_ENTRIES ?? 1_000_000);
const ENGINE = process.env.ENGINE === "postgres" ? "postgres" : "sqlite";
const RECENT_UPLINKS = 20;
const ROUNDS = 2;

const devAddrOf = (i: number) => (0x26000000 + i).toString(16);

/** An ABP device after many uplinks: MAC parameters and its 20 recent uplinks. */
function realisticDevice(i: number): EndDevice {
  const device = sessionDevice(`dev${i}`, devAddrOf(i), 1000 + i);
  const channels = Array.from({ length: 8 }, (_, c) => ({
    uplinkFrequency: BigInt(867_100_000 + c * 200_000),
    downlinkFrequency: BigInt(867_100_000 + c * 200_000),
    maxDataRateIndex: 5,
    enableUplink: true,
  }));
  const parameters = { maxEirp: 16, rx1Delay: 1, rx2Frequency: 869_525_000n, channels };
  device.macState = create(MACStateSchema, {
    currentParameters: parameters,
    desiredParameters: parameters,
    lorawanVersion: 4,
    recentUplinks: Array.from({ length: RECENT_UPLINKS }, (_, u) => ({
      payload: {
        mHdr: { mType: 2 },
        mic: hex("01020304"),
        payload: {
          case: "macPayload" as const,
          value: {
            fHdr: { devAddr: hex(devAddrOf(i)), fCtrl: { adr: true }, fCnt: 1000 + u },
            fPort: 1,
            frmPayload: new Uint8Array(20).fill(u),
            fullFCnt: 1000 + u,
          },
        },
      },
      settings: {
        dataRate: {
          modulation: { case: "lora" as const, value: { bandwidth: 125_000, spreadingFactor: 7 } },
        },
      },
      rxMetadata: Array.from({ length: 3 }, (_, g) => ({
        gatewayIds: { gatewayId: `gateway-${g}`, eui: hex(`00800000a000000${g}`) },
        channelRssi: -90 - g,
        snr: 7.5,
        uplinkToken: new Uint8Array(40).fill(g),
      })),
      receivedAt: timestampFromMs(Date.UTC(2026, 11, 5) + u * 60_000),
      correlationIds: [`gs:uplink:01JEXAMPLE${i}${u}`, `ns:uplink:01JEXAMPLE${i}${u}`],
      deviceChannelIndex: u % 8,
    })),
  });
  return device;
}

/** How `scanAddresses` read before: every device decoded. */
async function* decodingScan(
  store: MessageStore<typeof EndDeviceSchema>,
): AsyncGenerator<DeviceAddresses> {
  for await (const device of store.scan([], { batchSize: 1000 })) {
    const devAddr = device.session?.devAddr;
    const pendingDevAddr = device.pendingSession?.devAddr;
    yield {
      key: {
        applicationId: device.ids?.applicationIds?.applicationId ?? "",
        deviceId: device.ids?.deviceId ?? "",
      },
      devAddr: devAddr?.length ? devAddr : undefined,
      pendingDevAddr: pendingDevAddr?.length ? pendingDevAddr : undefined,
      updatedAtMs: device.updatedAt ? timestampMs(device.updatedAt) : 0,
    };
  }
}

async function time(
  name: string,
  walk: () => AsyncIterable<unknown>,
): Promise<{ name: string; ms: number; cpuMs: number; count: number }> {
  let best = { name, ms: Number.POSITIVE_INFINITY, cpuMs: 0, count: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    let count = 0;
    for await (const _ of walk()) count++;
    const ms = performance.now() - start;
    const used = process.cpuUsage(cpu);
    if (ms < best.ms) best = { name, ms, cpuMs: (used.user + used.system) / 1000, count };
  }
  return best;
}

async function measureScan(database: Database): Promise<void> {
  const registry = testRegistry(database);
  const sample = realisticDevice(0);
  console.log(
    `${ENGINE}: ${DEVICES.toLocaleString("en")} devices, ${toBinary(EndDeviceSchema, sample).length} bytes each (encoded, keys in plain)`,
  );
  let start = performance.now();
  for (let i = 0; i < DEVICES; i += 1000) {
    const changes = [];
    for (let j = i; j < Math.min(DEVICES, i + 1000); j++) {
      const device = realisticDevice(j);
      changes.push({ key: deviceKey(`dev${j}`), change: () => device });
    }
    await registry.updateMany(changes);
  }
  console.log(`  provisioned in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  const store = new MessageStore(database.db, nsDeviceTable);
  const results = [
    await time("decoding every device (before)", () => decodingScan(store)),
    await time("index columns + whole message, not decoded", () =>
      store.scanRows([], { columns: ["dev_addr", "pending_dev_addr"], batchSize: 1000 }),
    ),
    await time("scanAddresses (after: columns + 256-byte prefix)", () =>
      registry.scanAddresses({ batchSize: 1000 }),
    ),
  ];
  for (const { name, ms, cpuMs, count } of results)
    console.log(
      `  ${name.padEnd(52)} ${ms.toFixed(0).padStart(7)} ms, ${cpuMs.toFixed(0).padStart(7)} ms CPU, ${((ms * 1000) / count).toFixed(1)} µs per device`,
    );

  const cached = createCachedDeviceStore({
    registry,
    pubsub: new InProcessPubSub(),
    logger: pino({ level: "silent" }),
    resyncIntervalMs: 0,
  });
  start = performance.now();
  await cached.start();
  console.log(`  cached store start (index build)  ${(performance.now() - start).toFixed(0)} ms`);
  await cached.stop();
}

/** Heap held by a DevAddr index of `entries` devices with one session each. */
function measureIndexMemory(entries: number): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    console.log("index memory: run with --expose-gc");
    return;
  }
  gc();
  const before = process.memoryUsage().heapUsed;
  const index = new DevAddrIndex();
  const devAddr = new Uint8Array(4);
  for (let i = 0; i < entries; i++) {
    const address = 0x26000000 + (i % 0x01000000);
    devAddr[0] = address >>> 24;
    devAddr[1] = (address >>> 16) & 0xff;
    devAddr[2] = (address >>> 8) & 0xff;
    devAddr[3] = address & 0xff;
    // Key strings as a scan makes them: new strings per device, application IDs repeated.
    index.set({ applicationId: `application-${i % 100}`, deviceId: `device-${i}` }, { devAddr });
  }
  gc();
  const after = process.memoryUsage().heapUsed;
  console.log(
    `DevAddr index: ${index.size.toLocaleString("en")} devices, ${((after - before) / 2 ** 20).toFixed(0)} MiB heap, ${Math.round((after - before) / entries)} bytes per device`,
  );
}

const folder = await mkdtemp(join(tmpdir(), "lorastack-scan-bench-"));
try {
  if (ENGINE === "sqlite") {
    const sqlite = await openDatabase({ engine: "sqlite", file: join(folder, "bench.db") });
    await migrateToLatest(sqlite.db, sqlite.engine);
    await measureScan(sqlite);
    await sqlite.close();
  } else {
    const server = await startPostgres();
    try {
      const postgres = await openDatabase({
        engine: "postgres",
        uri: await server.createDatabase("bench"),
      });
      await migrateToLatest(postgres.db, postgres.engine);
      await measureScan(postgres);
      await postgres.close();
    } finally {
      await server.stop();
    }
  }
} finally {
  await rm(folder, { recursive: true, force: true });
}
measureIndexMemory(INDEX_ENTRIES);
