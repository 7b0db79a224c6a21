/**
 * Event store write cost (`node bench/events-store.ts`): events shaped like an uplink's (one end
 * device, three correlation ids, a few hundred bytes of data) are added for MEASURE_MS in chunks
 * of 200 with a turn of the event loop between, waiting for the store every 2,000 (so that none
 * is dropped), then flushed. Per store — SQLite on the main thread (`SqlEventStore`, as before
 * the history moved to a worker thread), SQLite with its writes in a worker thread
 * (`SqliteWorkerEventStore`, as the program runs it; both WAL, synchronous=NORMAL), PostgreSQL
 * with production durability (fsync on) and Redis (throwaway servers from test/harness; skipped
 * when missing) — it reports events stored per second, the longest a timer waited meanwhile
 * (what the writes do to the rest of the process), the main thread's CPU per event above a floor
 * measured first (the same loop without a store; `process.threadCpuUsage`, so a worker thread's
 * CPU is not counted), the cost of reading a device's history, and for SQL how long a prune of everything
 * written takes and the longest timer wait meanwhile. The numbers are for one machine under whatever else it runs.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { setImmediate as nextTurn } from "node:timers/promises";
import { create } from "@bufbuild/protobuf";
import { Redis } from "ioredis";
import { defineEvent } from "../src/events/definition.ts";
import type { StackEvent } from "../src/events/event.ts";
import type { EventStore } from "../src/events/store/event-store.ts";
import type { StoreMonitor } from "../src/events/store/monitor.ts";
import { RedisEventStore } from "../src/events/store/redis-store.ts";
import { SqlEventStore } from "../src/events/store/sql-store.ts";
import { SqliteWorkerEventStore } from "../src/events/store/sqlite-worker-store.ts";
import { UlidFactory } from "../src/events/ulid.ts";
import { eventBytes } from "../src/events/wire.ts";
import { ApplicationSchema } from "../src/gen/ttn/lorawan/v3/application_pb.js";
import { type Database, migrateToLatest, openDatabase } from "../src/storage/index.ts";
import { postgresSkipReason, startPostgres } from "../test/harness/postgres.ts";
import { redisSkipReason, startRedis } from "../test/harness/redis.ts";

/** STORES=sqlite,worker,postgres,redis runs only those (default: all). */
const only = process.env.STORES?.split(",");
const runs = (store: string) => !only || only.includes(store);
const MEASURE_MS = Number(process.env.MEASURE_MS ?? 5_000);
const CHUNK = 200;
const DEVICES = 1_000;
const retention = { ttlMs: 600_000, entityCount: 100, correlationIdCount: 100 };

const evtUplink = defineEvent("bench.up.data.forward", {
  description: "an uplink's event",
  visibility: ["RIGHT_APPLICATION_TRAFFIC_READ"],
  dataType: ApplicationSchema,
});
const data = create(ApplicationSchema, {
  ids: { applicationId: "app-1" },
  name: "x".repeat(40),
  description: "y".repeat(200),
});

function uplinkEvent(ulids: UlidFactory, index: number): StackEvent {
  const { id, ms } = ulids.next();
  return {
    name: evtUplink.name,
    time: new Date(ms),
    identifiers: [{ kind: "end_device", id: `app-${index % 10}.dev-${index % DEVICES}` }],
    data,
    correlationIds: [`gs:conn:${id}`, `gs:uplink:${id}`, `ns:uplink:${id}`],
    origin: "bench",
    visibility: evtUplink.visibility,
    uniqueId: id,
  };
}

/** Counts what a store reports. */
function counter(): StoreMonitor & { counts: { stored: number; dropped: number } } {
  const counts = { stored: 0, dropped: 0 };
  return {
    counts,
    stored: (count) => {
      counts.stored += count;
    },
    dropped: (_reason, count) => {
      counts.dropped += count;
    },
    failed: (operation, error) => console.error(`${operation} failed`, error),
  };
}

/** CPU time of this thread (the main thread) in microseconds, workers' not included. */
function threadCpu(): number {
  const { user, system } = process.threadCpuUsage();
  return user + system;
}

/** The loop that adds events, without the store: its main-thread CPU per event is the floor. */
async function floorCpuPerEvent(): Promise<number> {
  const ulids = new UlidFactory();
  const sink: StackEvent[] = [];
  const cpu = threadCpu();
  const began = performance.now();
  let added = 0;
  while (performance.now() - began < Math.min(MEASURE_MS, 2_000)) {
    for (let index = 0; index < CHUNK; index++) sink.push(uplinkEvent(ulids, added++));
    sink.length = 0;
    await nextTurn();
  }
  return (threadCpu() - cpu) / added;
}

/** What every store pays on the main thread for an event: its protobuf bytes (above the floor). */
async function encodeCpuPerEvent(): Promise<number> {
  const ulids = new UlidFactory();
  const cpu = threadCpu();
  const began = performance.now();
  let added = 0;
  let bytes = 0;
  while (performance.now() - began < Math.min(MEASURE_MS, 2_000)) {
    for (let index = 0; index < CHUNK; index++)
      bytes += eventBytes(uplinkEvent(ulids, added++)).length;
    await nextTurn();
  }
  if (bytes === 0) throw new Error("nothing encoded");
  return (threadCpu() - cpu) / added - floor;
}

