import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import pino from "pino";
import { describeOnEachEngine } from "../../../test/harness/engines.ts";
import { redisSkipReason, startRedis, type TestRedis } from "../../../test/harness/redis.ts";
import type { RightsFetcher } from "../../auth/rights-fetcher.ts";
import { stringCodec } from "../../cluster/codec.ts";
import { type Coordination, InProcessPubSub, redisCoordination } from "../../cluster/index.ts";
import type { PubSub } from "../../cluster/pubsub.ts";
import type { RedisPubSub } from "../../cluster/redis/pubsub.ts";
import { EventBus } from "../../events/index.ts";
import { ApplicationPackageDefaultAssociationSchema } from "../../gen/ttn/lorawan/v3/applicationserver_packages_pb.js";
import { createMetricsRegistry } from "../../metrics/registry.ts";
import type { Database } from "../../storage/index.ts";
import { storedUp } from "../storage/conformance.ts";
import { createStorage } from "../storage/storage.ts";
import { countStoredUps } from "../storage/store.ts";
import { PackageActivations, packagesChangedTopic } from "./activation.ts";
import { createPackages } from "./packages.ts";
import type { PackageActivation } from "./registry.ts";

const logger = pino({ level: "silent" });

/** A registry that answers from a table and counts its reads. */
function countingRegistry(table: Map<string, PackageActivation>) {
  const counted = {
    reads: 0,
    async activation(applicationId: string): Promise<PackageActivation> {
      counted.reads++;
      return table.get(applicationId) ?? { application: false, devices: new Set() };
    },
  };
  return counted;
}

describe("PackageActivations", () => {
  it("reads an application once; later questions are answered from memory without a promise", async () => {
    const registry = countingRegistry(
      new Map([["app1", { application: false, devices: new Set(["dev1"]) }]]),
    );
    const activations = new PackageActivations({
      registry,
      pubsub: new InProcessPubSub(),
      packageName: "storage-integration",
    });
    const first = activations.isActive("app1", "dev1");
    assert.ok(first instanceof Promise);
    // Concurrent askers share the one read.
    const [a, b] = await Promise.all([first, activations.isActive("app1", "dev2")]);
    assert.deepEqual([a, b], [true, false]);
    assert.equal(registry.reads, 1);
    assert.equal(activations.isActive("app1", "dev1"), true);
    assert.equal(activations.isActive("app1", "dev2"), false);
    assert.equal(registry.reads, 1);
  });

  it("reads again after a change announced on another instance, and after the TTL", async () => {
    const table = new Map<string, PackageActivation>();
    const registry = countingRegistry(table);
    const pubsub = new InProcessPubSub();
    let now = 0;
    const make = () =>
      new PackageActivations({
        registry,
        pubsub,
        packageName: "storage-integration",
        ttlMs: 1000,
        now: () => now,
      });
    const here = make();
    const there = make();
    here.start();
    there.start();
    assert.equal(await there.isActive("app1", "dev1"), false);
    table.set("app1", { application: true, devices: new Set() });
    assert.equal(there.isActive("app1", "dev1"), false, "kept until told");
    here.changed("app1");
    assert.equal(await there.isActive("app1", "dev1"), true);
    table.set("app1", { application: false, devices: new Set() });
    now = 999;
    assert.equal(there.isActive("app1", "dev1"), true);
    now = 1000;
    assert.equal(await there.isActive("app1", "dev1"), false, "read again after the TTL");
    here.stop();
    there.stop();
  });

  it("does not keep a read that a change overtook", async () => {
    let release: (activation: PackageActivation) => void = () => {};
    const pubsub = new InProcessPubSub();
    let reads = 0;
    const activations = new PackageActivations({
      registry: {
        activation: () => {
          reads++;
          return new Promise((resolve) => {
            release = resolve;
          });
        },
      },
      pubsub,
      packageName: "storage-integration",
    });
    activations.start();
    const stale = activations.isActive("app1", "dev1");
    activations.changed("app1");
    release({ application: false, devices: new Set() });
    assert.equal(await stale, false);
    assert.equal(activations.size, 0, "the stale answer is not kept");
    const fresh = activations.isActive("app1", "dev1");
    assert.ok(fresh instanceof Promise);
    release({ application: true, devices: new Set() });
    assert.equal(await fresh, true);
    assert.equal(reads, 2);
    activations.stop();
  });
});

