/**
 * The Redis coordination across a Redis restart without persistence (the server killed and
 * started again, empty, on the same port): every part works again without a restart of the
 * instance — subscriptions restored and the gap announced, scripts loaded again, fencing
 * tokens still growing, task consumers running new tasks.
 */
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { Redis } from "ioredis";
import { pino } from "pino";
import { redisSkipReason, startRedis, type TestRedis } from "../../../test/harness/redis.ts";
import { until } from "../../../test/harness/until.ts";
import { stringCodec } from "../codec.ts";
import { describeBackend, unique } from "../conformance/fixture.ts";
import { type Coordination, redisCoordination } from "../coordination.ts";
import type { RedisPubSub } from "./pubsub.ts";

const logger = pino({ level: "silent" });

describeBackend("Redis coordination across a Redis restart", await redisSkipReason(), () => {
  let server: TestRedis;
  let a: Coordination;
  let b: Coordination;

  before(async () => {
    server = await startRedis();
    const keyPrefix = `${unique("recovery")}:`;
    const open = (n: number) =>
      redisCoordination({
        redis: server.uri,
        logger,
        keyPrefix,
        instanceId: `instance-${n}`,
        address: `10.0.0.${n}:1884`,
        tasks: { pollIntervalMs: 200, leaseMs: 1000 },
      });
    a = await open(1);
    b = await open(2);
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await server?.stop();
  });

  it("warns at start when the Redis that keeps the tasks saves nothing", async () => {
    const warnings: string[] = [];
    const capture = pino(
      { level: "warn" },
      {
        write: (line: string) => {
          warnings.push(String(JSON.parse(line).msg));
        },
      },
    );
    const open = async () => {
      const coordination = await redisCoordination({
        redis: server.uri,
        logger: capture,
        keyPrefix: `${unique("warn")}:`,
        instanceId: "warn-1",
        address: "10.0.0.9:1884",
      });
      await coordination.close();
    };
    await open();
    await until(async () => (warnings.length > 0 ? true : undefined), { what: "the warning" });
    assert.match(warnings[0] ?? "", /appendonly.*cluster\.task_store: database/);
    const admin = new Redis(server.uri);
    await admin.config("SET", "appendonly", "yes");
    warnings.length = 0;
    await open();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await admin.config("SET", "appendonly", "no");
    admin.disconnect();
    assert.deepEqual(warnings, [], "a Redis with an append-only file keeps its tasks");
  });

  it("recovers every part after Redis restarts empty", async () => {
    // Before: a subscription, a lock, a deduplicated key, a consumer.
    const topic = unique("topic");
    const received: string[] = [];
    a.pubsub.topic(topic, stringCodec).subscribe((message) => received.push(message));
    let gaps = 0;
    assert.ok(a.pubsub.onGap, "the Redis PubSub announces gaps");
    a.pubsub.onGap(() => gaps++);
    await (a.pubsub as RedisPubSub).ready();
    const fromB = b.pubsub.topic(topic, stringCodec);
    fromB.publish("before");
    await until(async () => (received.includes("before") ? true : undefined), {
      what: "the message before the restart",
    });
    const before = await a.locks.acquire(unique("lock"), 5000);
    assert.ok(before);
    const window = { windowMs: 20, cooldownMs: 20 };
    assert.equal((await a.deduplicator("up", stringCodec).add("k1", "x", window)).kind, "first");
    const handled: string[] = [];
    const queue = unique("queue");
    const consumer = b.tasks.consume(queue, async (task) => {
      handled.push(task.key);
    });

    await server.halt();
    // Uplinks go on while Redis is down: deduplicated in this process, without waiting.
    const whileDown = a.deduplicator("up", stringCodec);
    const started = Date.now();
    const [first, second] = await Promise.all([
      whileDown.add("k-down", "x", { windowMs: 100, cooldownMs: 100 }),
      whileDown.add("k-down", "y", { windowMs: 100, cooldownMs: 100 }),
    ]);
    assert.deepEqual(first, { kind: "first", collected: ["x", "y"] });
    assert.deepEqual(second, { kind: "duplicate" });
    assert.ok(Date.now() - started < 1500, "no wait for Redis");
    await server.resume();

    await until(async () => (gaps > 0 ? true : undefined), { what: "the gap announced" });
    // Subscriptions are in place again: a message from the other instance arrives.
    await until(
      async () => {
        fromB.publish("after");
        return received.includes("after") ? true : undefined;
      },
      { what: "a message after the restart", ignoreErrors: true },
    );
    // Scripts are loaded again (the restarted server has none cached).
    const lock = await a.locks.acquire(unique("lock"), 5000);
    assert.ok(lock);
    assert.ok(
      lock.fencingToken > before.fencingToken,
      `fencing tokens keep growing (${before.fencingToken} then ${lock.fencingToken})`,
    );
    const dedup = b.deduplicator("up", stringCodec);
    assert.equal((await dedup.add("k2", "y", window)).kind, "first");
    // The claim store works again.
    assert.ok(await a.claims.claim(unique("gateway"), 5000));
    // Consumers that kept polling through the outage take new tasks.
    await a.tasks.add(queue, { key: "after-restart", payload: new Uint8Array(1) });
    await until(async () => (handled.includes("after-restart") ? true : undefined), {
      what: "a task added after the restart handled",
    });
    await consumer.stop();
  });
});
