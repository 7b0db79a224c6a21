import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import BetterSqlite3 from "better-sqlite3";
import { openDatabase } from "../../storage/index.ts";
import { defineEvent } from "../definition.ts";
import type { StackEvent } from "../event.ts";
import { UlidFactory } from "../ulid.ts";
import { countingMonitor } from "./conformance.ts";
import { errHistoryUnavailable, errNoDatabaseFile } from "./errors.ts";
import { packHistoryBatch, unpackHistoryBatch } from "./history-batch.ts";
import { historyFileOf, sqliteFileOf } from "./history-file.ts";
import { SqliteWorkerEventStore } from "./sqlite-worker-store.ts";

const evtTest = defineEvent("test.worker_store.update", {
  description: "update",
  visibility: ["RIGHT_APPLICATION_INFO"],
});
const retention = { ttlMs: 600_000, entityCount: 100, correlationIdCount: 100 };
const ulids = new UlidFactory();

function event(device: string, correlationIds: string[] = []): StackEvent {
  const { id, ms } = ulids.next();
  return {
    name: evtTest.name,
    time: new Date(ms),
    identifiers: [{ kind: "end_device", id: `app-1.${device}` }],
    correlationIds,
    origin: "test",
    visibility: ["RIGHT_APPLICATION_INFO"],
    uniqueId: id,
  };
}

/** A monitor that also remembers what failed, as the store logs it. */
function recordingMonitor() {
  const failures: string[] = [];
  return Object.assign(countingMonitor(), {
    failures,
    failed: (operation: string) => {
      failures.push(operation);
    },
  });
}

describe("history batches", () => {
  it("carry each event's id, bytes and keys through one buffer, multi-byte text included", () => {
    const records = [
      {
        uniqueId: "01A",
        payload: new Uint8Array([1, 2, 3]),
        keys: ["entity:x", "correlation:é€😀"],
      },
      { uniqueId: "01B", payload: new Uint8Array(0), keys: [] },
      { uniqueId: "01C", payload: new Uint8Array(70_000).fill(7), keys: ["k".repeat(100)] },
    ];
    const read = unpackHistoryBatch(packHistoryBatch(records));
    assert.deepEqual(
      read.map((record) => ({ ...record, payload: [...record.payload] })),
      records.map((record) => ({ ...record, payload: [...record.payload] })),
    );
  });

  it("refuse a truncated buffer with a RangeError", () => {
    const buffer = packHistoryBatch([
      { uniqueId: "01A", payload: new Uint8Array(10), keys: ["a"] },
    ]);
    const view = new DataView(buffer);
    view.setUint32(0, 20, true);
    assert.throws(() => unpackHistoryBatch(buffer), RangeError);
  });
});

