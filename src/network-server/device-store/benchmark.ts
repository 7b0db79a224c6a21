/**
 * Micro benchmark of the cached device store (`node src/network-server/device-store/benchmark.ts`):
 * the index build, DevAddr lookups (unknown and cached) and group commit against one `update`
 * per change, on SQLite and, when the binaries are installed, PostgreSQL. Prints rates only;
 * nothing is asserted.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pino } from "pino";
import { postgresSkipReason, startPostgres } from "../../../test/harness/postgres.ts";
import { InProcessPubSub } from "../../cluster/in-process/pubsub.ts";
import type { EndDevice } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { type Database, openDatabase } from "../../storage/database.ts";
import { migrateToLatest } from "../../storage/migrate.ts";
import { createCachedDeviceStore } from "./cached-device-store.ts";
import { deviceKey, hex, sessionDevice, testRegistry } from "./testing.ts";

const DEVICES = Number(process.env.DEVICES ?? 10_000);
const COMMITS = 20_000;
const IN_FLIGHT = 2_000;
const SINGLE_COMMITS = 2_000;
const SINGLE_IN_FLIGHT = 16;

const devAddrOf = (i: number) => (0x26000000 + i).toString(16);
const increment = (device: EndDevice | undefined) => {
  if (!device?.session) throw new Error("no session");
  device.session.lastFCntUp++;
  return device;
};

async function inFlight(total: number, width: number, run: (i: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < total) await run(next++);
    }),
  );
}

const cpuMicros = (usage: NodeJS.CpuUsage) => usage.user + usage.system;
const perChange = (micros: number, count: number) => `${Math.round(micros / count)} µs`;

const rate = (count: number, ms: number) =>
  `${Math.round((count / ms) * 1000).toLocaleString("en")}/s`;

async function measure(engine: string, database: Database): Promise<void> {
  const registry = testRegistry(database);
  for (let i = 0; i < DEVICES; i += 500) {
    const changes = [];
    for (let j = i; j < Math.min(DEVICES, i + 500); j++) {
      const device = sessionDevice(`dev${j}`, devAddrOf(j));
      changes.push({ key: deviceKey(`dev${j}`), change: () => device });
    }
    await registry.updateMany(changes);
  }
  const store = createCachedDeviceStore({
    registry,
    pubsub: new InProcessPubSub(),
    logger: pino({ level: "silent" }),
    resyncIntervalMs: 0,
  });
  let start = performance.now();
  await store.start();
  const buildMs = performance.now() - start;

  const unknown = hex("7f000001");
  start = performance.now();
  for (let i = 0; i < 1_000_000; i++) await store.candidates(unknown);
  const unknownMs = performance.now() - start;

  for (let i = 0; i < DEVICES; i++) await store.candidates(hex(devAddrOf(i)));
  const addresses = Array.from({ length: DEVICES }, (_, i) => hex(devAddrOf(i)));
  start = performance.now();
  for (let i = 0; i < 200_000; i++) await store.candidates(addresses[i % DEVICES] as Uint8Array);
  const cachedMs = performance.now() - start;

  start = performance.now();
  let cpu = process.cpuUsage();
  await inFlight(COMMITS, IN_FLIGHT, (i) =>
    store.commit(deviceKey(`dev${i % DEVICES}`), increment),
  );
  const groupMs = performance.now() - start;
  // CPU time of the whole process (the database's own work included on SQLite): on a loaded
  // machine steadier than the rate.
  const groupCpu = cpuMicros(process.cpuUsage(cpu));
  const transactions = store.transactions;

  start = performance.now();
  cpu = process.cpuUsage();
  await inFlight(SINGLE_COMMITS, SINGLE_IN_FLIGHT, (i) =>
    registry.update(deviceKey(`dev${i % DEVICES}`), increment),
  );
  const singleMs = performance.now() - start;
  const singleCpu = cpuMicros(process.cpuUsage(cpu));
  await store.stop();

  console.log(`${engine}, ${DEVICES.toLocaleString("en")} devices:`);
  console.log(`  index build (scan)          ${buildMs.toFixed(0)} ms`);
  console.log(`  unknown DevAddr             ${rate(1_000_000, unknownMs)}`);
  console.log(`  cached candidates           ${rate(200_000, cachedMs)}`);
  console.log(
    `  group commit (${IN_FLIGHT} in flight) ${rate(COMMITS, groupMs)}, ${transactions} transactions for ${COMMITS} commits, ${perChange(groupCpu, COMMITS)} CPU per commit`,
  );
  console.log(
    `  registry.update (${SINGLE_IN_FLIGHT} in flight) ${rate(SINGLE_COMMITS, singleMs)}, ${perChange(singleCpu, SINGLE_COMMITS)} CPU per update`,
  );
}

const folder = await mkdtemp(join(tmpdir(), "lorastack-device-store-bench-"));
try {
  const sqlite = await openDatabase({ engine: "sqlite", file: join(folder, "bench.db") });
  await migrateToLatest(sqlite.db, sqlite.engine);
  await measure("sqlite", sqlite);
  await sqlite.close();
} finally {
  await rm(folder, { recursive: true, force: true });
}
const skip = postgresSkipReason();
if (skip) console.log(`postgres skipped: ${skip}`);
else {
  const server = await startPostgres();
  try {
    const postgres = await openDatabase({
      engine: "postgres",
      uri: await server.createDatabase("bench"),
    });
    await migrateToLatest(postgres.db, postgres.engine);
    await measure("postgres", postgres);
    await postgres.close();
  } finally {
    await server.stop();
  }
}
