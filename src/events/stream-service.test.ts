import assert from "node:assert/strict";
import * as http2 from "node:http2";
import { connect, type Socket } from "node:net";
import { after, afterEach, describe, it } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { create, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import { anyUnpack, ValueSchema } from "@bufbuild/protobuf/wkt";
import { createHandlerContext, type HandlerContext } from "@connectrpc/connect";
import Fastify, { type FastifyInstance } from "fastify";
import { ClusterKeys } from "../api/cluster-keys.ts";
import { errorToHttp } from "../api/errors.ts";
import { GrpcServer } from "../api/grpc-server.ts";
import { ApiRegistry } from "../api/registry.ts";
import { registerRestRoutes, restService } from "../api/rest/transcoder.ts";
import { errNoCredentials, errNoRights, errUnknownToken } from "../auth/errors.ts";
import type { RightName } from "../auth/rights/index.ts";
import type { RightsFetcher } from "../auth/rights-fetcher.ts";
import { ApplicationSchema } from "../gen/ttn/lorawan/v3/application_pb.js";
import {
  type Event,
  Events,
  type StreamEventsRequest,
  StreamEventsRequestSchema,
} from "../gen/ttn/lorawan/v3/events_pb.js";
import { Right } from "../gen/ttn/lorawan/v3/rights_pb.js";
import { defineEvent, jsonData } from "./definition.ts";
import {
  errConsumerTooSlow,
  errInvalidIdentifiers,
  errInvalidRegexp,
  errNoIdentifiers,
  errRegexpTimeout,
  errUnknownEventName,
} from "./errors.ts";
import { type EntityRef, entityKey } from "./event.ts";
import { EventBus } from "./event-bus.ts";
import { NamePatternResolver } from "./name-patterns.ts";
import { eventsStreamService, historyWarning, registerEventsStream } from "./stream-service.ts";
import { FakeCluster } from "./test-cluster.ts";
import { isUlid } from "./ulid.ts";

const evtUpdate = defineEvent("test.stream.update", {
  description: "update",
  visibility: ["RIGHT_APPLICATION_INFO"],
  dataType: jsonData<string[]>(),
});
const evtTraffic = defineEvent("test.stream.traffic", {
  description: "traffic",
  visibility: ["RIGHT_APPLICATION_TRAFFIC_READ"],
  dataType: ApplicationSchema,
});
const evtDevice = defineEvent("test.stream.device.update", {
  description: "device",
  visibility: ["RIGHT_APPLICATION_DEVICES_READ"],
});
// Long enough that `/^(([a-z._])+)+!/` backtracks for far longer than any time limit.
defineEvent("test.stream.backtracking.takes.forever.on.this.name", {
  description: "a long name",
  visibility: [],
});

const appA = { kind: "application", id: "app-a" } as const;
const appB = { kind: "application", id: "app-b" } as const;

/** Tokens and what they hold, as a RightsFetcher answers (devices count as applications). */
function fakeRights(holdings: Record<string, Record<string, RightName[]>>): RightsFetcher {
  const held = (authorization: string) => {
    const found = holdings[authorization.replace(/^Bearer /, "")];
    if (!found) throw errUnknownToken.create();
    return found;
  };
  return {
    async authInfo(authorization) {
      held(authorization);
      return {
        caller: { kind: "user", userId: "u", rights: new Set(), via: "oauth" },
        isAdmin: false,
        universalRights: new Set(),
      };
    },
    async rightsOn(authorization, entity) {
      const subject: EntityRef =
        entity.kind === "end_device"
          ? { kind: "application", id: entity.id.split(".")[0] as string }
          : entity;
      return new Set(held(authorization)[entityKey(subject)] ?? []);
    },
  };
}

const rights = fakeRights({
  alice: { "application:app-a": ["RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_DEVICES_READ"] },
  admin: {
    "application:app-a": ["RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_TRAFFIC_READ"],
    "application:app-b": ["RIGHT_APPLICATION_INFO"],
  },
});

const patterns = new NamePatternResolver();
after(() => patterns.close());

const appIds = (applicationId: string) => ({
  ids: { case: "applicationIds" as const, value: { applicationId } },
});
const deviceIds = (applicationId: string, deviceId: string) => ({
  ids: { case: "deviceIds" as const, value: { deviceId, applicationIds: { applicationId } } },
});

/** Streams a test opened: aborted after each test, so a failed test leaves no subscription. */
const openStreams: AbortController[] = [];
afterEach(() => {
  for (const abort of openStreams.splice(0)) abort.abort();
});

function handlerContext(token: string | undefined, signal: AbortSignal): HandlerContext {
  return createHandlerContext({
    service: Events,
    method: Events.method.stream,
    protocolName: "test",
    requestMethod: "POST",
    url: "http://localhost/ttn.lorawan.v3.Events/Stream",
    requestHeader: token ? { authorization: `Bearer ${token}` } : {},
    requestSignal: signal,
  });
}

function streamOf(
  bus: EventBus,
  request: MessageInitShape<typeof StreamEventsRequestSchema>,
  options: { token?: string; signal?: AbortSignal; capacity?: number } = {},
) {
  const abort = new AbortController();
  openStreams.push(abort);
  const context = handlerContext(options.token, options.signal ?? abort.signal);
  const stream = eventsStreamService({
    bus,
    rights,
    patterns,
    origin: "test-host",
    ...(options.capacity === undefined ? {} : { capacity: options.capacity }),
  }).stream as (r: StreamEventsRequest, c: HandlerContext) => AsyncIterable<Event>;
  const iterable = stream(create(StreamEventsRequestSchema, request), context);
  return { iterator: iterable[Symbol.asyncIterator](), abort, context };
}

const next = async (iterator: AsyncIterator<Event>) => (await iterator.next()).value as Event;

describe("Events.Stream", { timeout: 20_000 }, () => {
  it("starts with events.stream.start, then sends the visible events of the subscribed entities", async () => {
    const bus = new EventBus();
    const { iterator } = streamOf(bus, { identifiers: [appIds("app-a")] }, { token: "alice" });
    const start = await next(iterator);
    assert.equal(start.name, "events.stream.start");
    assert.equal(start.origin, "test-host");
    assert.equal(start.data, undefined, "no names filter: no data");
    assert.deepEqual(
      start.identifiers.map((ids) => ids.ids.value),
      [{ $typeName: "ttn.lorawan.v3.ApplicationIdentifiers", applicationId: "app-a" }],
    );

    bus.publish(evtUpdate, { identifiers: [appB], data: ["name"] }); // not subscribed
    bus.publish(evtTraffic, { identifiers: [appA] }); // alice holds no TRAFFIC_READ
    bus.publish(evtUpdate, { identifiers: [appA], data: ["name"] });
    const update = await next(iterator);
    assert.equal(update.name, "test.stream.update");
    assert.equal(update.identifiers[0]?.ids.case, "applicationIds");
    assert.deepEqual(update.visibility?.rights, [Right.APPLICATION_INFO]);
    assert.ok(isUlid(update.uniqueId), update.uniqueId);
    const paths = update.data ? anyUnpack(update.data, ValueSchema) : undefined;
    assert.equal(paths?.kind.case, "listValue");

    bus.publish(evtUpdate, { identifiers: [appA] });
    assert.equal((await next(iterator)).data, undefined, "nothing else came; no data, none sent");
  });

  it("sends message data packed as its own type", async () => {
    const bus = new EventBus();
    const { iterator } = streamOf(bus, { identifiers: [appIds("app-a")] }, { token: "admin" });
    await next(iterator);
    bus.publish(evtTraffic, {
      identifiers: [appA],
      data: create(ApplicationSchema, { ids: { applicationId: "app-a" }, name: "A" }),
    });
    const event = await next(iterator);
    assert.equal(event.data?.typeUrl, "type.googleapis.com/ttn.lorawan.v3.Application");
    assert.equal(event.data && anyUnpack(event.data, ApplicationSchema)?.name, "A");
  });

  it("refuses an entity the caller has no rights on, naming it", async () => {
    const bus = new EventBus();
    const { iterator } = streamOf(
      bus,
      { identifiers: [appIds("app-a"), appIds("app-b")] },
      { token: "alice" },
    );
    await assert.rejects(
      iterator.next(),
      (error) => errNoRights.matches(error) && /app-b/.test((error as Error).message),
    );
    assert.equal(bus.subscriberCount, 0);
  });

  it("refuses callers without credentials or with unknown ones", async () => {
    const bus = new EventBus();
    const anonymous = streamOf(bus, { identifiers: [appIds("app-a")] });
    await assert.rejects(anonymous.iterator.next(), (error) => errNoCredentials.matches(error));
    const unknown = streamOf(bus, { identifiers: [appIds("app-a")] }, { token: "mallory" });
    await assert.rejects(unknown.iterator.next(), (error) => errUnknownToken.matches(error));
  });

  it("refuses a request without identifiers, or with identifiers that name nothing", async () => {
    const bus = new EventBus();
    const none = streamOf(bus, { identifiers: [] }, { token: "alice" });
    await assert.rejects(none.iterator.next(), (error) => errNoIdentifiers.matches(error));
    const empty = streamOf(bus, { identifiers: [appIds("")] }, { token: "alice" });
    await assert.rejects(
      empty.iterator.next(),
      (error) =>
        errInvalidIdentifiers.matches(error) && /identifiers\[0\]/.test((error as Error).message),
    );
  });

  it("ends and unsubscribes when the client goes away, and does not subscribe for a client already gone", async () => {
    const bus = new EventBus();
    const { iterator, abort } = streamOf(
      bus,
      { identifiers: [appIds("app-a")] },
      { token: "alice" },
    );
    await iterator.next();
    assert.equal(bus.subscriberCount, 1);
    const pending = iterator.next();
    abort.abort();
    assert.deepEqual(await pending, { value: undefined, done: true });
    assert.equal(bus.subscriberCount, 0);

    const gone = new AbortController();
    gone.abort();
    const late = streamOf(
      bus,
      { identifiers: [appIds("app-a")] },
      { token: "alice", signal: gone.signal },
    );
    assert.equal((await late.iterator.next()).done, true);
    assert.equal(bus.subscriberCount, 0);
  });

  it("filters by names (exact, glob and /regular expression/), listing them in the start event", async () => {
    const bus = new EventBus();
    const { iterator } = streamOf(
      bus,
      { identifiers: [appIds("app-a")], names: ["test.stream.update", "/device\\.update$/"] },
      { token: "alice" },
    );
    const start = await next(iterator);
    const listed = start.data ? anyUnpack(start.data, ValueSchema) : undefined;
    assert.deepEqual(
      listed?.kind.case === "listValue"
        ? listed.kind.value.values.map((v) => v.kind.value)
        : undefined,
      ["test.stream.device.update", "test.stream.update"],
    );
    bus.publish(evtTraffic, { identifiers: [appA] });
    bus.publish(evtDevice, { identifiers: [{ kind: "end_device", id: "app-a.dev-1" }] });
    bus.publish(evtUpdate, { identifiers: [appA] });
    assert.equal((await next(iterator)).name, "test.stream.device.update");
    assert.equal((await next(iterator)).name, "test.stream.update");

    const glob = streamOf(
      bus,
      { identifiers: [appIds("app-a")], names: ["test.*.update"] },
      { token: "alice" },
    );
    await next(glob.iterator);
    bus.publish(evtDevice, { identifiers: [{ kind: "end_device", id: "app-a.dev-1" }] });
    assert.equal((await next(glob.iterator)).name, "test.stream.device.update");
  });

  it("refuses unknown names and invalid regular expressions", async () => {
    const bus = new EventBus();
    const unknown = streamOf(
      bus,
      { identifiers: [appIds("app-a")], names: ["no.such.event"] },
      { token: "alice" },
    );
    await assert.rejects(unknown.iterator.next(), (error) => errUnknownEventName.matches(error));
    const invalid = streamOf(
      bus,
      { identifiers: [appIds("app-a")], names: ["/(/"] },
      { token: "alice" },
    );
    await assert.rejects(invalid.iterator.next(), (error) => errInvalidRegexp.matches(error));
    assert.equal(bus.subscriberCount, 0);
  });

  it("evaluates a catastrophic regular expression off the main thread and refuses it cleanly", async () => {
    const bus = new EventBus();
    let ticks = 0;
    let longestGap = 0;
    let last = performance.now();
    const interval = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
      ticks++;
    }, 5);
    try {
      const started = performance.now();
      const { iterator } = streamOf(
        bus,
        { identifiers: [appIds("app-a")], names: ["/^(([a-z._])+)+!/"] },
        { token: "alice" },
      );
      await assert.rejects(iterator.next(), (error) => errRegexpTimeout.matches(error));
      const elapsed = performance.now() - started;
      assert.ok(elapsed < 2_000, `refused after ${elapsed.toFixed(0)} ms`);
      assert.ok(ticks >= 10, `the interval fired ${ticks} times meanwhile`);
      assert.ok(longestGap < 150, `the main thread was blocked for ${longestGap.toFixed(0)} ms`);
    } finally {
      clearInterval(interval);
    }
  });

  it("follows end devices with the rights of their application", async () => {
    const bus = new EventBus();
    const { iterator } = streamOf(
      bus,
      { identifiers: [deviceIds("app-a", "dev-1")] },
      { token: "alice" },
    );
    await next(iterator);
    bus.publish(evtDevice, { identifiers: [{ kind: "end_device", id: "app-a.dev-2" }] });
    bus.publish(evtDevice, { identifiers: [{ kind: "end_device", id: "app-a.dev-1" }] });
    const event = await next(iterator);
    const ids = event.identifiers[0]?.ids;
    assert.equal(ids?.case, "deviceIds");
    if (ids?.case === "deviceIds") {
      assert.equal(ids.value.deviceId, "dev-1");
      assert.equal(ids.value.applicationIds?.applicationId, "app-a");
    }
  });

  it("sends the events of an application's devices to the application's stream", async () => {
    const bus = new EventBus();
    const { iterator } = streamOf(bus, { identifiers: [appIds("app-a")] }, { token: "alice" });
    await next(iterator);
    bus.publish(evtDevice, { identifiers: [{ kind: "end_device", id: "app-a.dev-9" }] });
    assert.equal((await next(iterator)).name, "test.stream.device.update");
  });

  it("warns that tail and after are ignored", async () => {
    const bus = new EventBus();
    const { iterator, context } = streamOf(
      bus,
      { identifiers: [appIds("app-a")], tail: 10 },
      { token: "alice" },
    );
    await next(iterator);
    assert.equal(context.responseHeader.get("x-warning"), historyWarning);
  });

  it("ends a stream that falls more than its capacity behind with consumer_too_slow", async () => {
    const bus = new EventBus();
    const { iterator } = streamOf(
      bus,
      { identifiers: [appIds("app-a")] },
      { token: "alice", capacity: 5 },
    );
    await next(iterator);
    for (let i = 0; i < 6; i++) bus.publish(evtUpdate, { identifiers: [appA] });
    assert.equal(bus.subscriberCount, 0, "its buffer is released at once");
    await assert.rejects(iterator.next(), (error) => errConsumerTooSlow.matches(error));
  });

  it("sees, on one instance, the events published on another", async () => {
    const cluster = new FakeCluster();
    const one = new EventBus({ pubsub: cluster.instance(), origin: "one" });
    const two = new EventBus({ pubsub: cluster.instance(), origin: "two" });
    const { iterator } = streamOf(one, { identifiers: [appIds("app-a")] }, { token: "admin" });
    await next(iterator);
    two.publish(evtTraffic, {
      identifiers: [appA],
      data: create(ApplicationSchema, { ids: { applicationId: "app-a" }, name: "from two" }),
    });
    const event = await next(iterator);
    assert.equal(event.origin, "two");
    assert.equal(event.data && anyUnpack(event.data, ApplicationSchema)?.name, "from two");
  });
});

