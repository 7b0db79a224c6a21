import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { pino } from "pino";
import { ClusterKeys } from "../../api/cluster-keys.ts";
import { ApiRegistry } from "../../api/registry.ts";
import type { Cluster } from "../../cluster/cluster.ts";
import { clusterConfig } from "../../cluster/config.ts";
import { inProcessCoordination } from "../../cluster/coordination.ts";
import { createCluster } from "../../cluster/create-cluster.ts";
import { loadConfig, readSection } from "../../config/index.ts";
import { errorNamespace } from "../../errors/index.ts";
import { EventBus, type StackEvent } from "../../events/index.ts";
import { NsAs } from "../../gen/ttn/lorawan/v3/applicationserver_pb.js";
import { type ApplicationUp, ApplicationUpSchema } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import { createMetricsRegistry } from "../../metrics/registry.ts";
import { programConfig } from "../../program/config.ts";
import { type Database, openDatabase } from "../../storage/database.ts";
import { migrateToLatest } from "../../storage/migrate.ts";
import { applicationUplinkMetrics } from "./metrics.ts";
import { applicationUpQueue, createApplicationUplinkForwarder } from "./queued-forwarder.ts";
import { applicationUpTaskKey } from "./task-key.ts";

const logger = pino({ level: "silent" });
const errAsDown = errorNamespace("test/application-server").unavailable("down", "AS is down");
// Fast retries; the same shape as the default (doubling, capped).
const retry = { backoffMs: 10, maxBackoffMs: 40, maxAttempts: 1000 };

const folders: string[] = [];
after(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

async function databaseFile(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), "lorastack-ns-as-"));
  folders.push(folder);
  return join(folder, "lorastack.db");
}

/** A fake Application Server: fails while `down`, records what it took, tells who waits. */
class FakeApplicationServer {
  down = false;
  calls = 0;
  readonly taken: ApplicationUp[] = [];
  #waiters: { count: number; resolve: () => void }[] = [];

  implementation() {
    return {
      handleUplink: async (request: { applicationUps: ApplicationUp[] }) => {
        this.calls++;
        if (this.down) throw errAsDown.create();
        this.taken.push(...request.applicationUps);
        this.#waiters = this.#waiters.filter((waiter) => {
          if (this.taken.length < waiter.count) return true;
          waiter.resolve();
          return false;
        });
        return {};
      },
    };
  }

  /** Resolves once it took `count` messages in all. */
  took(count: number): Promise<void> {
    if (this.taken.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }
}

/** One process: a database connection, the in-process coordination and a cluster with a local AS. */
async function startInstance(file: string, as: FakeApplicationServer | undefined) {
  const database: Database = await openDatabase({ engine: "sqlite", file });
  await migrateToLatest(database.db, database.engine);
  const { config: loaded } = loadConfig(programConfig, { env: {} });
  const config = { ...loaded, ...readSection(clusterConfig, loaded) };
  const api = new ApiRegistry();
  if (as) api.register(NsAs, as.implementation() as never, { internal: true });
  const coordination = inProcessCoordination({ database, logger, tasks: { pollIntervalMs: 200 } });
  const handle = createCluster({
    config,
    api,
    components: as ? ["ns", "as"] : ["ns"],
    clusterKeys: ClusterKeys.fromHex(config.cluster.keys),
    coordination,
    logger,
  });
  const registry = createMetricsRegistry();
  const metrics = applicationUplinkMetrics(registry);
  const forwarder = createApplicationUplinkForwarder({
    cluster: handle.cluster,
    logger,
    metrics,
    retry,
  });
  return {
    cluster: handle.cluster as Cluster,
    forwarder,
    metrics,
    async close() {
      await forwarder.stop();
      await handle.close();
      await database.close();
    },
  };
}

function uplink(deviceId: string, fCnt: number): ApplicationUp {
  return create(ApplicationUpSchema, {
    endDeviceIds: { applicationIds: { applicationId: "app1" }, deviceId },
    correlationIds: [`ns:uplink:${deviceId}-${fCnt}`],
    up: {
      case: "uplinkMessage",
      value: {
        sessionKeyId: new Uint8Array([1, 2]),
        fPort: 1,
        fCnt,
        frmPayload: new Uint8Array([fCnt]),
        rxMetadata: [
          { gatewayIds: { gatewayId: "gw1" }, rssi: -40, snr: 7.5 },
          { gatewayIds: { gatewayId: "gw2" }, rssi: -90, snr: -3 },
        ],
      },
    },
  });
}

