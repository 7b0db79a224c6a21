import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { pino } from "pino";
import { freePort } from "../../test/harness/free-port.ts";
import { redisSkipReason, startRedis, type TestRedis } from "../../test/harness/redis.ts";
import { type Database, openDatabase } from "../storage/database.ts";
import { migrateToLatest } from "../storage/migrate.ts";
import { stringCodec } from "./codec.ts";
import { deferred, describeBackend, elapse, unique, within } from "./conformance/fixture.ts";
import { type Coordination, inProcessCoordination, redisCoordination } from "./coordination.ts";
import { errRedisUnavailable } from "./coordination-errors.ts";
import type { RedisPubSub } from "./redis/pubsub.ts";
import type { Task } from "./task-queue.ts";

const logger = pino({ level: "silent" });
const window = { windowMs: 10_000, cooldownMs: 1000 };

const folders: string[] = [];
after(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

async function sqlite(): Promise<Database> {
  const folder = await mkdtemp(join(tmpdir(), "lorastack-coordination-"));
  folders.push(folder);
  const database = await openDatabase({ engine: "sqlite", file: join(folder, "lorastack.db") });
  await migrateToLatest(database.db, database.engine);
  return database;
}

describe("inProcessCoordination", () => {
  it("shares a deduplicator's keys by name and reports itself as a claim's holder", async () => {
    const database = await sqlite();
    const coordination = inProcessCoordination({
      database,
      logger,
      instanceId: "only",
      address: "127.0.0.1:1884",
    });
    try {
      const first = coordination.deduplicator("uplinks", stringCodec);
      const second = coordination.deduplicator("uplinks", stringCodec);
      const other = coordination.deduplicator("joins", stringCodec);
      const opened = first.add("k", "a", { windowMs: 30, cooldownMs: 1000 });
      assert.deepEqual(await second.add("k", "b", window), { kind: "duplicate" });
      assert.equal((await other.add("k", "c", { windowMs: 1, cooldownMs: 0 })).kind, "first");
      assert.deepEqual(await opened, { kind: "first", collected: ["a", "b"] });

      assert.ok(await coordination.claims.claim("gateway", 5000));
      assert.deepEqual(await coordination.claims.holder("gateway"), {
        instanceId: "only",
        address: "127.0.0.1:1884",
      });
    } finally {
      await coordination.close();
      await database.close();
    }
  });

  it("close collects open windows at once and stops consumers and subscriptions", async () => {
    const database = await sqlite();
    const coordination = inProcessCoordination({ database, logger });
    const seen: string[] = [];
    coordination.pubsub.topic("t", stringCodec).subscribe((message) => seen.push(message));
    const ran: string[] = [];
    coordination.tasks.consume("q", async (task) => {
      ran.push(task.key);
    });
    const opened = coordination.deduplicator("uplinks", stringCodec).add("k", "a", window);
    const startedAt = Date.now();
    await coordination.close();
    assert.deepEqual(await opened, { kind: "first", collected: ["a"] });
    assert.ok(Date.now() - startedAt < 1000, "close waited for the window");
    coordination.pubsub.topic("t", stringCodec).publish("after close");
    assert.deepEqual(seen, []);
    // The task is kept, but this coordination's consumer no longer takes it.
    const later = inProcessCoordination({ database, logger });
    try {
      await later.tasks.add("q", { key: "k", payload: new Uint8Array() });
      await assert.rejects(coordination.tasks.add("q", { key: "x", payload: new Uint8Array() }));
      const received = deferred<Task>();
      later.tasks.consume("q", async (task) => received.resolve(task));
      assert.equal((await within(received.promise, 5000, "the task")).key, "k");
      assert.deepEqual(ran, []);
    } finally {
      await later.close();
      await database.close();
    }
  });
});

let server: TestRedis | undefined;

describeBackend("redisCoordination", await redisSkipReason(), () => {
  const open: Coordination[] = [];
  before(async () => {
    server = await startRedis();
  });
  after(async () => {
    await Promise.all(open.map((coordination) => coordination.close()));
    await server?.stop();
  });
  async function instance(
    n: number,
    keyPrefix: string,
    extra: Partial<Parameters<typeof redisCoordination>[0]> = {},
  ): Promise<Coordination> {
    const coordination = await redisCoordination({
      redis: server?.uri ?? "",
      logger,
      instanceId: `instance-${n}`,
      address: `10.0.0.${n}:1884`,
      keyPrefix,
      tasks: { pollIntervalMs: 60_000, leaseMs: 1000 },
      ...extra,
    });
    open.push(coordination);
    return coordination;
  }

  it("fails with a typed error when Redis does not answer", async () => {
    const port = await freePort();
    await assert.rejects(
      redisCoordination({
        redis: (name) =>
          new Redis(`redis://127.0.0.1:${port}`, {
            connectionName: name,
            lazyConnect: true,
            retryStrategy: () => null,
            maxRetriesPerRequest: 0,
          }).on("error", () => {}),
        logger,
        instanceId: "lonely",
        address: "",
      }),
      (error) => errRedisUnavailable.matches(error),
    );
  });

  it("wakes a consumer on another instance at once when a task is added", async () => {
    for (const store of ["redis", "database"] as const) {
      const prefix = `${unique("wake")}:`;
      const database = store === "database" ? await sqlite() : undefined;
      const tasks = { store, pollIntervalMs: 60_000, leaseMs: 1000 };
      const a = await instance(1, prefix, { database, tasks });
      const b = await instance(2, prefix, { database, tasks });
      const received = deferred<number>();
      b.tasks.consume("q", async () => received.resolve(Date.now()));
      // b's consumer has looked once and now sleeps for the poll interval (a minute).
      await elapse(100);
      await (b.pubsub as RedisPubSub).ready();
      const addedAt = Date.now();
      await a.tasks.add("q", { key: "k", payload: new Uint8Array([1]) });
      const ranAt = await within(received.promise, 5000, `the task (${store} store)`);
      assert.ok(ranAt - addedAt < 1000, `took ${ranAt - addedAt} ms (${store} store)`);
      await a.close();
      await b.close();
      await database?.close();
    }
  });

  it("keeps every key and channel under its prefix and releases its connections on close", async () => {
    const prefix = `${unique("tidy")}:`;
    const a = await instance(3, prefix);
    const probe = new Redis(server?.uri ?? "");
    try {
      const before = new Set(await probe.keys("*"));
      a.pubsub.topic("t", stringCodec).subscribe(() => {});
      await (a.pubsub as RedisPubSub).ready();
      await a.claims.claim("gateway", 5000);
      await (await a.locks.acquire("lock", 5000))?.release();
      await a.locks.acquire("held", 5000);
      await a.tasks.add("q", { key: "k", payload: new Uint8Array([1]) });
      await a.deduplicator("uplinks", stringCodec).add("k", "x", { windowMs: 1, cooldownMs: 5000 });
      const keys = (await probe.keys("*")).filter((key) => !before.has(key));
      assert.ok(keys.length >= 5, keys.join(" "));
      for (const key of keys) assert.ok(key.startsWith(prefix), key);
      const channels = (await probe.pubsub("CHANNELS", "*")) as string[];
      assert.deepEqual(channels.sort(), [
        `${prefix}pubsub:lorastack.cluster.tasks.due`,
        `${prefix}pubsub:t`,
      ]);

      const names = async () =>
        String(await probe.client("LIST"))
          .split("\n")
          .filter((line: string) => line.includes("name=lorastack-instance-3"));
      assert.equal((await names()).length, 2, "a command and a subscriber connection");
      await a.close();
      assert.deepEqual(await names(), []);
      assert.deepEqual(await probe.pubsub("CHANNELS", `${prefix}*`), []);
    } finally {
      probe.disconnect();
    }
  });

  it("drops and counts messages it cannot read, and ignores a foreign claim value", async () => {
    const prefix = `${unique("hostile")}:`;
    const a = await instance(4, prefix);
    const probe = new Redis(server?.uri ?? "");
    try {
      const pubsub = a.pubsub as RedisPubSub;
      const received: unknown[] = [];
      const topic = a.pubsub.topic<{ n: number }>("t", {
        encode: (value) => Buffer.from(JSON.stringify(value)),
        decode: (bytes) => JSON.parse(Buffer.from(bytes).toString()) as { n: number },
      });
      topic.subscribe((message) => received.push(message));
      await pubsub.ready();
      const channel = `${prefix}pubsub:t`;
      await probe.publish(channel, Buffer.alloc(0));
      await probe.publish(channel, Buffer.from([200, 1, 2]));
      await probe.publish(channel, Buffer.concat([Buffer.from([1]), Buffer.from("x{not json")]));
      await probe.publish(channel, Buffer.concat([Buffer.from([1]), Buffer.from('x{"n":1}')]));
      const deadline = Date.now() + 5000;
      while (received.length === 0 && Date.now() < deadline) await elapse(10);
      assert.deepEqual(received, [{ n: 1 }]);
      assert.equal(pubsub.dropped, 3);

      await probe.set(`${prefix}claims:gateway`, "not json", "PX", 5000);
      assert.equal(await a.claims.holder("gateway"), undefined);
      assert.equal(await a.claims.claim("gateway", 1000), undefined, "still held");
    } finally {
      probe.disconnect();
    }
  });

  it("closes within a few seconds when Redis is gone", async () => {
    const own = await startRedis();
    const coordination = await redisCoordination({
      redis: own.uri,
      logger,
      instanceId: "orphan",
      address: "",
    });
    coordination.pubsub.topic("t", stringCodec).subscribe(() => {});
    await (coordination.pubsub as RedisPubSub).ready();
    coordination.tasks.consume("q", async () => {});
    const opened = coordination.deduplicator("uplinks", stringCodec).add("k", "a", window);
    await own.stop();
    const startedAt = Date.now();
    await within(coordination.close(), 10_000, "close");
    assert.ok(Date.now() - startedAt < 5000, `close took ${Date.now() - startedAt} ms`);
    void opened.catch(() => {});
  });
});
