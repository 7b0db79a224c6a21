import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { pino } from "pino";
import { describeOnEachEngine } from "../../../test/harness/engines.ts";
import { redisSkipReason, startRedis, type TestRedis } from "../../../test/harness/redis.ts";
import { type Coordination, redisCoordination } from "../../cluster/coordination.ts";
import { Fanout } from "../../cluster/fanout.ts";
import { InProcessPubSub } from "../../cluster/in-process/pubsub.ts";
import type { PubSub } from "../../cluster/pubsub.ts";
import type { RedisPubSub } from "../../cluster/redis/pubsub.ts";
import type { EndDevice } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import type { Database } from "../../storage/index.ts";
import { type CachedDeviceStore, createCachedDeviceStore } from "./cached-device-store.ts";
import { deviceSyncCodec, deviceSyncTopic } from "./sync-message.ts";
import {
  countingRegistry,
  deviceKey,
  hex,
  sessionDevice,
  type TestRegistry,
  testRegistry,
  totalCalls,
} from "./testing.ts";

const logger = pino({ level: "silent" });

function storeOn(
  registry: TestRegistry,
  pubsub: PubSub = new InProcessPubSub(),
  options: { intervalMs?: number; maxBatch?: number; maxCachedDevices?: number } = {},
): CachedDeviceStore {
  return createCachedDeviceStore({ registry, pubsub, logger, resyncIntervalMs: 0, ...options });
}

async function seed(registry: TestRegistry, devices: EndDevice[]): Promise<void> {
  for (const device of devices)
    await registry.update(deviceKey(device.ids?.deviceId ?? ""), () => device);
}

/** Resolves with the next sync message published by another instance on `pubsub`. */
function nextSync(pubsub: PubSub, fromInstance?: string): Promise<void> {
  return new Promise((resolve) => {
    const unsubscribe = pubsub.topic(deviceSyncTopic, deviceSyncCodec).subscribe((message) => {
      if (fromInstance !== undefined && message.instanceId !== fromInstance) return;
      unsubscribe();
      resolve();
    });
  });
}

const incrementFCnt = (device: EndDevice | undefined) => {
  if (!device?.session) throw new Error("no session");
  device.session.lastFCntUp++;
  return device;
};

const ids = (devices: readonly EndDevice[]) => devices.map((device) => device.ids?.deviceId).sort();