// Keys hold RIGHT_APPLICATION_SETTINGS_PACKAGES on every application.
const rights: RightsFetcher = {
  authInfo: () => Promise.reject(new Error("not used")),
  rightsOn: async () => new Set(["RIGHT_APPLICATION_SETTINGS_PACKAGES"] as const),
};

/** One Application Server instance's packages and storage on a shared database and PubSub. */
function instance(database: Database, pubsub: PubSub) {
  const events = new EventBus();
  const packages = createPackages({ database, pubsub, rights, events, logger, storage: true });
  const storage = createStorage({
    database,
    rights,
    metrics: createMetricsRegistry(),
    logger,
    settings: { retentionMs: 86_400_000, commitIntervalMs: 1 },
    stores: (app, dev) => packages.storage.isActive(app, dev),
  });
  packages.start();
  return {
    packages,
    storage,
    async close() {
      packages.stop();
      await storage.stop();
      events.close();
    },
  };
}

describe("the storage integration on two instances", () => {
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

  describeOnEachEngine("one database and Redis", (engine, open) => {
    it("stores on one instance after a default association made on the other, and stops after its deletion", async (t) => {
      const reason = await skip;
      if (reason || !redis) return t.skip(reason);
      const database = await open();
      const pubsubOf = async (n: number) => {
        const coordination = await redisCoordination({
          redis: (redis as TestRedis).uri,
          logger,
          instanceId: `packages-${engine}-${n}`,
          address: `10.0.0.${n}:1884`,
          keyPrefix: `packages-${engine}:`,
        });
        coordinations.push(coordination);
        return coordination.pubsub;
      };
      const a = instance(database, await pubsubOf(1));
      const b = instance(database, await pubsubOf(2));
      const count = async () =>
        (await countStoredUps(database.db, { applicationId: "app1" })).get("dev1") ?? 0;
      /** Resolves when instance b hears of a change of app1 through Redis. */
      const heardOnB = () =>
        new Promise<void>((resolve) => {
          const unsubscribe = coordinations
            .at(-1)
            ?.pubsub.topic(packagesChangedTopic, stringCodec)
            .subscribe(() => {
              unsubscribe?.();
              resolve();
            });
        });
      try {
        for (const coordination of coordinations.slice(-2))
          await (coordination.pubsub as RedisPubSub).ready();
        await b.storage.sink.handle(storedUp("app1", "dev1", 0));
        assert.equal(await count(), 0, "nothing is stored without an association");
        assert.equal(b.packages.storage.isActive("app1", "dev1"), false, "answered from memory");

        // Instance a turns the storage on for the application; b hears of it through Redis.
        let heard = heardOnB();
        await a.packages.registry.updateDefaultAssociation(
          { applicationId: "app1", fPort: 100 },
          () =>
            create(ApplicationPackageDefaultAssociationSchema, {
              ids: { applicationIds: { applicationId: "app1" }, fPort: 100 },
              packageName: "storage-integration",
            }),
        );
        a.packages.storage.changed("app1");
        await heard;
        await b.storage.sink.handle(storedUp("app1", "dev1", 1));
        assert.equal(await count(), 1);

        heard = heardOnB();
        await a.packages.registry.deleteApplication("app1");
        a.packages.storage.changed("app1");
        await heard;
        await b.storage.sink.handle(storedUp("app1", "dev1", 2));
        assert.equal(await count(), 1, "nothing more after the deletion");
      } finally {
        await a.close();
        await b.close();
        await database.close();
      }
    });
  });
});
