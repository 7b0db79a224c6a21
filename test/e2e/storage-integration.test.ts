/**
 * The storage integration as The Things Stack's users turn it on: an application package
 * (`storage-integration`) associated with the application (default association) or with one
 * end device (association) through the real program's REST API. Simulated uplinks
 * (`AppAs.SimulateUplink`, which goes to every integration) are stored only for devices that
 * have it; on two instances sharing one PostgreSQL and one Redis, a change made through one
 * is followed by the other at once.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createAdmin, initialize } from "../harness/identity-admin.ts";
import { type LorastackProcess, startLorastack } from "../harness/lorastack-process.ts";
import { postgresSkipReason, startPostgres, type TestPostgres } from "../harness/postgres.ts";
import { redisSkipReason, startRedis, type TestRedis } from "../harness/redis.ts";
import { type Json, rest, restOk } from "../harness/rest-client.ts";
import { until } from "../harness/until.ts";

const storageRoute = (app: string) => `/as/applications/${app}/packages/storage/uplink_message`;

/** The REST calls of one user on one or two instances. */
function user(key: string) {
  return {
    ok: (stack: LorastackProcess, method: string, path: string, body?: unknown) =>
      restOk(stack.httpUrl, method, path, { key, body }),
    /** The uplinks stored for the application, by device ID. */
    async stored(stack: LorastackProcess, app: string): Promise<Record<string, number>> {
      const answer = await rest(stack.httpUrl, "GET", `${storageRoute(app)}/count`, { key });
      assert.equal(answer.status, 200, JSON.stringify(answer.json));
      return (answer.json as Json).count ?? {};
    },
  };
}

/** Registers the application and its devices (IS and AS), as the Console does. */
async function register(
  ok: ReturnType<typeof user>["ok"],
  stack: LorastackProcess,
  app: string,
  deviceIds: string[],
) {
  await ok(stack, "POST", "/users/admin/applications", {
    application: { ids: { application_id: app } },
  });
  for (const deviceId of deviceIds) {
    const ids = { device_id: deviceId, application_ids: { application_id: app } };
    await ok(stack, "PUT", `/as/applications/${app}/devices/${deviceId}`, {
      end_device: { ids },
      field_mask: { paths: [] },
    });
  }
}

/** A simulated uplink of the device (it reaches every integration, the storage too). */
async function uplink(
  ok: ReturnType<typeof user>["ok"],
  stack: LorastackProcess,
  app: string,
  deviceId: string,
) {
  await ok(stack, "POST", `/as/applications/${app}/devices/${deviceId}/up/simulate`, {
    end_device_ids: { device_id: deviceId, application_ids: { application_id: app } },
    uplink_message: { f_port: 1, frm_payload: "AQI=" },
  });
}

const storage = (body: "default" | "association") => ({
  [body]: { package_name: "storage-integration" },
  field_mask: { paths: ["package_name"] },
});