const names = (ups: readonly ApplicationUp[]) =>
  ups.map((up) =>
    up.up.case === "uplinkMessage" ? `${up.endDeviceIds?.deviceId}:${up.up.value.fCnt}` : "?",
  );

describe("application uplink forwarder", { timeout: 30_000 }, () => {
  it("hands messages to the local Application Server directly", async () => {
    const as = new FakeApplicationServer();
    const instance = await startInstance(await databaseFile(), as);
    try {
      await instance.forwarder.forward([uplink("dev1", 1), uplink("dev1", 2)]);
      assert.deepEqual(names(as.taken), ["dev1:1", "dev1:2"]);
      assert.equal(as.calls, 1, "one call for the batch");
      assert.deepEqual(as.taken[0]?.up.value, uplink("dev1", 1).up.value, "all rx metadata");
      assert.equal((await instance.metrics.forwarded.get()).values[0]?.value, 2);
      assert.equal((await instance.metrics.queued.get()).values[0]?.value ?? 0, 0);
    } finally {
      await instance.close();
    }
  });

  it("queues what a failing Application Server did not take and delivers each once when it recovers", async () => {
    const as = new FakeApplicationServer();
    as.down = true;
    const instance = await startInstance(await databaseFile(), as);
    try {
      instance.forwarder.start();
      const sent = [
        [uplink("dev1", 1), uplink("dev2", 1)],
        [uplink("dev1", 2)],
        [uplink("dev1", 3), uplink("dev2", 2)],
      ];
      for (const ups of sent) await instance.forwarder.forward(ups);
      assert.equal(as.taken.length, 0);
      // Failed retries happen while it is down (proved by the call count), then it recovers.
      while (as.calls < 8) await new Promise((resolve) => setImmediate(resolve));
      as.down = false;
      await as.took(5);
      const taken = names(as.taken);
      assert.deepEqual(
        [...taken].sort(),
        ["dev1:1", "dev1:2", "dev1:3", "dev2:1", "dev2:2"],
        "every message, each once",
      );
      const queued = await instance.metrics.queued.get();
      assert.equal(queued.values[0]?.value, 5);
      // Nothing is left to deliver: a new forward goes straight through.
      await instance.forwarder.forward([uplink("dev1", 4)]);
      assert.deepEqual(names(as.taken).slice(5), ["dev1:4"]);
      assert.deepEqual(await instance.cluster.tasks.deadLetters(applicationUpQueue), []);
    } finally {
      await instance.close();
    }
  });

  it("queues a retried forward of the same message once", async () => {
    const as = new FakeApplicationServer();
    as.down = true;
    const instance = await startInstance(await databaseFile(), as);
    try {
      await instance.forwarder.forward([uplink("dev1", 7)]);
      await instance.forwarder.forward([uplink("dev1", 7)]);
      as.down = false;
      instance.forwarder.start();
      await as.took(1);
      // A second delivery would come from a second task, due now as well; stop waits for it.
      await instance.forwarder.stop();
      assert.deepEqual(names(as.taken), ["dev1:7"]);
    } finally {
      await instance.close();
    }
  });

  it("keeps queued messages across a restart: another instance on the same database delivers them", async () => {
    const file = await databaseFile();
    // The first process runs without the Application Server (split processes, none configured).
    const first = await startInstance(file, undefined);
    try {
      first.forwarder.start();
      await first.forwarder.forward([uplink("dev1", 1), uplink("dev1", 2)]);
      assert.equal((await first.metrics.queued.get()).values[0]?.value, 2);
    } finally {
      await first.close();
    }
    const as = new FakeApplicationServer();
    const second = await startInstance(file, as);
    try {
      second.forwarder.start();
      await as.took(2);
      assert.deepEqual(names(as.taken).sort(), ["dev1:1", "dev1:2"]);
      // The handlers count once the AS answered: wait for them.
      await second.forwarder.stop();
      const forwarded = await second.metrics.forwarded.get();
      assert.deepEqual(
        forwarded.values.map((value) => [value.labels.path, value.value]),
        [["queue", 2]],
      );
    } finally {
      await second.close();
    }
  });

  it("publishes ns.up.data.forward and ns.up.join.accept.forward (no AppSKey) once the AS took them", async () => {
    const as = new FakeApplicationServer();
    as.down = true;
    const instance = await startInstance(await databaseFile(), as);
    const published: StackEvent[] = [];
    const events = new EventBus({ onPublish: (event) => published.push(event) });
    const forwarder = createApplicationUplinkForwarder({
      cluster: instance.cluster,
      logger,
      events,
      retry,
    });
    try {
      const joinAccept = create(ApplicationUpSchema, {
        endDeviceIds: { applicationIds: { applicationId: "app1" }, deviceId: "dev1" },
        correlationIds: ["ns:join:1"],
        up: {
          case: "joinAccept",
          value: { sessionKeyId: Uint8Array.of(9), appSKey: { key: new Uint8Array(16).fill(1) } },
        },
      });
      await forwarder.forward([joinAccept, uplink("dev1", 1)]);
      assert.equal(published.length, 0, "nothing before the AS took them");
      as.down = false;
      forwarder.start();
      await as.took(2);
      await forwarder.stop();
      assert.deepEqual(
        published.map((event) => [event.name, event.identifiers[0]?.id, event.correlationIds]),
        [
          ["ns.up.join.accept.forward", "app1.dev1", ["ns:join:1"]],
          ["ns.up.data.forward", "app1.dev1", ["ns:uplink:dev1-1"]],
        ],
      );
      const data = published[0]?.data as ApplicationUp;
      assert.equal(data.up.case, "joinAccept");
      assert.equal(data.up.value?.appSKey, undefined, "the AppSKey stays out of events");
      assert.ok(
        as.taken[0]?.up.case === "joinAccept" && as.taken[0].up.value.appSKey,
        "the AS gets it",
      );
    } finally {
      await instance.close();
    }
  });

  it("logs and keeps a message as a dead letter after the last attempt", async () => {
    const as = new FakeApplicationServer();
    as.down = true;
    const file = await databaseFile();
    const instance = await startInstance(file, as);
    try {
      const forwarder = createApplicationUplinkForwarder({
        cluster: instance.cluster,
        logger,
        metrics: instance.metrics,
        retry: { backoffMs: 1, maxBackoffMs: 1, maxAttempts: 3 },
      });
      await forwarder.forward([uplink("dev9", 1)]);
      forwarder.start();
      while ((await instance.cluster.tasks.deadLetters(applicationUpQueue)).length === 0)
        await new Promise((resolve) => setImmediate(resolve));
      await forwarder.stop();
      const [dead] = await instance.cluster.tasks.deadLetters(applicationUpQueue);
      assert.equal(dead?.attempt, 3);
      const failed = await instance.metrics.failed.get();
      const stage = (name: string) => failed.values.find((v) => v.labels.stage === name)?.value;
      assert.equal(stage("dead_letter"), 1);
      assert.equal(stage("retry"), 3);
    } finally {
      await instance.close();
    }
  });
});

