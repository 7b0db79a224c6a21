import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { composeConfig, loadConfig, readSection } from "../config/index.ts";
import { type Database, migrateToLatest, openDatabase } from "../storage/index.ts";
import { eventsConfig } from "./config.ts";
import { errStoreNeedsRedis } from "./errors.ts";
import { createEventStore } from "./store/create-store.ts";
import { SqliteWorkerEventStore } from "./store/sqlite-worker-store.ts";

describe("events configuration", () => {
  const model = composeConfig([{ owner: "events", section: eventsConfig }]);
  let folder: string;
  let database: Database;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), "lorastack-events-config-"));
    database = await openDatabase({ engine: "sqlite", file: join(folder, "lorastack.db") });
    await migrateToLatest(database.db, database.engine);
  });
  after(async () => {
    await database.close();
    await rm(folder, { recursive: true, force: true });
  });
  const load = (env: Record<string, string>) =>
    readSection(eventsConfig, loadConfig(model, { cwd: folder, env }).config).events;

  it("defaults to The Things Stack's retention, history on, 100 streams per caller", () => {
    assert.deepEqual(load({}), {
      store: {
        enable: true,
        backend: "auto",
        ttl: 600_000,
        entity_count: 100,
        correlation_id_count: 100,
        flush_interval: 10,
        prune_interval: 60_000,
      },
      stream: { max_per_caller: 100, rights_check_interval: 300_000 },
    });
  });

  it("reads every key from the environment", () => {
    const events = load({
      LORASTACK_EVENTS_STORE_ENABLE: "false",
      LORASTACK_EVENTS_STORE_BACKEND: "database",
      LORASTACK_EVENTS_STORE_TTL: "1h",
      LORASTACK_EVENTS_STORE_ENTITY_COUNT: "20",
      LORASTACK_EVENTS_STORE_CORRELATION_ID_COUNT: "30",
      LORASTACK_EVENTS_STORE_FLUSH_INTERVAL: "5ms",
      LORASTACK_EVENTS_STORE_PRUNE_INTERVAL: "10s",
      LORASTACK_EVENTS_STREAM_MAX_PER_CALLER: "0",
      LORASTACK_EVENTS_STREAM_RIGHTS_CHECK_INTERVAL: "0",
    });
    assert.deepEqual(events, {
      store: {
        enable: false,
        backend: "database",
        ttl: 3_600_000,
        entity_count: 20,
        correlation_id_count: 30,
        flush_interval: 5,
        prune_interval: 10_000,
      },
      stream: { max_per_caller: 0, rights_check_interval: 0 },
    });
  });

  it("refuses counts below 1, a time to live of 0 and unknown backends, naming the key", () => {
    for (const [name, value, key] of [
      ["LORASTACK_EVENTS_STORE_ENTITY_COUNT", "0", /events\.store\.entity_count/],
      ["LORASTACK_EVENTS_STORE_CORRELATION_ID_COUNT", "many", /correlation_id_count/],
      ["LORASTACK_EVENTS_STORE_TTL", "0", /events\.store\.ttl/],
      ["LORASTACK_EVENTS_STORE_BACKEND", "memory", /events\.store\.backend/],
      ["LORASTACK_EVENTS_STREAM_MAX_PER_CALLER", "-1", /max_per_caller/],
    ] as const)
      assert.throws(() => load({ [name]: value }), key, `${name}=${value}`);
  });

  it("makes the store the configuration names", async () => {
    const store = (env: Record<string, string>, redisUri = "") =>
      createEventStore({ config: load(env).store, database, redisUri, instanceId: "test" });
    assert.equal(store({ LORASTACK_EVENTS_STORE_ENABLE: "false" }), undefined);
    const sql = store({});
    assert.ok(sql instanceof SqliteWorkerEventStore, "without Redis: beside the SQLite database");
    await sql.close();
    assert.throws(
      () => store({ LORASTACK_EVENTS_STORE_BACKEND: "redis" }),
      (error) => errStoreNeedsRedis.matches(error),
    );
  });
});