describe("storage integration, activated per application and per device", () => {
  let stack: LorastackProcess;
  let calls: ReturnType<typeof user>;
  before(async () => {
    stack = await startLorastack({});
    calls = user(await createAdmin(stack.dataDir));
    await register(calls.ok, stack, "app-s", ["dev-1", "dev-2"]);
  });
  after(async () => {
    await stack?.stop();
  });

  it("offers the storage integration and stores nothing of an application without it", async () => {
    const packages = await calls.ok(stack, "GET", "/as/applications/app-s/devices/dev-1/packages");
    assert.deepEqual(packages.packages, [{ name: "storage-integration", default_f_port: 200 }]);
    await uplink(calls.ok, stack, "app-s", "dev-1");
    assert.deepEqual(await calls.stored(stack, "app-s"), {});
  });

  it("stores one device's uplinks after an association with it (ttn-lw-cli's request)", async () => {
    await calls.ok(
      stack,
      "PUT",
      "/as/applications/app-s/devices/dev-1/packages/associations/100",
      storage("association"),
    );
    await uplink(calls.ok, stack, "app-s", "dev-1");
    await uplink(calls.ok, stack, "app-s", "dev-2");
    assert.deepEqual(await calls.stored(stack, "app-s"), { "dev-1": 1 });
  });

  it("stores every device's uplinks after a default association, and stops when it is deleted", async () => {
    await calls.ok(
      stack,
      "PUT",
      "/as/applications/app-s/packages/associations/100",
      storage("default"),
    );
    const defaults = await calls.ok(stack, "GET", "/as/applications/app-s/packages/associations");
    assert.equal(defaults.defaults[0].package_name, "storage-integration");
    await uplink(calls.ok, stack, "app-s", "dev-2");
    assert.deepEqual(await calls.stored(stack, "app-s"), { "dev-1": 1, "dev-2": 1 });

    await calls.ok(stack, "DELETE", "/as/applications/app-s/packages/associations/100");
    await calls.ok(
      stack,
      "DELETE",
      "/as/applications/app-s/devices/dev-1/packages/associations/100",
    );
    await uplink(calls.ok, stack, "app-s", "dev-1");
    await uplink(calls.ok, stack, "app-s", "dev-2");
    assert.deepEqual(
      await calls.stored(stack, "app-s"),
      { "dev-1": 1, "dev-2": 1 },
      "stored messages stay readable; nothing new is stored",
    );
  });

  it("forgets a device's associations when the device is deleted", async () => {
    await calls.ok(
      stack,
      "PUT",
      "/as/applications/app-s/devices/dev-2/packages/associations/7",
      storage("association"),
    );
    await calls.ok(stack, "DELETE", "/as/applications/app-s/devices/dev-2");
    const left = await calls.ok(
      stack,
      "GET",
      "/as/applications/app-s/devices/dev-2/packages/associations",
    );
    assert.deepEqual(left.associations ?? [], []);
  });
});

describe("storage integration on two instances sharing PostgreSQL and Redis", () => {
  const skipPostgres = postgresSkipReason();
  let postgres: TestPostgres | undefined;
  let redis: TestRedis | undefined;
  let skip: string | undefined;
  before(async () => {
    skip = skipPostgres ?? (await redisSkipReason());
    if (skip) return;
    postgres = await startPostgres();
    redis = await startRedis();
  });
  after(async () => {
    await redis?.stop();
    await postgres?.stop();
  });

  it("stores on one instance right after the storage is turned on through the other", {
    timeout: 180_000, // two instances and an Identity Server database, on a busy machine
  }, async (t) => {
    if (skip || !postgres || !redis) return t.skip(skip);
    const env = {
      LORASTACK_DATABASE_URI: await postgres.createDatabase(),
      LORASTACK_REDIS_URI: redis.uri,
    };
    const dataDirs = [
      await mkdtemp(join(tmpdir(), "lorastack-e2e-storage-1-")),
      await mkdtemp(join(tmpdir(), "lorastack-e2e-storage-2-")),
    ];
    const calls = user(await initialize(dataDirs[0] as string, env));
    const one = await startLorastack({ dataDir: dataDirs[0], env });
    const two = await startLorastack({ dataDir: dataDirs[1], env });
    try {
      await register(calls.ok, one, "app-c", ["dev-1"]);
      // Instance two reads (and keeps) the application's activation: off.
      await uplink(calls.ok, two, "app-c", "dev-1");
      assert.deepEqual(await calls.stored(two, "app-c"), {});
      await calls.ok(
        one,
        "PUT",
        "/as/applications/app-c/packages/associations/100",
        storage("default"),
      );
      // The change reaches instance two through Redis, a moment after the PUT's answer: its
      // uplinks are stored from then on (the first within seconds, not after the 10-minute TTL).
      const storedCount = async () => (await calls.stored(one, "app-c"))["dev-1"] ?? 0;
      await until(
        async () => {
          await uplink(calls.ok, two, "app-c", "dev-1");
          return (await storedCount()) >= 1 ? true : undefined;
        },
        { timeoutMs: 10_000 },
      );
      await calls.ok(one, "DELETE", "/as/applications/app-c/packages/associations/100");
      let count = await storedCount();
      await until(
        async () => {
          await uplink(calls.ok, two, "app-c", "dev-1");
          const now = await storedCount();
          if (now === count) return true;
          count = now;
          return undefined;
        },
        { timeoutMs: 10_000 },
      );
      // Off for good: another uplink is not stored either.
      await uplink(calls.ok, two, "app-c", "dev-1");
      assert.equal(await storedCount(), count);
    } finally {
      await one.stop();
      await two.stop();
      for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
    }
  });
});