describe("application up tasks", () => {
  it("carry the message in protobuf binary, round trip included", () => {
    const up = uplink("dev1", 70_000);
    const payload = toBinary(ApplicationUpSchema, up);
    assert.notEqual(payload[0], "{".charCodeAt(0), "not JSON");
    assert.deepEqual(fromBinary(ApplicationUpSchema, payload), up);
  });

  it("are keyed by device, kind, session and FCnt, or by correlation ids", () => {
    const up = uplink("dev1", 70_000);
    const payload = toBinary(ApplicationUpSchema, up);
    assert.equal(applicationUpTaskKey(up, payload), "app1.dev1/uplinkMessage/0102/70000");
    const ack = (correlationIds: string[]) =>
      create(ApplicationUpSchema, {
        endDeviceIds: { applicationIds: { applicationId: "app1" }, deviceId: "dev1" },
        correlationIds,
        up: { case: "downlinkAck", value: { fCnt: 3 } },
      });
    const a = ack(["as:downlink:1"]);
    const b = ack(["as:downlink:2"]);
    const keyOf = (message: ApplicationUp) =>
      applicationUpTaskKey(message, toBinary(ApplicationUpSchema, message));
    assert.equal(keyOf(a), keyOf(ack(["as:downlink:1"])));
    assert.notEqual(keyOf(a), keyOf(b));
    assert.match(keyOf(a), /^app1\.dev1\/downlinkAck\/[\w-]{22}$/);
  });
});
