import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { type LorastackProcess, startLorastack } from "../harness/lorastack-process.ts";
import { postgresSkipReason, startPostgres, type TestPostgres } from "../harness/postgres.ts";
import { redisSkipReason, startRedis, type TestRedis } from "../harness/redis.ts";
import {
  apiOf,
  appA,
  initialize,
  type Json,
  keyOf,
  lorastackCommand,
  openStream,
  within,
} from "./events-client.ts";

/** The correlation id The Things Stack gives an API call with `x-request-id: <id>`. */
const updateCall = (requestId: string) =>
  `rpc:/ttn.lorawan.v3.ApplicationRegistry/Update:${requestId}`;

/** Changes app-a's description through `stack`, as the call `requestId`. */
async function updateApp(stack: LorastackProcess, key: string, requestId: string) {
  const updated = await apiOf(stack, key)(
    "PUT",
    "/applications/app-a",
    {
      application: { ids: { application_id: "app-a" }, description: requestId },
      field_mask: { paths: ["description"] },
    },
    { "x-request-id": requestId },
  );
  assert.equal(updated.status, 200, JSON.stringify(updated.json));
}

function related(stack: LorastackProcess, key: string | undefined, query: string) {
  return fetch(`${stack.httpUrl}/api/v3/events/related${query}`, {
    headers: key ? { authorization: `Bearer ${key}` } : {},
  }).then(async (response) => ({
    status: response.status,
    json: (await response.json()) as Json,
  }));
}

describe("event history through the real program (SQLite)", () => {
  let dataDir: string;
  let stack: LorastackProcess;
  let admin: string;
  let stranger: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "lorastack-e2e-history-"));
    admin = await initialize(dataDir);
    stack = await startLorastack({
      dataDir,
      // Three events per entity, so that the count is seen without publishing a hundred.
      env: { LORASTACK_EVENTS_STORE_ENTITY_COUNT: "3" },
    });
    const api = apiOf(stack, admin);
    const created = await api("POST", "/users/admin/applications", {
      application: { ids: { application_id: "app-a" } },
    });
    assert.equal(created.status, 200, JSON.stringify(created.json));
    const carol = await api("POST", "/users", {
      user: {
        ids: { user_id: "carol" },
        primary_email_address: "carol@example.com",
        password: "Correct-Horse1",
      },
    });
    assert.equal(carol.status, 200, JSON.stringify(carol.json));
    stranger = keyOf(
      await lorastackCommand(dataDir, ["is-db", "create-api-key", "--user-id", "carol"]),
    );
  });

  after(async () => {
    await stack?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("replays the tail (at most entity_count), then the events after a time, then live ones", async () => {
    for (const call of ["tail-1", "tail-2", "tail-3", "tail-4"])
      await updateApp(stack, admin, call);
    const stream = await openStream(stack, admin, { identifiers: [appA], tail: 10 });
    assert.equal(stream.status, 200);
    assert.equal(stream.headers.get("x-warning"), null);
    let replayed: Json[];
    try {
      assert.equal((await stream.next()).result.name, "events.stream.start");
      replayed = [(await stream.next()).result, (await stream.next()).result];
      replayed.push((await stream.next()).result);
      assert.deepEqual(
        replayed.map((event) => [event.name, event.correlation_ids]),
        [
          ["application.update", [updateCall("tail-2")]],
          ["application.update", [updateCall("tail-3")]],
          ["application.update", [updateCall("tail-4")]],
        ],
        "the newest three (events.store.entity_count), oldest first",
      );
      assert.deepEqual(replayed[0]?.data.value, ["description"]);
      await updateApp(stack, admin, "tail-live");
      const live = (await within(stream.next(), 10_000)).result;
      assert.deepEqual(live.correlation_ids, [updateCall("tail-live")]);
    } finally {
      stream.close();
    }

    const since = await openStream(stack, admin, {
      identifiers: [appA],
      after: replayed[1]?.time,
    });
    try {
      assert.equal((await since.next()).result.name, "events.stream.start");
      assert.deepEqual((await since.next()).result.correlation_ids, [updateCall("tail-4")]);
      assert.deepEqual((await since.next()).result.correlation_ids, [updateCall("tail-live")]);
    } finally {
      since.close();
    }
  });

  it("finds what one call caused, cut to a few fields for a caller who may not see it", async () => {
    await updateApp(stack, admin, "find-1");
    const query = `?correlation_id=${encodeURIComponent(updateCall("find-1"))}`;
    const whole = await related(stack, admin, query);
    assert.equal(whole.status, 200, JSON.stringify(whole.json));
    assert.equal(whole.json.events.length, 1);
    const [event] = whole.json.events;
    assert.equal(event.name, "application.update");
    assert.deepEqual(event.identifiers, [appA]);
    assert.deepEqual(event.data, {
      "@type": "type.googleapis.com/google.protobuf.Value",
      value: ["description"],
    });
    assert.deepEqual(event.correlation_ids, [updateCall("find-1")]);

    const cut = await related(stack, stranger, query);
    assert.equal(cut.status, 200, JSON.stringify(cut.json));
    assert.deepEqual(cut.json.events, [
      {
        name: event.name,
        time: event.time,
        identifiers: event.identifiers,
        origin: event.origin,
        visibility: event.visibility,
        unique_id: event.unique_id,
      },
    ]);

    assert.deepEqual((await related(stack, admin, "?correlation_id=nothing-here")).json, {});
    assert.equal((await related(stack, undefined, query)).status, 401);
    const missing = await related(stack, admin, "");
    assert.equal(missing.status, 400);
    assert.equal(missing.json.details[0].name, "invalid_correlation_id");
  });

  it("gives a call without x-request-id a ULID in its correlation id", async () => {
    await updateApp(stack, admin, "ids-1");
    const response = await apiOf(stack, admin)("PUT", "/applications/app-a", {
      application: { ids: { application_id: "app-a" }, description: "no request id" },
      field_mask: { paths: ["description"] },
    });
    assert.equal(response.status, 200);
    const stream = await openStream(stack, admin, { identifiers: [appA], tail: 1 });
    try {
      await stream.next();
      const [id] = (await within(stream.next(), 10_000)).result.correlation_ids as string[];
      assert.match(
        id as string,
        /^rpc:\/ttn\.lorawan\.v3\.ApplicationRegistry\/Update:[0-9A-Z]{26}$/,
      );
    } finally {
      stream.close();
    }
  });
});