describeOnEachEngine("cached device store", (_engine, open) => {
  let database: Database;
  let registry: TestRegistry;
  const stores: CachedDeviceStore[] = [];
  const started = async (store: CachedDeviceStore) => {
    stores.push(store);
    await store.start();
    return store;
  };

  before(async () => {
    database = await open();
    registry = testRegistry(database);
  });
  after(async () => {
    await Promise.all(stores.map((store) => store.stop()));
    await database.close();
  });

  it("answers an unknown DevAddr from memory and a known one from the cache", async () => {
    await seed(registry, [sessionDevice("m1", "26000001"), sessionDevice("m2", "26000001")]);
    const counted = countingRegistry(registry);
    const store = await started(storeOn(counted.registry));
    const afterStart = totalCalls(counted.calls);
    for (let i = 0; i < 1000; i++) assert.deepEqual(await store.candidates(hex("7f00ff00")), []);
    assert.deepEqual(await store.candidates(hex("2600")), [], "a DevAddr of 2 bytes");
    assert.equal(totalCalls(counted.calls), afterStart, "no registry call for unknown DevAddrs");

    assert.deepEqual(ids(await store.candidates(hex("26000001"))), ["m1", "m2"]);
    assert.equal(counted.calls.get, 2, "one get per device not cached");
    const [first] = await store.candidates(hex("26000001"));
    assert.equal(counted.calls.get, 2, "then from the cache");
    assert.deepEqual(
      first?.session?.keys?.fNwkSIntKey?.key,
      hex("a1a2a3a4a5a6a7a8a9aaabacadaeaf00"),
    );
    assert.equal(counted.calls.rangeByDevAddr, 0);
  });

  it("shares one registry read between concurrent loads of one device", async () => {
    await seed(registry, [sessionDevice("s1", "26000002")]);
    const counted = countingRegistry(registry);
    const store = await started(storeOn(counted.registry));
    const results = await Promise.all(
      Array.from({ length: 10 }, () => store.candidates(hex("26000002"))),
    );
    assert.equal(counted.calls.get, 1);
    for (const devices of results) assert.deepEqual(ids(devices), ["s1"]);
  });

  it("keeps at most maxCachedDevices decoded devices", async () => {
    await seed(registry, [sessionDevice("c1", "26000003"), sessionDevice("c2", "26000004")]);
    const counted = countingRegistry(registry);
    const store = await started(storeOn(counted.registry, undefined, { maxCachedDevices: 1 }));
    await store.candidates(hex("26000003"));
    await store.candidates(hex("26000004"));
    await store.candidates(hex("26000003"));
    assert.equal(counted.calls.get, 3, "c1 was dropped for c2");
  });

  it("group-commits 200 concurrent changes of 50 devices, none lost", async () => {
    const devices = Array.from({ length: 50 }, (_, i) =>
      sessionDevice(`g${i}`, `2601${i.toString(16).padStart(4, "0")}`, 10),
    );
    await seed(registry, devices);
    const counted = countingRegistry(registry);
    const store = await started(storeOn(counted.registry, undefined, { intervalMs: 5 }));
    const commits = Array.from({ length: 200 }, (_, i) =>
      store.commit(deviceKey(`g${i % 50}`), incrementFCnt),
    );
    const results = await Promise.all(commits);
    assert.ok(
      counted.calls.updateMany <= 20,
      `${counted.calls.updateMany} transactions for 200 commits`,
    );
    assert.equal(store.transactions, counted.calls.updateMany);
    // Each device was changed 4 times, in order: its callers saw 11, 12, 13, 14.
    for (let d = 0; d < 50; d++) {
      const seen = [0, 1, 2, 3].map((round) => results[round * 50 + d]?.session?.lastFCntUp);
      assert.deepEqual(seen, [11, 12, 13, 14], `g${d}`);
    }
    const fresh = testRegistry(database);
    for (let d = 0; d < 50; d++)
      assert.equal((await fresh.get(deviceKey(`g${d}`)))?.session?.lastFCntUp, 14);
    // The cache holds what was committed: no read needed.
    const getsBefore = counted.calls.get;
    const [cached] = await store.candidates(hex("26010007"));
    assert.equal(cached?.session?.lastFCntUp, 14);
    assert.equal(counted.calls.get, getsBefore);
  });

  it("rejects only the caller of a change that throws, leaving its device as it was", async () => {
    await seed(registry, [sessionDevice("t1", "26000005", 1), sessionDevice("t2", "26000006", 1)]);
    const counted = countingRegistry(registry);
    const store = await started(storeOn(counted.registry, undefined, { intervalMs: 50 }));
    const failing = new Error("change failed");
    const [good, bad, other] = await Promise.allSettled([
      store.commit(deviceKey("t1"), incrementFCnt),
      store.commit(deviceKey("t2"), (device) => {
        if (device?.session) device.session.lastFCntUp = 999;
        throw failing;
      }),
      store.commit(deviceKey("t2"), incrementFCnt),
    ]);
    // The failure aborts the first attempt (no change gets a copy); the batch is then written
    // once, each change with a copy.
    assert.equal(counted.calls.updateMany, 2, "one attempt aborted, one transaction");
    assert.equal(good.status === "fulfilled" && good.value?.session?.lastFCntUp, 2);
    assert.deepEqual(bad, { status: "rejected", reason: failing });
    assert.equal(other.status === "fulfilled" && other.value?.session?.lastFCntUp, 2);
    assert.equal((await testRegistry(database).get(deviceKey("t2")))?.session?.lastFCntUp, 2);
  });

  it("rejects a change that would write another device's key, alone", async () => {
    await seed(registry, [sessionDevice("k1", "26000007", 1)]);
    const store = await started(storeOn(registry, undefined, { intervalMs: 50 }));
    const [moved, kept] = await Promise.allSettled([
      store.commit(deviceKey("k1"), () => sessionDevice("k2", "26000007")),
      store.commit(deviceKey("k1"), incrementFCnt),
    ]);
    assert.equal(moved.status, "rejected");
    assert.equal(kept.status === "fulfilled" && kept.value?.session?.lastFCntUp, 2);
  });

  it("rejects every caller of a batch whose transaction fails", async () => {
    await seed(registry, [sessionDevice("f1", "26000008", 1)]);
    const counted = countingRegistry(registry);
    const store = await started(storeOn(counted.registry, undefined, { intervalMs: 20 }));
    await store.candidates(hex("26000008"));
    const down = new Error("database down");
    counted.failUpdates.error = down;
    const outcomes = await Promise.allSettled([
      store.commit(deviceKey("f1"), incrementFCnt),
      store.commit(deviceKey("f1"), incrementFCnt),
      store.commit(deviceKey("other"), () => sessionDevice("other", "26000009")),
    ]);
    assert.deepEqual(
      outcomes.map((outcome) => outcome.status === "rejected" && outcome.reason),
      [down, down, down],
    );
    assert.equal(counted.calls.updateMany, 1);
    counted.failUpdates.error = undefined;
    const [device] = await store.candidates(hex("26000008"));
    assert.equal(device?.session?.lastFCntUp, 1, "nothing of the batch was kept");
  });

  it("creates and deletes devices through commit, index and cache following", async () => {
    const store = await started(storeOn(registry));
    assert.deepEqual(await store.candidates(hex("2600000a")), []);
    const created = await store.commit(deviceKey("n1"), (current) => {
      assert.equal(current, undefined);
      return sessionDevice("n1", "2600000a");
    });
    assert.equal(created?.ids?.deviceId, "n1");
    assert.deepEqual(ids(await store.candidates(hex("2600000a"))), ["n1"]);
    await store.commit(deviceKey("n1"), () => null);
    assert.deepEqual(await store.candidates(hex("2600000a")), []);
    assert.equal(await store.get(deviceKey("n1")), undefined);
  });

  it("keeps two instances consistent through one PubSub", async () => {
    await seed(registry, [sessionDevice("p1", "26000011", 5)]);
    const fanout = new Fanout();
    const pubsubA = new InProcessPubSub({ fanout });
    const pubsubB = new InProcessPubSub({ fanout });
    const a = await started(storeOn(registry, pubsubA));
    const b = await started(storeOn(registry, pubsubB));
    assert.equal((await b.candidates(hex("26000011")))[0]?.session?.lastFCntUp, 5);

    // A moves the device to another DevAddr and counts a frame: B follows at once.
    await a.commit(deviceKey("p1"), (device) => {
      const moved = incrementFCnt(device);
      if (moved.session) moved.session.devAddr = hex("26000012");
      return moved;
    });
    assert.deepEqual(await b.candidates(hex("26000011")), []);
    assert.equal((await b.candidates(hex("26000012")))[0]?.session?.lastFCntUp, 6);

    // A change past both stores, announced on B, reaches A.
    await registry.update(deviceKey("p1"), (device) => {
      if (device?.session) device.session.devAddr = hex("26000013");
      return device ?? null;
    });
    const announced = nextSync(pubsubA);
    b.changed(deviceKey("p1"));
    await announced;
    assert.deepEqual(await a.candidates(hex("26000012")), []);
    assert.deepEqual(ids(await a.candidates(hex("26000013"))), ["p1"]);
    assert.deepEqual(ids(await b.candidates(hex("26000013"))), ["p1"]);
  });

  it("does not cache a device read while another instance changed it", async () => {
    await seed(registry, [sessionDevice("z1", "26000051", 1)]);
    const fanout = new Fanout();
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    let read: () => void = () => {};
    const firstRead = new Promise<void>((resolve) => {
      read = resolve;
    });
    let reads = 0;
    // B's reads see the stored device, then wait for the gate before they answer.
    const slow: TestRegistry = Object.assign(Object.create(registry) as TestRegistry, {
      get: async (key: ReturnType<typeof deviceKey>) => {
        reads++;
        const device = await registry.get(key);
        if (reads === 1) {
          read();
          await gate;
        }
        return device;
      },
      scanAddresses: (options?: { batchSize?: number }) => registry.scanAddresses(options),
    });
    const a = await started(storeOn(registry, new InProcessPubSub({ fanout })));
    const b = await started(storeOn(slow, new InProcessPubSub({ fanout })));
    const reading = b.candidates(hex("26000051"));
    await firstRead;
    await a.commit(deviceKey("z1"), incrementFCnt);
    open();
    assert.equal((await reading)[0]?.session?.lastFCntUp, 1, "what was stored when asked");
    assert.equal((await b.candidates(hex("26000051")))[0]?.session?.lastFCntUp, 2);
    assert.equal(reads, 2, "the stale read was not cached");
  });

  it("heals a lost message by resync", async () => {
    await seed(registry, [sessionDevice("r1", "26000021", 1), sessionDevice("r2", "26000022")]);
    // Two instances whose PubSubs are not connected: every message is lost.
    const a = await started(storeOn(registry, new InProcessPubSub()));
    const b = await started(storeOn(registry, new InProcessPubSub()));
    assert.equal((await b.candidates(hex("26000021")))[0]?.session?.lastFCntUp, 1);
    await a.commit(deviceKey("r1"), (device) => {
      const moved = incrementFCnt(device);
      if (moved.session) moved.session.devAddr = hex("26000023");
      return moved;
    });
    await a.commit(deviceKey("r2"), () => null);
    assert.equal((await b.candidates(hex("26000021")))[0]?.session?.lastFCntUp, 1, "stale");
    await b.resync();
    assert.deepEqual(await b.candidates(hex("26000021")), []);
    assert.equal((await b.candidates(hex("26000023")))[0]?.session?.lastFCntUp, 2);
    assert.deepEqual(await b.candidates(hex("26000022")), []);
    assert.equal(await b.get(deviceKey("r2")), undefined, "the deleted device is not cached");
  });

  it("resyncs when its PubSub announces a gap (messages of other instances lost)", async () => {
    await seed(registry, [sessionDevice("g1", "26000061", 1)]);
    const gapListeners = new Set<() => void>();
    const inner = new InProcessPubSub();
    const gappy: PubSub = {
      topic: (name, codec) => inner.topic(name, codec),
      close: () => inner.close(),
      onGap: (listener) => {
        gapListeners.add(listener);
        return () => gapListeners.delete(listener);
      },
    };
    const a = await started(storeOn(registry, new InProcessPubSub()));
    const b = await started(storeOn(registry, gappy));
    assert.equal(gapListeners.size, 1, "the store listens for gaps");
    assert.equal((await b.candidates(hex("26000061")))[0]?.session?.lastFCntUp, 1);
    await a.commit(deviceKey("g1"), (device) => {
      const moved = incrementFCnt(device);
      if (moved.session) moved.session.devAddr = hex("26000062");
      return moved;
    });
    assert.equal((await b.candidates(hex("26000061")))[0]?.session?.lastFCntUp, 1, "stale");
    for (const listener of gapListeners) listener();
    for (let i = 0; i < 100 && (await b.candidates(hex("26000062"))).length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal((await b.candidates(hex("26000062")))[0]?.session?.lastFCntUp, 2);
    assert.deepEqual(await b.candidates(hex("26000061")), []);
    await b.stop();
    assert.equal(gapListeners.size, 0, "a stopped store stops listening");
  });

  it("re-reads at resync a cached device whose stored updated_at the scan could not read", async () => {
    await seed(registry, [sessionDevice("u1", "26000041", 1), sessionDevice("u2", "26000042", 1)]);
    const { registry: counted, calls } = countingRegistry(registry);
    // The scan reports u1's updated_at as unknown (0), as it does for corrupt bytes.
    const scanning: TestRegistry = {
      ...counted,
      async *scanAddresses(options) {
        for await (const entry of counted.scanAddresses(options))
          yield entry.key.deviceId === "u1" ? { ...entry, updatedAtMs: 0 } : entry;
      },
    };
    const store = await started(storeOn(scanning));
    assert.equal((await store.candidates(hex("26000041"))).length, 1);
    assert.equal((await store.candidates(hex("26000042"))).length, 1);
    assert.equal(calls.get, 2);
    await store.resync();
    assert.deepEqual(ids(await store.candidates(hex("26000041"))), ["u1"]);
    assert.deepEqual(ids(await store.candidates(hex("26000042"))), ["u2"]);
    assert.equal(calls.get, 3, "u1 was read again, u2 came from the cache");
  });

  it("writes what is queued when stopped, and refuses commits after", async () => {
    await seed(registry, [sessionDevice("x1", "26000031", 1)]);
    const store = storeOn(registry, undefined, { intervalMs: 10_000 });
    await store.start();
    const pending = store.commit(deviceKey("x1"), incrementFCnt);
    await store.stop();
    assert.equal((await pending)?.session?.lastFCntUp, 2);
    await assert.rejects(store.commit(deviceKey("x1"), incrementFCnt), /stopped/);
  });
});

describe("cached device store over Redis PubSub", () => {
  const skip = redisSkipReason();
  let redis: TestRedis | undefined;
  const coordinations: Coordination[] = [];
  before(async () => {
    if (!(await skip)) redis = await startRedis();
  });
  after(async () => {
    await Promise.all(coordinations.map((coordination) => coordination.close()));
    await redis?.stop();
  });

  describeOnEachEngine("redis", (engine, open) => {
    it("keeps two instances consistent through Redis", async (t) => {
      const reason = await skip;
      if (reason || !redis) return t.skip(reason);
      const database = await open();
      const registry = testRegistry(database);
      await seed(registry, [sessionDevice("q1", "26000041", 3)]);
      const instance = async (n: number) => {
        const coordination = await redisCoordination({
          redis: (redis as TestRedis).uri,
          logger,
          instanceId: `store-${engine}-${n}`,
          address: `10.0.0.${n}:1884`,
          keyPrefix: `device-store-${engine}:`,
        });
        coordinations.push(coordination);
        const store = createCachedDeviceStore({
          registry,
          pubsub: coordination.pubsub,
          logger,
          resyncIntervalMs: 0,
          instanceId: `store-${engine}-${n}`,
        });
        await store.start();
        await (coordination.pubsub as RedisPubSub).ready();
        return { store, pubsub: coordination.pubsub };
      };
      const a = await instance(1);
      const b = await instance(2);
      try {
        assert.equal((await b.store.candidates(hex("26000041")))[0]?.session?.lastFCntUp, 3);
        const received = nextSync(b.pubsub, `store-${engine}-1`);
        await a.store.commit(deviceKey("q1"), (device) => {
          const moved = incrementFCnt(device);
          if (moved.session) moved.session.devAddr = hex("26000042");
          return moved;
        });
        await received;
        assert.deepEqual(await b.store.candidates(hex("26000041")), []);
        assert.equal((await b.store.candidates(hex("26000042")))[0]?.session?.lastFCntUp, 4);
      } finally {
        await Promise.all([a.store.stop(), b.store.stop()]);
        await database.close();
      }
    });
  });
});
