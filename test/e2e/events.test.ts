import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createRegistry } from "@bufbuild/protobuf";
import { anyUnpack, ValueSchema } from "@bufbuild/protobuf/wkt";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { Events } from "../../src/gen/ttn/lorawan/v3/events_pb.js";
import { type LorastackProcess, startLorastack } from "../harness/lorastack-process.ts";
import { postgresSkipReason, startPostgres, type TestPostgres } from "../harness/postgres.ts";
import { redisSkipReason, startRedis, type TestRedis } from "../harness/redis.ts";
import { apiOf, appA, initialize, openStream, within } from "./events-client.ts";

describe("events through the real program", () => {
  let dataDir: string;
  let stack: LorastackProcess;
  let key: string;
  let api: ReturnType<typeof apiOf>;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "lorastack-e2e-events-"));
    key = await initialize(dataDir);
    stack = await startLorastack({ dataDir });
    api = apiOf(stack, key);
    const created = await api("POST", "/users/admin/applications", {
      application: { ids: { application_id: "app-a" } },
    });
    assert.equal(created.status, 200, JSON.stringify(created.json));
  });

  after(async () => {
    await stack?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("streams application.update with the updated field paths, and API key events without the secret", async () => {
    const stream = await openStream(stack, key, { identifiers: [appA] });
    assert.equal(stream.status, 200);
    try {
      assert.equal((await stream.next()).result.name, "events.stream.start");
      const updated = await api("PUT", "/applications/app-a", {
        application: { ids: { application_id: "app-a" }, description: "streamed" },
        field_mask: { paths: ["description"] },
      });
      assert.equal(updated.status, 200);
      const update = (await stream.next()).result;
      assert.equal(update.name, "application.update");
      assert.deepEqual(update.identifiers, [appA]);
      assert.deepEqual(update.visibility, { rights: ["RIGHT_APPLICATION_INFO"] });
      assert.deepEqual(update.data, {
        "@type": "type.googleapis.com/google.protobuf.Value",
        value: ["description"],
      });

      const created = await api("POST", "/applications/app-a/api-keys", {
        name: "ci",
        rights: ["RIGHT_APPLICATION_INFO"],
      });
      assert.equal(created.status, 200);
      const keyEvent = (await stream.next()).result;
      assert.equal(keyEvent.name, "application.api-key.create");
      assert.equal(keyEvent.data["@type"], "type.googleapis.com/ttn.lorawan.v3.APIKey");
      assert.equal(keyEvent.data.id, created.json.id);
      assert.equal(keyEvent.data.name, "ci");
      assert.equal(keyEvent.data.key, undefined, "never the secret");
    } finally {
      stream.close();
    }
  });

  it("filters by /regular expression/ and refuses a catastrophic one while the process serves on", async () => {
    const stream = await openStream(stack, key, {
      identifiers: [appA],
      names: ["/^application\\.api-key\\./"],
    });
    try {
      const start = (await stream.next()).result;
      assert.deepEqual(start.data.value, [
        "application.api-key.create",
        "application.api-key.delete",
        "application.api-key.update",
      ]);
      await api("PUT", "/applications/app-a", {
        application: { ids: { application_id: "app-a" }, name: "filtered out" },
        field_mask: { paths: ["name"] },
      });
      await api("POST", "/applications/app-a/api-keys", { name: "second" });
      assert.equal((await stream.next()).result.name, "application.api-key.create");
    } finally {
      stream.close();
    }

    const refused = openStream(stack, key, { identifiers: [appA], names: ["/^(([a-z._])+)+!/"] });
    const started = Date.now();
    let slowest = 0;
    while (true) {
      const asked = Date.now();
      assert.equal((await fetch(`${stack.httpUrl}/healthz`)).status, 200);
      slowest = Math.max(slowest, Date.now() - asked);
      const done = await Promise.race([refused.then(() => true), delay(20).then(() => false)]);
      if (done) break;
    }
    const answer = await refused;
    assert.equal(answer.status, 400);
    const error = (await answer.next()).error;
    assert.equal(error.details[0].name, "regexp_timeout");
    assert.ok(Date.now() - started < 5_000);
    assert.ok(slowest < 500, `health answered within ${slowest} ms meanwhile`);
  });

  it("streams over Connect with the data as JSON too (gRPC port)", async () => {
    const transport = createConnectTransport({
      baseUrl: `http://${stack.listeners.get("grpc")}`,
      httpVersion: "1.1",
      jsonOptions: { registry: createRegistry(ValueSchema) },
    });
    const client = createClient(Events, transport);
    const abort = new AbortController();
    const stream = client
      .stream(
        { identifiers: [{ ids: { case: "applicationIds", value: { applicationId: "app-a" } } }] },
        { headers: { authorization: `Bearer ${key}` }, signal: abort.signal },
      )
      [Symbol.asyncIterator]();
    try {
      assert.equal((await stream.next()).value?.name, "events.stream.start");
      await api("PUT", "/applications/app-a", {
        application: { ids: { application_id: "app-a" }, name: "over connect" },
        field_mask: { paths: ["name"] },
      });
      const update = (await stream.next()).value;
      assert.equal(update?.name, "application.update");
      const value = update?.data && anyUnpack(update.data, ValueSchema);
      assert.equal(value?.kind.case, "listValue");
    } finally {
      abort.abort();
      await stream.return?.().catch(() => undefined);
    }
  });
});

