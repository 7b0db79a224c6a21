import assert from "node:assert/strict";
import { after, afterEach, describe, it } from "node:test";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { createHandlerContext, type HandlerContext } from "@connectrpc/connect";
import { errNoRights, errUnknownToken } from "../auth/errors.ts";
import type { RightName } from "../auth/rights/index.ts";
import type { RightsFetcher } from "../auth/rights-fetcher.ts";
import {
  type Event,
  Events,
  FindRelatedEventsRequestSchema,
  type FindRelatedEventsResponse,
  type StreamEventsRequest,
  StreamEventsRequestSchema,
} from "../gen/ttn/lorawan/v3/events_pb.js";
import { withCorrelationIds } from "./correlation.ts";
import { defineEvent, jsonData } from "./definition.ts";
import { errInvalidCorrelationId, errStorageDisabled, errTooManyStreams } from "./errors.ts";
import { applicationOfDevice, type EntityRef, entityKey, type StackEvent } from "./event.ts";
import { EventBus } from "./event-bus.ts";
import { NamePatternResolver } from "./name-patterns.ts";
import { OpenStreams } from "./open-streams.ts";
import type { EventStore, HistoryQuery } from "./store/event-store.ts";
import { eventsStreamService, historyWarning, watchRightsChanges } from "./stream-service.ts";

const evtInfo = defineEvent("test.history.update", {
  description: "update",
  visibility: ["RIGHT_APPLICATION_INFO"],
  dataType: jsonData<string[]>(),
});
const evtTraffic = defineEvent("test.history.traffic", {
  description: "traffic",
  visibility: ["RIGHT_APPLICATION_TRAFFIC_READ"],
});
// Named like the Identity Server's, so that src/auth/invalidate-for-event.ts acts on it.
const evtCollaboratorDelete = defineEvent("test_history.collaborator.delete", {
  description: "collaborator removed",
  visibility: ["RIGHT_APPLICATION_INFO"],
});

const appA: EntityRef = { kind: "application", id: "app-a" };
const appB: EntityRef = { kind: "application", id: "app-b" };
const devA: EntityRef = { kind: "end_device", id: "app-a.dev-1" };
const appIds = (applicationId: string) => ({
  ids: { case: "applicationIds" as const, value: { applicationId } },
});

/**
 * Tokens (each an API key of user `u-<token>`) and their rights, changed by the tests as the
 * Identity Server would change them.
 */
function mutableRights(holdings: Record<string, Record<string, RightName[]>>) {
  const fetcher: RightsFetcher = {
    async authInfo(authorization) {
      const token = authorization.replace(/^Bearer /, "");
      if (!holdings[token]) throw errUnknownToken.create();
      return {
        caller: {
          kind: "api-key",
          keyId: token,
          owner: { kind: "user", id: `u-${token}` },
          rights: new Set(),
        },
        isAdmin: false,
        universalRights: new Set(),
      };
    },
    async rightsOn(authorization, entity) {
      await fetcher.authInfo(authorization);
      const subject = applicationOfDevice(entity) ?? entity;
      const token = authorization.replace(/^Bearer /, "");
      return new Set(holdings[token]?.[entityKey(subject)] ?? []);
    },
  };
  return { fetcher, holdings };
}

/** An event store in memory: what the stream asks of one, without a database. */
class MemoryStore implements EventStore {
  readonly events: StackEvent[] = [];
  add(event: StackEvent): void {
    this.events.push(event);
  }
  async flush(): Promise<void> {}
  async history(query: HistoryQuery): Promise<StackEvent[]> {
    const kept = new Map<string, StackEvent>();
    for (const entity of query.entities) {
      const own = this.events.filter(
        (event) =>
          event.identifiers.some(
            (ref) =>
              entityKey(ref) === entityKey(entity) ||
              entityKey(applicationOfDevice(ref) ?? ref) === entityKey(entity),
          ) &&
          (query.afterMs === undefined || event.time.getTime() > query.afterMs),
      );
      for (const event of own.slice(query.tail ? -query.tail : 0)) kept.set(event.uniqueId, event);
    }
    return [...kept.values()].sort((a, b) => (a.uniqueId < b.uniqueId ? -1 : 1));
  }
  async related(correlationId: string): Promise<StackEvent[]> {
    return this.events.filter((event) => event.correlationIds.includes(correlationId)).reverse();
  }
  async close(): Promise<void> {}
}

const patterns = new NamePatternResolver();
after(() => patterns.close());

