import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import { create, createRegistry, type MessageInitShape } from "@bufbuild/protobuf";
import { anyUnpack, ValueSchema } from "@bufbuild/protobuf/wkt";
import Fastify from "fastify";
import { errorToHttp } from "../../api/errors.ts";
import { ApiRegistry } from "../../api/registry.ts";
import { registerRestRoutes, restService } from "../../api/rest/transcoder.ts";
import { errMissingRights, errNoCredentials, errNoRights } from "../../auth/errors.ts";
import { UpdateApplicationRequestSchema } from "../../gen/ttn/lorawan/v3/application_pb.js";
import { ApplicationRegistry } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import {
  type Event,
  Events,
  type StreamEventsRequest,
  StreamEventsRequestSchema,
} from "../../gen/ttn/lorawan/v3/events_pb.js";
import { Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { applicationRegistry } from "./applications.ts";
import {
  errInvalidNamePattern,
  eventsService,
  historyWarning,
  registerEventServices,
} from "./events.ts";
import {
  createTestKey,
  openTestServices,
  type TestServices,
  testHandlerContext,
} from "./test-context.ts";

const appIds = (applicationId: string) => ({
  ids: { case: "applicationIds" as const, value: { applicationId } },
});

let t: TestServices;
let aliceKey: string; // RIGHT_APPLICATION_INFO through alice's membership of app-a
let adminKey: string;

before(async () => {
  t = await openTestServices();
  const { stores } = t;
  await stores.users.create("alice", { primaryEmailAddress: "alice@example.com" });
  await stores.users.create("admin", { primaryEmailAddress: "admin@example.com", admin: true });
  await stores.applications.create("app-a", {});
  await stores.applications.create("app-b", {});
  await stores.memberships.set(
    { kind: "user", id: "alice" },
    { kind: "application", id: "app-a" },
    ["RIGHT_APPLICATION_ALL"],
  );
  aliceKey = await createTestKey(stores, { kind: "user", id: "alice" }, ["RIGHT_APPLICATION_INFO"]);
  adminKey = await createTestKey(stores, { kind: "user", id: "admin" }, ["RIGHT_ALL"]);
});
after(() => t.close());

/** Streams a test opened: aborted after each test, so a failed test leaves no subscription. */
const openStreams: AbortController[] = [];
afterEach(() => {
  for (const abort of openStreams.splice(0)) abort.abort();
});

function streamOf(
  request: MessageInitShape<typeof StreamEventsRequestSchema>,
  options: {
    token?: string;
    signal?: AbortSignal;
    registry?: ReturnType<typeof createRegistry>;
  } = {},
): { iterator: AsyncIterator<Event>; abort: AbortController } {
  const abort = new AbortController();
  openStreams.push(abort);
  const signal = options.signal ?? abort.signal;
  const stream = eventsService(t.services, { registry: options.registry, origin: "test-host" })
    .stream as (r: StreamEventsRequest, c: unknown) => AsyncIterable<Event>;
  const context = testHandlerContext(Events, "Stream", { token: options.token, signal });
  const iterable = stream(create(StreamEventsRequestSchema, request), context);
  return { iterator: iterable[Symbol.asyncIterator](), abort };
}

async function updateApplication(id: string, name: string): Promise<void> {
  const update = applicationRegistry(t.services).update as (r: unknown, c: unknown) => unknown;
  await update(
    create(UpdateApplicationRequestSchema, {
      application: { ids: { applicationId: id }, name },
      fieldMask: { paths: ["name"] },
    }),
    testHandlerContext(ApplicationRegistry, "Update", { token: adminKey }),
  );
}

describe("Events.Stream", { timeout: 10_000 }, () => {
  it("starts with events.stream.start, then sends the visible events of the subscribed entities", async () => {
    const { iterator, abort } = streamOf({ identifiers: [appIds("app-a")] }, { token: aliceKey });
    const start = (await iterator.next()).value as Event;
    assert.equal(start.name, "events.stream.start");
    assert.equal(start.origin, "test-host");
    assert.deepEqual(
      start.identifiers.map((ids) => ids.ids.value),
      [{ $typeName: "ttn.lorawan.v3.ApplicationIdentifiers", applicationId: "app-a" }],
    );

    await updateApplication("app-b", "not for alice");
    t.events.publish({
      name: "as.up.data.forward",
      identifiers: [{ kind: "application", id: "app-a" }],
      visibility: ["RIGHT_APPLICATION_TRAFFIC_READ"], // alice's key holds only INFO
    });
    await updateApplication("app-a", "for alice");
    const update = (await iterator.next()).value as Event;
    assert.equal(update.name, "application.update");
    assert.equal(update.identifiers[0]?.ids.case, "applicationIds");
    assert.equal(
      (update.identifiers[0]?.ids.value as { applicationId?: string } | undefined)?.applicationId,
      "app-a",
    );
    assert.deepEqual(update.visibility?.rights, [Right.APPLICATION_INFO]);
    assert.match(update.uniqueId, /^[0-9a-f]{32}$/);
    assert.equal(update.data, undefined, "no registry: no data");

    t.events.publish({
      name: "application.marker",
      identifiers: [{ kind: "application", id: "app-a" }],
      visibility: ["RIGHT_APPLICATION_INFO"],
    });
    assert.equal((await iterator.next()).value?.name, "application.marker", "nothing else came");
    abort.abort();
  });

  it("refuses an entity the caller has no rights on, naming it", async () => {
    const { iterator } = streamOf(
      { identifiers: [appIds("app-a"), appIds("app-b")] },
      { token: aliceKey },
    );
    await assert.rejects(
      iterator.next(),
      (error) => errNoRights.matches(error) && /app-b/.test((error as Error).message),
    );
    assert.equal(t.events.subscriberCount, 0);
  });

  it("refuses a caller without credentials", async () => {
    const { iterator } = streamOf({ identifiers: [appIds("app-a")] });
    await assert.rejects(iterator.next(), (error) => errNoCredentials.matches(error));
  });

  it("ends and unsubscribes when the client goes away", async () => {
    const { iterator, abort } = streamOf({ identifiers: [appIds("app-a")] }, { token: aliceKey });
    await iterator.next();
    assert.equal(t.events.subscriberCount, 1);
    const pending = iterator.next();
    abort.abort();
    assert.deepEqual(await pending, { value: undefined, done: true });
    assert.equal(t.events.subscriberCount, 0);
  });

  it("does not subscribe when the signal is already aborted", async () => {
    const abort = new AbortController();
    abort.abort();
    const { iterator } = streamOf(
      { identifiers: [appIds("app-a")] },
      { token: aliceKey, signal: abort.signal },
    );
    assert.equal((await iterator.next()).done, true);
    assert.equal(t.events.subscriberCount, 0);
  });

  it("filters by names (exact and /regular expression/) and rejects a bad expression", async () => {
    const { iterator, abort } = streamOf(
      {
        identifiers: [appIds("app-a")],
        names: ["application.restore", "/\\.delete$/"],
      },
      { token: aliceKey },
    );
    await iterator.next();
    const app = { kind: "application" as const, id: "app-a" };
    for (const name of ["application.update", "application.delete", "application.restore"])
      t.events.publish({ name, identifiers: [app], visibility: ["RIGHT_APPLICATION_INFO"] });
    assert.equal((await iterator.next()).value?.name, "application.delete");
    assert.equal((await iterator.next()).value?.name, "application.restore");
    abort.abort();

    const bad = streamOf({ identifiers: [appIds("app-a")], names: ["/(/"] }, { token: aliceKey });
    await assert.rejects(bad.iterator.next(), (error) => errInvalidNamePattern.matches(error));
  });

  it("follows end devices with the rights of their application", async () => {
    const { iterator, abort } = streamOf(
      {
        identifiers: [
          {
            ids: {
              case: "deviceIds",
              value: { deviceId: "dev-1", applicationIds: { applicationId: "app-a" } },
            },
          },
        ],
      },
      { token: aliceKey },
    );
    await iterator.next();
    t.events.publish({
      name: "end_device.update",
      identifiers: [{ kind: "end_device", id: "app-a.dev-1" }],
      visibility: ["RIGHT_APPLICATION_INFO"],
    });
    const event = (await iterator.next()).value as Event;
    assert.equal(event.name, "end_device.update");
    const ids = event.identifiers[0]?.ids;
    assert.equal(ids?.case, "deviceIds");
    if (ids?.case === "deviceIds") {
      assert.equal(ids.value.deviceId, "dev-1");
      assert.equal(ids.value.applicationIds?.applicationId, "app-a");
    }
    abort.abort();
  });

  it("sends event data as google.protobuf.Value when the registry has it, and warns on tail", async () => {
    const registry = createRegistry(ValueSchema);
    const abort = new AbortController();
    const stream = eventsService(t.services, { registry }).stream as (
      r: StreamEventsRequest,
      c: ReturnType<typeof testHandlerContext>,
    ) => AsyncIterable<Event>;
    const context = testHandlerContext(Events, "Stream", {
      token: aliceKey,
      signal: abort.signal,
    });
    const iterator = stream(
      create(StreamEventsRequestSchema, { identifiers: [appIds("app-a")], tail: 10 }),
      context,
    )[Symbol.asyncIterator]();
    await iterator.next();
    assert.equal(context.responseHeader.get("x-warning"), historyWarning);
    await updateApplication("app-a", "with data");
    const event = (await iterator.next()).value as Event;
    const value = event.data ? anyUnpack(event.data, ValueSchema) : undefined;
    assert.deepEqual(value?.kind.case, "structValue");
    abort.abort();
  });

  it("is refused to a key without rights on the application even if its user has some", async () => {
    const stranger = await createTestKey(t.stores, { kind: "user", id: "alice" }, [
      "RIGHT_USER_INFO",
    ]);
    const { iterator } = streamOf({ identifiers: [appIds("app-a")] }, { token: stranger });
    await assert.rejects(
      iterator.next(),
      (error) => errNoRights.matches(error) || errMissingRights.matches(error),
    );
  });
});

describe("POST /api/v3/events", { timeout: 10_000 }, () => {
  it("streams newline-delimited {result} objects over a real socket, and unsubscribes on close", async () => {
    const registry = createRegistry(ValueSchema);
    const api = new ApiRegistry();
    registerEventServices(api, t.services, { registry });
    const app = Fastify();
    registerRestRoutes(app, {
      prefix: "/api/v3",
      services: api.services().map((s) => restService(s.service, s.implementation)),
      onError: (error) => errorToHttp(error),
      json: { registry },
    });
    try {
      const address = await app.listen({ port: 0, host: "127.0.0.1" });
      const client = new AbortController();
      const response = await fetch(`${address}/api/v3/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${aliceKey}` },
        body: JSON.stringify({ identifiers: [{ application_ids: { application_id: "app-a" } }] }),
        signal: client.signal,
      });
      assert.equal(response.status, 200);
      const lines = lineReader(response.body as ReadableStream<Uint8Array>);
      const start = JSON.parse(await lines.next());
      assert.equal(start.result.name, "events.stream.start");
      assert.deepEqual(start.result.identifiers, [
        { application_ids: { application_id: "app-a" } },
      ]);

      await updateApplication("app-a", "over rest");
      const update = JSON.parse(await lines.next());
      assert.equal(update.result.name, "application.update");
      assert.deepEqual(update.result.identifiers, [
        { application_ids: { application_id: "app-a" } },
      ]);
      assert.deepEqual(update.result.visibility, { rights: ["RIGHT_APPLICATION_INFO"] });
      assert.deepEqual(update.result.data, {
        "@type": "type.googleapis.com/google.protobuf.Value",
        value: { paths: ["name"] },
      });
      assert.match(update.result.time, /^\d{4}-\d\d-\d\dT/);

      client.abort();
      await waitFor(() => t.events.subscriberCount === 0);

      const denied = await fetch(`${address}/api/v3/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${aliceKey}` },
        body: JSON.stringify({ identifiers: [{ application_ids: { application_id: "app-b" } }] }),
      });
      assert.equal(denied.status, 403);
      const error = JSON.parse((await denied.text()).trim()).error;
      assert.equal(error.details[0].name, "no_rights");
    } finally {
      await app.close();
    }
  });
});

/** Reads a byte stream line by line. */
function lineReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  return {
    async next(): Promise<string> {
      for (;;) {
        const newline = buffered.indexOf("\n");
        if (newline >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          if (line.trim() !== "") return line;
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error("stream ended");
        buffered += decoder.decode(value, { stream: true });
      }
    },
  };
}

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