const skipPostgres = postgresSkipReason();
const skipRedis = await redisSkipReason();

describe("events across two instances on one PostgreSQL and one Redis", () => {
  let postgres: TestPostgres | undefined;
  let redis: TestRedis | undefined;
  before(async () => {
    if (!skipPostgres && !skipRedis) {
      postgres = await startPostgres();
      redis = await startRedis();
    }
  });
  after(async () => {
    await postgres?.stop();
    await redis?.stop();
  });

  it("a stream on one instance sees the event of a change made through the other", {
    timeout: 180_000, // two instances and an Identity Server database set up, on a busy machine
  }, async (t) => {
    if (!postgres || !redis) {
      t.skip(skipPostgres ?? skipRedis);
      return;
    }
    const env = {
      LORASTACK_DATABASE_URI: await postgres.createDatabase(),
      LORASTACK_REDIS_URI: redis.uri,
    };
    const dataDirs = [
      await mkdtemp(join(tmpdir(), "lorastack-e2e-events-1-")),
      await mkdtemp(join(tmpdir(), "lorastack-e2e-events-2-")),
    ];
    const began = Date.now();
    const key = await initialize(dataDirs[0] as string, env);
    t.diagnostic(`initialized in ${Date.now() - began} ms`);
    const one = await startLorastack({ dataDir: dataDirs[0], env });
    const two = await startLorastack({ dataDir: dataDirs[1], env });
    t.diagnostic(`started in ${Date.now() - began} ms`);
    try {
      const created = await apiOf(two, key)("POST", "/users/admin/applications", {
        application: { ids: { application_id: "app-a" } },
      });
      assert.equal(created.status, 200);
      const stream = await openStream(one, key, { identifiers: [appA] });
      try {
        assert.equal((await stream.next()).result.name, "events.stream.start");
        await apiOf(two, key)("PUT", "/applications/app-a", {
          application: { ids: { application_id: "app-a" }, description: "from two" },
          field_mask: { paths: ["description"] },
        });
        // Bounded, so that the test fails (and stops both instances) instead of hanging.
        const update = (await within(stream.next(), 10_000)).result;
        assert.equal(update.name, "application.update");
        assert.deepEqual(update.data.value, ["description"]);
      } finally {
        stream.close();
      }
    } finally {
      await one.stop();
      await two.stop();
      for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
    }
  });
});

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