const aborts: AbortController[] = [];
afterEach(() => {
  for (const abort of aborts.splice(0)) abort.abort();
});

function context(token: string | undefined, method: "stream" | "findRelated"): HandlerContext {
  const abort = new AbortController();
  aborts.push(abort);
  return createHandlerContext({
    service: Events,
    method: Events.method[method],
    protocolName: "test",
    requestMethod: "POST",
    url: `http://localhost/ttn.lorawan.v3.Events/${method}`,
    requestHeader: token ? { authorization: `Bearer ${token}` } : {},
    requestSignal: abort.signal,
  });
}

function service(options: {
  bus: EventBus;
  rights: RightsFetcher;
  store?: EventStore;
  streams?: OpenStreams;
}) {
  const implementation = eventsStreamService({ ...options, patterns, origin: "test-host" });
  const stream = (token: string, request: MessageInitShape<typeof StreamEventsRequestSchema>) => {
    const handler = context(token, "stream");
    const iterable = (
      implementation.stream as (r: StreamEventsRequest, c: HandlerContext) => AsyncIterable<Event>
    )(create(StreamEventsRequestSchema, request), handler);
    const iterator = iterable[Symbol.asyncIterator]();
    return {
      handler,
      next: async () => (await iterator.next()).value as Event,
      iterator,
    };
  };
  const related = (token: string | undefined, correlationId: string) =>
    (
      implementation.findRelated as (
        r: unknown,
        c: HandlerContext,
      ) => Promise<FindRelatedEventsResponse>
    )(create(FindRelatedEventsRequestSchema, { correlationId }), context(token, "findRelated"));
  return { stream, related };
}

describe("Events.Stream with history", { timeout: 20_000 }, () => {
  it("replays the tail after the start event, then live events, each once", async () => {
    const store = new MemoryStore();
    const bus = new EventBus({ onPublish: (event) => store.add(event) });
    const { fetcher } = mutableRights({
      alice: { "application:app-a": ["RIGHT_APPLICATION_INFO"] },
    });
    const { stream } = service({ bus, rights: fetcher, store });
    const published = [1, 2, 3].map((n) =>
      bus.publish(evtInfo, { identifiers: [appA], data: [`f${n}`] }),
    );
    bus.publish(evtInfo, { identifiers: [appB] });
    bus.publish(evtTraffic, { identifiers: [appA] }); // stored, but alice may not see it
    const opened = stream("alice", { identifiers: [appIds("app-a")], tail: 2 });
    const start = await opened.next();
    assert.equal(start.name, "events.stream.start");
    assert.match(
      start.correlationIds[0] ?? "",
      /^rpc:\/ttn\.lorawan\.v3\.Events\/Stream:[0-9A-Z]{26}$/,
    );
    assert.equal(opened.handler.responseHeader.get("x-warning"), null);
    // The history was read before the start event went out; what is published now is live.
    const live = bus.publish(evtInfo, { identifiers: [appA], data: ["live"] });
    const seen = [await opened.next(), await opened.next()];
    assert.deepEqual(
      seen.map((event) => event.uniqueId),
      [published[2]?.uniqueId, live.uniqueId],
      "the tail of two holds f3 and the traffic event, which alice may not see; then live",
    );
  });

  it("sends an event published while the history is read once, in its place", async () => {
    const store = new MemoryStore();
    const bus = new EventBus({ onPublish: (event) => store.add(event) });
    const { fetcher } = mutableRights({
      alice: { "application:app-a": ["RIGHT_APPLICATION_INFO"] },
    });
    const { stream } = service({ bus, rights: fetcher, store });
    const before = bus.publish(evtInfo, { identifiers: [appA] });
    let during: StackEvent | undefined;
    const history = store.history.bind(store);
    store.history = (query) => {
      // Subscribed already: this one is both live and stored.
      during = bus.publish(evtInfo, { identifiers: [appA] });
      return history(query);
    };
    const opened = stream("alice", { identifiers: [appIds("app-a")], tail: 5 });
    await opened.next();
    const after = bus.publish(evtInfo, { identifiers: [appA] });
    assert.deepEqual(
      [
        (await opened.next()).uniqueId,
        (await opened.next()).uniqueId,
        (await opened.next()).uniqueId,
      ],
      [before.uniqueId, during?.uniqueId, after.uniqueId],
    );
  });

  it("replays the events after a time, filtered by names", async () => {
    const store = new MemoryStore();
    const bus = new EventBus({ onPublish: (event) => store.add(event) });
    const { fetcher } = mutableRights({
      alice: { "application:app-a": ["RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_TRAFFIC_READ"] },
    });
    const { stream } = service({ bus, rights: fetcher, store });
    const old = bus.publish(evtInfo, { identifiers: [appA] });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const traffic = bus.publish(evtTraffic, { identifiers: [devA] });
    const update = bus.publish(evtInfo, { identifiers: [appA] });
    const afterMs = old.time.getTime();
    const all = stream("alice", {
      identifiers: [appIds("app-a")],
      after: timestampFromMs(afterMs),
    });
    await all.next();
    assert.deepEqual(
      [(await all.next()).uniqueId, (await all.next()).uniqueId],
      [traffic.uniqueId, update.uniqueId],
    );
    const named = stream("alice", {
      identifiers: [appIds("app-a")],
      after: timestampFromMs(afterMs),
      names: ["test.history.update"],
    });
    await named.next();
    assert.equal((await named.next()).uniqueId, update.uniqueId);
  });

  it("without a store, streams live events and warns as The Things Stack does", async () => {
    const bus = new EventBus();
    const { fetcher } = mutableRights({
      alice: { "application:app-a": ["RIGHT_APPLICATION_INFO"] },
    });
    const { stream, related } = service({ bus, rights: fetcher });
    bus.publish(evtInfo, { identifiers: [appA] });
    const opened = stream("alice", { identifiers: [appIds("app-a")], tail: 10 });
    await opened.next();
    assert.equal(opened.handler.responseHeader.get("x-warning"), historyWarning);
    const live = bus.publish(evtInfo, { identifiers: [appA] });
    assert.equal((await opened.next()).uniqueId, live.uniqueId);
    await assert.rejects(related("alice", "c"), (error) => errStorageDisabled.matches(error));
  });
});