describe("history file", () => {
  it("is beside the database, `-events` before the extension", () => {
    assert.equal(historyFileOf("/data/lorastack.db"), "/data/lorastack-events.db");
    assert.equal(historyFileOf("/data/stack"), "/data/stack-events");
  });

  it("is found from the open database; one in memory has none", async () => {
    const folder = await mkdtemp(join(tmpdir(), "lorastack-history-file-"));
    const onDisk = await openDatabase({ engine: "sqlite", file: join(folder, "a.db") });
    const inMemory = await openDatabase({ engine: "sqlite", file: ":memory:" });
    try {
      assert.equal(await sqliteFileOf(onDisk), join(folder, "a.db"));
      await assert.rejects(sqliteFileOf(inMemory), (error) => errNoDatabaseFile.matches(error));
    } finally {
      await onDisk.close();
      await inMemory.close();
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe("SqliteWorkerEventStore", () => {
  let folder: string;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), "lorastack-worker-store-"));
  });
  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it("writes what was added before close, then ends its thread; a reopened store reads it", async () => {
    const file = join(folder, "close-events.db");
    const monitor = recordingMonitor();
    const store = new SqliteWorkerEventStore({ file, retention, monitor, flushIntervalMs: 60_000 });
    const added = [event("dev-1"), event("dev-1"), event("dev-2")];
    for (const one of added) store.add(one);
    await store.close();
    assert.equal(monitor.counts.stored, 3, "the close wrote the waiting batch");
    store.add(event("dev-1"));
    await store.close();
    assert.deepEqual(monitor.failures, [], "a close is not a failure");
    const reopened = new SqliteWorkerEventStore({ file, retention, monitor: countingMonitor() });
    try {
      const history = await reopened.history({ entities: [{ kind: "application", id: "app-1" }] });
      assert.deepEqual(
        history.map((one) => one.uniqueId),
        added.map((one) => one.uniqueId),
        "nothing added after the close",
      );
    } finally {
      await reopened.close();
    }
  });

  it("sets WAL on its file and stores rows in the 0008 tables", async () => {
    const file = join(folder, "wal-events.db");
    const store = new SqliteWorkerEventStore({ file, retention, monitor: countingMonitor() });
    store.add(event("dev-1", ["c-1"]));
    await store.flush();
    const connection = new BetterSqlite3(file, { readonly: true });
    try {
      assert.equal(connection.pragma("journal_mode", { simple: true }), "wal");
      const count = (table: string) =>
        (connection.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
      assert.equal(count("events"), 1);
      assert.equal(count("event_index"), 3, "the device, its application, the correlation id");
    } finally {
      connection.close();
      await store.close();
    }
  });

  it("drops and counts history when its thread cannot start; reads fail clearly; close ends", async () => {
    const monitor = recordingMonitor();
    const store = new SqliteWorkerEventStore({
      file: join(folder, "no-such-folder", "x-events.db"),
      retention,
      monitor,
    });
    store.add(event("dev-1"));
    store.add(event("dev-1"));
    await store.flush();
    assert.equal(monitor.counts.failed, 2);
    assert.deepEqual(monitor.failures, ["history writer"], "logged once");
    await assert.rejects(
      store.history({ entities: [{ kind: "application", id: "app-1" }] }),
      (error) => errHistoryUnavailable.matches(error),
    );
    await assert.rejects(store.prune());
    await store.close();
    assert.ok(!existsSync(join(folder, "no-such-folder")));
  });

  it("goes on when its thread crashes: the crash is logged once, later batches dropped and counted", async () => {
    // A writer that starts, then dies on its first request.
    const crashing = new URL(
      `data:text/javascript,${encodeURIComponent(`
        import { parentPort } from "node:worker_threads";
        parentPort.on("message", () => { throw new Error("writer crashed"); });
        parentPort.postMessage({ type: "ready" });
      `)}`,
    );
    const file = join(folder, "crash-events.db");
    // The reads need the file and its tables: a real store makes them first.
    const real = new SqliteWorkerEventStore({ file, retention, monitor: countingMonitor() });
    const kept = event("dev-1");
    real.add(kept);
    await real.close();
    const monitor = recordingMonitor();
    const store = new SqliteWorkerEventStore({ file, retention, monitor, workerUrl: crashing });
    store.add(event("dev-1"));
    await store.flush();
    assert.equal(monitor.counts.failed, 1, "the batch in flight");
    store.add(event("dev-1"));
    store.add(event("dev-1"));
    await store.flush();
    assert.equal(monitor.counts.failed, 3, "and each later one");
    assert.deepEqual(monitor.failures, ["history writer"]);
    const history = await store.history({ entities: [{ kind: "application", id: "app-1" }] });
    assert.deepEqual(
      history.map((one) => one.uniqueId),
      [kept.uniqueId],
      "what was written stays readable",
    );
    await store.close();
  });

  it("bounds what waits for the thread: beyond maxPending, events are dropped and counted", async () => {
    const monitor = recordingMonitor();
    const store = new SqliteWorkerEventStore({
      file: join(folder, "bounded-events.db"),
      retention,
      monitor,
      maxPending: 10,
      maxBatch: 5,
    });
    for (let index = 0; index < 25; index++) store.add(event("dev-1"));
    await store.flush();
    assert.equal(monitor.counts.overflow, 15);
    assert.equal(monitor.counts.stored, 10);
    await store.close();
  });
});