describe("without event storage (events.store.enable: false)", () => {
  let dataDir: string;
  let stack: LorastackProcess;
  let admin: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "lorastack-e2e-no-history-"));
    admin = await initialize(dataDir);
    stack = await startLorastack({ dataDir, env: { LORASTACK_EVENTS_STORE_ENABLE: "false" } });
    await apiOf(stack, admin)("POST", "/users/admin/applications", {
      application: { ids: { application_id: "app-a" } },
    });
  });
  after(async () => {
    await stack?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("streams live events with The Things Stack's warning, and FindRelated fails with storage_disabled", async () => {
    await updateApp(stack, admin, "off-1");
    const stream = await openStream(stack, admin, { identifiers: [appA], tail: 5 });
    try {
      assert.equal(stream.headers.get("x-warning"), "Events storage is not enabled");
      assert.equal((await stream.next()).result.name, "events.stream.start");
      await updateApp(stack, admin, "off-2");
      assert.deepEqual((await within(stream.next(), 10_000)).result.correlation_ids, [
        updateCall("off-2"),
      ]);
    } finally {
      stream.close();
    }
    const answer = await related(stack, admin, `?correlation_id=${updateCall("off-1")}`);
    assert.equal(answer.status, 400);
    assert.equal(answer.json.code, 9);
    assert.equal(answer.json.details[0].name, "storage_disabled");
  });
});

const skipPostgres = postgresSkipReason();
const skipRedis = await redisSkipReason();

describe("event history across two instances with Redis", () => {
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

  it("keeps history in Redis: one instance replays and finds what the other published", {
    timeout: 180_000, // two instances and an Identity Server database set up, on a busy machine
  }, async (t) => {
    if (!postgres || !redis) {
      t.skip(skipPostgres ?? skipRedis);
      return;
    }
    const databaseUri = await postgres.createDatabase();
    const env = { LORASTACK_DATABASE_URI: databaseUri, LORASTACK_REDIS_URI: redis.uri };
    const dataDirs = [
      await mkdtemp(join(tmpdir(), "lorastack-e2e-history-1-")),
      await mkdtemp(join(tmpdir(), "lorastack-e2e-history-2-")),
    ];
    const key = await initialize(dataDirs[0] as string, env);
    const one = await startLorastack({ dataDir: dataDirs[0], env });
    const two = await startLorastack({ dataDir: dataDirs[1], env });
    try {
      const created = await apiOf(two, key)("POST", "/users/admin/applications", {
        application: { ids: { application_id: "app-a" } },
      });
      assert.equal(created.status, 200);
      await updateApp(two, key, "cluster-1");
      const query = `?correlation_id=${encodeURIComponent(updateCall("cluster-1"))}`;
      // Asked of the publishing instance first: it writes what it has pending before reading.
      assert.equal((await related(two, key, query)).json.events.length, 1);
      const found = await related(one, key, query);
      assert.equal(found.status, 200);
      assert.deepEqual(found.json.events[0].correlation_ids, [updateCall("cluster-1")]);

      const stream = await openStream(one, key, { identifiers: [appA], tail: 2 });
      try {
        assert.equal((await stream.next()).result.name, "events.stream.start");
        assert.equal((await stream.next()).result.name, "application.create");
        assert.deepEqual((await stream.next()).result.correlation_ids, [updateCall("cluster-1")]);
      } finally {
        stream.close();
      }

      const client = new pg.Client({ connectionString: databaseUri });
      await client.connect();
      try {
        const rows = await client.query("select count(*)::int as count from events");
        assert.equal(rows.rows[0].count, 0, "history is kept in Redis, not in PostgreSQL");
      } finally {
        await client.end();
      }
    } finally {
      await one.stop();
      await two.stop();
      for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
    }
  });
});