describe("Events.FindRelated", { timeout: 20_000 }, () => {
  it("returns the correlation id's events newest first, cutting those the caller may not see", async () => {
    const store = new MemoryStore();
    const bus = new EventBus({ onPublish: (event) => store.add(event) });
    const { fetcher } = mutableRights({
      alice: { "application:app-a": ["RIGHT_APPLICATION_INFO"] },
      bob: {},
    });
    const { related } = service({ bus, rights: fetcher, store });
    const [visible, hidden] = withCorrelationIds(["rpc:/test/Call:1"], () => [
      bus.publish(evtInfo, { identifiers: [devA], data: ["name"], correlationIds: ["own"] }),
      bus.publish(evtTraffic, { identifiers: [appA] }),
    ]);
    bus.publish(evtInfo, { identifiers: [appA], correlationIds: ["rpc:/test/Call:2"] });
    assert.deepEqual(visible?.correlationIds, ["rpc:/test/Call:1", "own"]);

    const answer = await related("alice", "rpc:/test/Call:1");
    assert.deepEqual(
      answer.events.map((event) => event.uniqueId),
      [hidden?.uniqueId, visible?.uniqueId],
    );
    const [cut, whole] = answer.events as [Event, Event];
    assert.equal(whole.data?.typeUrl, "type.googleapis.com/google.protobuf.Value");
    assert.deepEqual(whole.correlationIds, ["rpc:/test/Call:1", "own"]);
    assert.equal(cut.name, "test.history.traffic");
    assert.equal(cut.origin, visible?.origin);
    assert.ok(cut.time);
    assert.equal(cut.identifiers.length, 1);
    assert.deepEqual(cut.visibility?.rights.length, 1);
    assert.equal(cut.data, undefined, "data is private");
    assert.deepEqual(cut.correlationIds, [], "correlation ids are private");

    const stranger = await related("bob", "rpc:/test/Call:1");
    assert.ok(stranger.events.every((event) => event.data === undefined));
    assert.equal(stranger.events.length, 2);
  });

  it("needs credentials and a correlation id of 1 to 100 characters", async () => {
    const store = new MemoryStore();
    const bus = new EventBus();
    const { fetcher } = mutableRights({ alice: {} });
    const { related } = service({ bus, rights: fetcher, store });
    await assert.rejects(related(undefined, "c"), /credentials/);
    await assert.rejects(related("mallory", "c"), (error) => errUnknownToken.matches(error));
    await assert.rejects(related("alice", ""), (error) => errInvalidCorrelationId.matches(error));
    await assert.rejects(related("alice", "x".repeat(101)), (error) =>
      errInvalidCorrelationId.matches(error),
    );
    assert.deepEqual((await related("alice", "x".repeat(100))).events, []);
  });
});