describe("POST /api/v3/events", { timeout: 60_000 }, () => {
  async function serve(
    bus: EventBus,
    options: { capacity?: number; stallTimeoutMs?: number } = {},
  ): Promise<{ app: FastifyInstance; address: string }> {
    const api = new ApiRegistry();
    registerEventsStream(api, {
      bus,
      rights,
      patterns,
      ...(options.capacity === undefined ? {} : { capacity: options.capacity }),
    });
    const app = Fastify();
    registerRestRoutes(app, {
      prefix: "/api/v3",
      services: api.services().map((s) => restService(s.service, s.implementation)),
      onError: (error) => errorToHttp(error),
      json: { registry: api.typeRegistry() },
      ...(options.stallTimeoutMs === undefined
        ? {}
        : { stream: { stallTimeoutMs: options.stallTimeoutMs } }),
    });
    const address = await app.listen({ port: 0, host: "127.0.0.1" });
    return { app, address };
  }

  it("streams newline-delimited {result} objects with data as JSON with @type, and unsubscribes on close", async () => {
    const bus = new EventBus();
    const { app, address } = await serve(bus);
    try {
      const client = new AbortController();
      const response = await fetch(`${address}/api/v3/events`, {
        method: "POST",
        headers: { authorization: "Bearer admin" },
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

      bus.publish(evtUpdate, { identifiers: [appA], data: ["name"] });
      bus.publish(evtTraffic, {
        identifiers: [appA],
        data: create(ApplicationSchema, { ids: { applicationId: "app-a" }, name: "A" }),
      });
      const update = JSON.parse(await lines.next());
      assert.equal(update.result.name, "test.stream.update");
      assert.deepEqual(update.result.visibility, { rights: ["RIGHT_APPLICATION_INFO"] });
      assert.deepEqual(update.result.data, {
        "@type": "type.googleapis.com/google.protobuf.Value",
        value: ["name"],
      });
      assert.match(update.result.time, /^\d{4}-\d\d-\d\dT/);
      const traffic = JSON.parse(await lines.next());
      assert.deepEqual(traffic.result.data, {
        "@type": "type.googleapis.com/ttn.lorawan.v3.Application",
        ids: { application_id: "app-a" },
        name: "A",
      });

      client.abort();
      await waitFor(() => bus.subscriberCount === 0);

      const denied = await fetch(`${address}/api/v3/events`, {
        method: "POST",
        headers: { authorization: "Bearer alice" },
        body: JSON.stringify({ identifiers: [{ application_ids: { application_id: "app-b" } }] }),
      });
      assert.equal(denied.status, 403);
      const error = JSON.parse((await denied.text()).trim()).error;
      assert.equal(error.details[0].name, "no_rights");
    } finally {
      await app.close();
    }
  });

  it("holds a client that stops reading to a bounded memory, and ends its stream with consumer_too_slow", async (t) => {
    const bus = new EventBus();
    const capacity = 1_000;
    const { app, address } = await serve(bus, { capacity });
    const client = await rawStream(address, "admin");
    try {
      await client.waitFor((text) => text.includes("events.stream.start"));
      client.socket.pause(); // the client stops reading

      const heapBefore = heapAfterGc();
      const data = create(ApplicationSchema, {
        ids: { applicationId: "app-a" },
        name: "x".repeat(200),
        description: "y".repeat(300),
      });
      let published = 0;
      // Publish in batches, letting the stream write between them, until it has given up.
      while (published < 300_000 && bus.subscriberCount > 0) {
        for (let i = 0; i < 1_000; i++) bus.publish(evtTraffic, { identifiers: [appA], data });
        published += 1_000;
        await new Promise((resolve) => setImmediate(resolve));
      }
      for (let i = 0; i < 100_000; i++) bus.publish(evtTraffic, { identifiers: [appA], data });
      published += 100_000;
      const growth = heapAfterGc() - heapBefore;
      assert.equal(bus.subscriberCount, 0, "the slow stream was unsubscribed");
      assert.ok(
        growth < 32 * 1024 * 1024,
        `heap grew by ${(growth / 1024 / 1024).toFixed(1)} MB over ${published} events`,
      );

      client.socket.resume(); // the client reads again: the buffered events, then the end
      const text = await client.ended;
      const lines = text.trim().split("\n");
      const last = JSON.parse(lines.at(-1) as string);
      assert.equal(last.error.code, 8, "resource_exhausted");
      assert.match(last.error.message, /stream consumer too slow/);
      assert.equal(last.error.details[0].name, "consumer_too_slow");
      const delivered = lines.filter((line) => line.includes('"result"')).length - 1;
      t.diagnostic(
        `${published} events published, ${delivered} delivered, memory grew ${(growth / 1024 / 1024).toFixed(1)} MB`,
      );
      assert.ok(delivered >= capacity, `delivered ${delivered} events before the end`);
      assert.ok(delivered < published, "and not every one");
    } finally {
      client.socket.destroy();
      await app.close();
    }
  });

  it("gives up on a client that reads nothing past the stall time limit", async () => {
    const bus = new EventBus();
    const { app, address } = await serve(bus, { capacity: 1_000_000, stallTimeoutMs: 300 });
    const client = await rawStream(address, "admin");
    try {
      await client.waitFor((text) => text.includes("events.stream.start"));
      client.socket.pause();
      const data = create(ApplicationSchema, { name: "z".repeat(1_000) });
      // Enough to fill the socket's buffers; the stream then waits for a drain that never comes.
      while (bus.subscriberCount > 0) {
        for (let i = 0; i < 1_000; i++) bus.publish(evtTraffic, { identifiers: [appA], data });
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      client.socket.resume();
      const text = await client.ended;
      const last = JSON.parse(text.trim().split("\n").at(-1) as string);
      assert.equal(last.error.details[0].name, "consumer_stalled");
      assert.match(last.error.message, /stream consumer too slow: nothing read for 300 ms/);
    } finally {
      client.socket.destroy();
      await app.close();
    }
  });
});

describe("Events.Stream over gRPC (HTTP/2)", { timeout: 60_000 }, () => {
  it("holds back a reader that stops reading, and ends its stream with RESOURCE_EXHAUSTED", async (t) => {
    const bus = new EventBus();
    const api = new ApiRegistry();
    registerEventsStream(api, { bus, rights, patterns, capacity: 1_000 });
    const server = new GrpcServer(api, { clusterKeys: ClusterKeys.fromHex([]) });
    const [bound] = await server.listen([
      { name: "grpc", address: { host: "127.0.0.1", port: 0 } },
    ]);
    const session = http2.connect(`http://${bound?.address}`);
    try {
      const request = toBinary(
        StreamEventsRequestSchema,
        create(StreamEventsRequestSchema, { identifiers: [appIds("app-a")] }),
      );
      const frame = Buffer.alloc(5 + request.length);
      frame.writeUInt32BE(request.length, 1);
      frame.set(request, 5);
      const stream = session.request({
        ":method": "POST",
        ":path": "/ttn.lorawan.v3.Events/Stream",
        "content-type": "application/grpc",
        te: "trailers",
        authorization: "Bearer admin",
      });
      stream.end(frame);
      const chunks: Buffer[] = [];
      const trailers = new Promise<http2.IncomingHttpHeaders>((resolve) =>
        stream.once("trailers", resolve),
      );
      const ended = new Promise((resolve) => stream.once("end", resolve));
      await new Promise<void>((resolve) => {
        stream.once("data", (chunk: Buffer) => {
          chunks.push(chunk);
          stream.pause(); // the reader stops reading after the first message
          resolve();
        });
      });

      const before = heapAfterGc();
      const data = create(ApplicationSchema, { name: "x".repeat(500) });
      let published = 0;
      while (published < 300_000 && bus.subscriberCount > 0) {
        for (let i = 0; i < 1_000; i++) bus.publish(evtTraffic, { identifiers: [appA], data });
        published += 1_000;
        await new Promise((resolve) => setImmediate(resolve));
      }
      const growth = heapAfterGc() - before;
      t.diagnostic(
        `${published} events published, memory grew ${(growth / 1024 / 1024).toFixed(1)} MB`,
      );
      assert.equal(bus.subscriberCount, 0, "the slow stream was unsubscribed");
      assert.ok(growth < 32 * 1024 * 1024, `grew ${(growth / 1024 / 1024).toFixed(1)} MB`);

      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.resume();
      const [end] = await Promise.all([trailers, ended]);
      assert.equal(end["grpc-status"], "8");
      assert.match(decodeURIComponent(String(end["grpc-message"])), /stream consumer too slow/);
      assert.ok(Buffer.concat(chunks).length > 1_000, "the buffered messages came first");
    } finally {
      session.destroy();
      await server.close(0);
    }
  });
});

/** The memory in use (JavaScript heap and buffers) after a full garbage collection. */
function heapAfterGc(): number {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

/**
 * A stream request over a plain socket, so the test decides when the client reads: `waitFor`
 * resolves once the text read so far satisfies a condition, `ended` with everything read
 * (the body, without the HTTP head) once the server closes the stream.
 */
async function rawStream(
  address: string,
  token: string,
): Promise<{
  socket: Socket;
  waitFor(condition: (text: string) => boolean): Promise<void>;
  ended: Promise<string>;
}> {
  const { hostname, port } = new URL(address);
  const socket = connect(Number(port), hostname);
  await new Promise((resolve) => socket.once("connect", resolve));
  const body = JSON.stringify({ identifiers: [{ application_ids: { application_id: "app-a" } }] });
  socket.write(
    `POST /api/v3/events HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${token}\r\n` +
      `Connection: close\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
  );
  const chunks: Buffer[] = [];
  const waiters = new Set<() => void>();
  socket.on("data", (chunk: Buffer) => {
    chunks.push(chunk);
    for (const waiter of waiters) waiter();
  });
  const text = () => Buffer.concat(chunks).toString("utf8");
  const ended = new Promise<string>((resolve) =>
    socket.once("end", () => resolve(dechunk(Buffer.concat(chunks)))),
  );
  return {
    socket,
    ended,
    waitFor: (condition) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (!condition(text())) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      }),
  };
}

/** The body of a chunked HTTP/1.1 response. */
function dechunk(response: Buffer): string {
  let at = response.indexOf("\r\n\r\n") + 4;
  const parts: Buffer[] = [];
  for (;;) {
    const lineEnd = response.indexOf("\r\n", at);
    const size = Number.parseInt(response.subarray(at, lineEnd).toString("latin1"), 16);
    if (!(size > 0)) return Buffer.concat(parts).toString("utf8");
    parts.push(response.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

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