let floor = 0;

async function measure(
  name: string,
  store: EventStore,
  counts: { stored: number; dropped: number },
  prune?: () => Promise<number>,
) {
  const ulids = new UlidFactory();
  let delay = monitorEventLoopDelay({ resolution: 2 });
  delay.enable();
  const cpu = threadCpu();
  const began = performance.now();
  let added = 0;
  while (performance.now() - began < MEASURE_MS) {
    for (let index = 0; index < CHUNK; index++) store.add(uplinkEvent(ulids, added++));
    if (added % 2_000 === 0) await store.flush();
    else await nextTurn();
  }
  await store.flush();
  const seconds = (performance.now() - began) / 1000;
  const mainCpu = (threadCpu() - cpu) / added - floor;
  delay.disable();
  console.log(
    `${name.padEnd(13)} ${(counts.stored / seconds).toFixed(0).padStart(6)} events/s stored (${counts.dropped} dropped), main thread ${mainCpu.toFixed(1)} µs CPU/event above the floor, longest timer wait ${(delay.max / 1e6).toFixed(0)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms`,
  );
  // Reads as a stream's start does them: the history of one end device (up to 100 events).
  const reads = 200;
  const readCpu = threadCpu();
  const readBegan = performance.now();
  let read = 0;
  for (let index = 0; index < reads; index++) {
    const device = { kind: "end_device", id: `app-${index % 10}.dev-${index % DEVICES}` } as const;
    read += (await store.history({ entities: [device] })).length;
  }
  console.log(
    `${"".padEnd(13)} history of a device (${(read / reads).toFixed(0)} events): ${((performance.now() - readBegan) / reads).toFixed(2)} ms each, main thread ${((threadCpu() - readCpu) / reads).toFixed(0)} µs CPU each`,
  );
  if (!prune) return;
  delay = monitorEventLoopDelay({ resolution: 2 });
  delay.enable();
  const ticking = setInterval(() => {}, 1);
  const started = performance.now();
  const rows = await prune();
  clearInterval(ticking);
  delay.disable();
  console.log(
    `${"".padEnd(13)} prune of ${rows} rows: ${(performance.now() - started).toFixed(0)} ms, longest timer wait ${(delay.max / 1e6).toFixed(0)} ms`,
  );
}

async function sqlRun(name: string, database: Database) {
  await migrateToLatest(database.db, database.engine);
  let now = Date.now;
  const counts = counter();
  const store = new SqlEventStore({
    database,
    retention,
    monitor: counts,
    pruneIntervalMs: 0,
    now: () => now(),
  });
  await measure(name, store, counts.counts, () => {
    const later = Date.now() + retention.ttlMs + 1000;
    now = () => later;
    return store.prune();
  });
  await store.close();
  await database.close();
}

async function sqliteWorkerRun(file: string) {
  let now = Date.now;
  const counts = counter();
  const store = new SqliteWorkerEventStore({
    file,
    retention,
    monitor: counts,
    pruneIntervalMs: 0,
    now: () => now(),
  });
  await measure("SQLite worker", store, counts.counts, () => {
    const later = Date.now() + retention.ttlMs + 1000;
    now = () => later;
    return store.prune();
  });
  await store.close();
}

const folder = await mkdtemp(join(tmpdir(), "lorastack-bench-event-store-"));
try {
  floor = await floorCpuPerEvent();
  console.log(`floor: ${floor.toFixed(1)} µs main-thread CPU per event made (no store)`);
  if (runs("sqlite"))
    await sqlRun("SQLite", await openDatabase({ engine: "sqlite", file: join(folder, "e.db") }));
  if (runs("worker")) await sqliteWorkerRun(join(folder, "e-events.db"));
  const skipPostgres = postgresSkipReason();
  if (!runs("postgres")) console.log("PostgreSQL not asked for");
  else if (skipPostgres) console.log(`PostgreSQL skipped: ${skipPostgres}`);
  else {
    const server = await startPostgres({ durable: true });
    try {
      const uri = await server.createDatabase();
      await sqlRun("PostgreSQL", await openDatabase({ engine: "postgres", uri }));
    } finally {
      await server.stop();
    }
  }
  const skipRedis = await redisSkipReason();
  if (!runs("redis")) console.log("Redis not asked for");
  else if (skipRedis) console.log(`Redis skipped: ${skipRedis}`);
  else {
    const server = await startRedis();
    try {
      const counts = counter();
      const store = new RedisEventStore({
        redis: new Redis(server.uri),
        ownsConnection: true,
        retention,
        monitor: counts,
      });
      await measure("Redis", store, counts.counts);
      await store.close();
    } finally {
      await server.stop();
    }
  }
  // Measured last, with the code warm as in the stores' runs.
  console.log(
    `encoding an event (eventBytes, in every store's cost): ${(await encodeCpuPerEvent()).toFixed(1)} µs above the floor`,
  );
} finally {
  await rm(folder, { recursive: true, force: true });
}