describe("Events.Stream when rights change", { timeout: 20_000 }, () => {
  function setup(holdings: Record<string, Record<string, RightName[]>>, maxPerCaller = 0) {
    const bus = new EventBus();
    const rights = mutableRights(holdings);
    const streams = new OpenStreams({ maxPerCaller });
    watchRightsChanges(bus, streams);
    return { bus, rights, streams, ...service({ bus, rights: rights.fetcher, streams }) };
  }

  it("ends a stream whose key is gone, after the event that removed it and before any later one", async () => {
    const { bus, rights, stream } = setup({
      alice: { "application:app-a": ["RIGHT_APPLICATION_INFO"] },
    });
    const opened = stream("alice", { identifiers: [appIds("app-a")] });
    await opened.next();
    delete rights.holdings.alice;
    bus.publish(evtCollaboratorDelete, { identifiers: [appA] });
    bus.publish(evtInfo, { identifiers: [appA], data: ["after removal"] });
    assert.equal((await opened.next()).name, "test_history.collaborator.delete");
    await assert.rejects(opened.iterator.next(), (error) => errUnknownToken.matches(error));
  });

  it("narrows a stream to the entities it keeps rights on, and ends it when none is left", async () => {
    const { bus, rights, stream } = setup({
      alice: {
        "application:app-a": ["RIGHT_APPLICATION_INFO"],
        "application:app-b": ["RIGHT_APPLICATION_INFO"],
      },
    });
    const opened = stream("alice", { identifiers: [appIds("app-a"), appIds("app-b")] });
    await opened.next();
    rights.holdings.alice = { "application:app-b": ["RIGHT_APPLICATION_INFO"] };
    bus.publish(evtCollaboratorDelete, { identifiers: [appA] });
    bus.publish(evtInfo, { identifiers: [appA] }); // no longer visible
    const kept = bus.publish(evtInfo, { identifiers: [appB] });
    assert.equal((await opened.next()).name, "test_history.collaborator.delete");
    assert.equal((await opened.next()).uniqueId, kept.uniqueId);
    rights.holdings.alice = {};
    bus.publish(evtCollaboratorDelete, { identifiers: [appB] });
    bus.publish(evtInfo, { identifiers: [appB] });
    assert.equal((await opened.next()).name, "test_history.collaborator.delete");
    await assert.rejects(opened.iterator.next(), (error) => errNoRights.matches(error));
  });

  it("leaves streams alone that a change does not concern", async () => {
    const { bus, rights, stream } = setup({
      alice: { "application:app-a": ["RIGHT_APPLICATION_INFO"] },
    });
    let fetched = 0;
    const rightsOn = rights.fetcher.rightsOn;
    rights.fetcher.rightsOn = (authorization, entity) => {
      fetched++;
      return rightsOn(authorization, entity);
    };
    const opened = stream("alice", { identifiers: [appIds("app-a")] });
    await opened.next();
    assert.equal(fetched, 1);
    bus.publish(evtCollaboratorDelete, { identifiers: [appB] });
    const next = bus.publish(evtInfo, { identifiers: [appA] });
    assert.equal((await opened.next()).uniqueId, next.uniqueId);
    assert.equal(fetched, 1, "no re-check for another application");
  });

  it("caps the streams one account has open, and frees a place when one ends", async () => {
    const { stream, streams } = setup(
      {
        alice: { "application:app-a": ["RIGHT_APPLICATION_INFO"] },
        bob: { "application:app-a": ["RIGHT_APPLICATION_INFO"] },
      },
      2,
    );
    const first = stream("alice", { identifiers: [appIds("app-a")] });
    const second = stream("alice", { identifiers: [appIds("app-a")] });
    await first.next();
    await second.next();
    const third = stream("alice", { identifiers: [appIds("app-a")] });
    await assert.rejects(third.iterator.next(), (error) => errTooManyStreams.matches(error));
    const other = stream("bob", { identifiers: [appIds("app-a")] });
    assert.equal((await other.next()).name, "events.stream.start", "another account is not held");
    assert.equal(streams.size, 3);
    await first.iterator.return?.();
    assert.equal(streams.size, 2);
    const again = stream("alice", { identifiers: [appIds("app-a")] });
    assert.equal((await again.next()).name, "events.stream.start");
  });
});
