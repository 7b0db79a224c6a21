/**
 * One conformance suite for every {@link EventStore}: SQLite, PostgreSQL and Redis run the same
 * cases. Events are made with ULIDs of a clock the test moves, and each store reads that clock,
 * so retention by time is tested without waiting.
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { ApplicationSchema } from "../../gen/ttn/lorawan/v3/application_pb.js";
import { defineEvent, jsonData } from "../definition.ts";
import type { EntityRef, StackEvent } from "../event.ts";
import { UlidFactory } from "../ulid.ts";
import type { EventStore, Retention } from "./event-store.ts";
import type { StoreDropReason, StoreMonitor } from "./monitor.ts";

const evtUpdate = defineEvent("test.store.update", {
  description: "update",
  visibility: ["RIGHT_APPLICATION_INFO"],
  dataType: jsonData<string[]>(),
});
const evtMessage = defineEvent("test.store.message", {
  description: "message data",
  visibility: ["RIGHT_APPLICATION_TRAFFIC_READ"],
  dataType: ApplicationSchema,
});

/** A clock the test moves; the store and the events' ULIDs read it. */
export interface TestClock {
  ms: number;
}

/** A monitor that counts what the store reports. */
export function countingMonitor(): StoreMonitor & {
  counts: Record<StoreDropReason | "stored", number>;
} {
  const counts = { stored: 0, overflow: 0, failed: 0, unreadable: 0 };
  return {
    counts,
    stored: (count) => {
      counts.stored += count;
    },
    dropped: (reason, count) => {
      counts[reason] += count;
    },
    failed: () => {},
  };
}

/** What a test opens: a store over fresh state, and how to prune it (SQL) and close it. */
export interface OpenedStore {
  store: EventStore;
  /** Deletes what is past the retention now; stores that expire by themselves have none. */
  prune?: () => Promise<number>;
  close(): Promise<void>;
}

export type OpenStore = (options: {
  retention: Retention;
  monitor: StoreMonitor;
  now: () => number;
}) => Promise<OpenedStore>;

const retention: Retention = { ttlMs: 600_000, entityCount: 5, correlationIdCount: 4 };
const appA: EntityRef = { kind: "application", id: "app-a" };
const appB: EntityRef = { kind: "application", id: "app-b" };
const devA1: EntityRef = { kind: "end_device", id: "app-a.dev-1" };
const devA2: EntityRef = { kind: "end_device", id: "app-a.dev-2" };

/** Runs the suite's cases (inside a `describe` of the caller) against stores that `open` makes. */
export function eventStoreConformance(open: OpenStore): void {
  async function withStore(
    body: (context: {
      store: EventStore;
      opened: OpenedStore;
      clock: TestClock;
      event: (
        identifiers: readonly EntityRef[],
        options?: { correlationIds?: string[]; name?: string },
      ) => StackEvent;
      monitor: ReturnType<typeof countingMonitor>;
    }) => Promise<void>,
    options: { retention?: Retention } = {},
  ): Promise<void> {
    const clock: TestClock = { ms: 1_800_000_000_000 };
    const ulids = new UlidFactory(() => clock.ms);
    const monitor = countingMonitor();
    const opened = await open({
      retention: options.retention ?? retention,
      monitor,
      now: () => clock.ms,
    });
    const event = (
      identifiers: readonly EntityRef[],
      extra: { correlationIds?: string[]; name?: string } = {},
    ): StackEvent => {
      const { id, ms } = ulids.next();
      return {
        name: extra.name ?? evtUpdate.name,
        time: new Date(ms),
        identifiers,
        data: ["name"],
        correlationIds: extra.correlationIds ?? [],
        origin: "test-host",
        visibility: evtUpdate.visibility,
        uniqueId: id,
      };
    };
    try {
      await body({ store: opened.store, opened, clock, event, monitor });
    } finally {
      await opened.close();
    }
  }

  const ids = (events: readonly StackEvent[]) => events.map((event) => event.uniqueId);

  it("returns an entity's stored events oldest first, whole, once written", async () => {
    await withStore(async ({ store, clock, event, monitor }) => {
      const first = event([appA], { correlationIds: ["rpc:/x:1"] });
      clock.ms += 1;
      const message: StackEvent = {
        ...event([appA]),
        name: evtMessage.name,
        visibility: evtMessage.visibility,
        data: create(ApplicationSchema, { ids: { applicationId: "app-a" }, name: "A" }),
      };
      store.add(first);
      store.add(message);
      store.add(event([appB]));
      const history = await store.history({ entities: [appA] });
      assert.deepEqual(ids(history), [first.uniqueId, message.uniqueId]);
      const [readFirst, readMessage] = history as [StackEvent, StackEvent];
      assert.equal(readFirst.name, evtUpdate.name);
      assert.deepEqual(readFirst.data, ["name"]);
      assert.deepEqual(readFirst.correlationIds, ["rpc:/x:1"]);
      assert.deepEqual(readFirst.identifiers, [appA]);
      assert.deepEqual(readFirst.visibility, ["RIGHT_APPLICATION_INFO"]);
      assert.equal(readFirst.time.getTime(), first.time.getTime());
      assert.equal(readFirst.origin, "test-host");
      assert.equal((readMessage.data as { name: string }).name, "A");
      await store.flush();
      assert.equal(monitor.counts.stored, 3);
    });
  });

  it("keeps an application's history with its devices' events, a device's with its own", async () => {
    await withStore(async ({ store, event }) => {
      const app = event([appA]);
      const dev1 = event([devA1]);
      const dev2 = event([devA2]);
      for (const added of [app, dev1, dev2]) store.add(added);
      assert.deepEqual(ids(await store.history({ entities: [appA] })), ids([app, dev1, dev2]));
      assert.deepEqual(ids(await store.history({ entities: [devA1] })), ids([dev1]));
      assert.deepEqual(
        ids(await store.history({ entities: [devA1, appA] })),
        ids([app, dev1, dev2]),
        "each event once, in time order",
      );
    });
  });

  it("takes the tail per entity, the events after a time, or the tail of those", async () => {
    await withStore(async ({ store, clock, event }) => {
      const a: StackEvent[] = [];
      const b: StackEvent[] = [];
      for (let index = 0; index < 4; index++) {
        clock.ms += 1000;
        a.push(event([appA]));
        b.push(event([appB]));
      }
      for (const added of [...a, ...b]) store.add(added);
      assert.deepEqual(ids(await store.history({ entities: [appA], tail: 2 })), ids(a.slice(2)));
      assert.deepEqual(
        ids(await store.history({ entities: [appA, appB], tail: 1 })),
        ids([a[3] as StackEvent, b[3] as StackEvent]),
        "the tail applies to each entity",
      );
      const after = (a[1] as StackEvent).time.getTime();
      assert.deepEqual(
        ids(await store.history({ entities: [appA], afterMs: after })),
        ids(a.slice(2)),
        "strictly after",
      );
      assert.deepEqual(
        ids(await store.history({ entities: [appA], afterMs: after - 500 })),
        ids(a.slice(1)),
      );
      assert.deepEqual(
        ids(await store.history({ entities: [appA], afterMs: after - 1500, tail: 1 })),
        ids(a.slice(3)),
        "whichever limit is reached first",
      );
      assert.deepEqual(await store.history({ entities: [appA], afterMs: clock.ms }), []);
    });
  });

  it("keeps the newest entity_count events of an entity", async () => {
    await withStore(async ({ store, event, opened }) => {
      const added: StackEvent[] = [];
      for (let index = 0; index < 8; index++) added.push(event([appA]));
      for (const one of added) store.add(one);
      assert.deepEqual(ids(await store.history({ entities: [appA] })), ids(added.slice(3)));
      assert.deepEqual(
        ids(await store.history({ entities: [appA], tail: 50 })),
        ids(added.slice(3)),
        "a larger tail gets what is kept",
      );
      if (opened.prune) assert.equal(await opened.prune(), 3, "the 3 oldest index rows go");
      assert.deepEqual(ids(await store.history({ entities: [appA] })), ids(added.slice(3)));
    });
  });

  it("forgets events older than the time to live", async () => {
    await withStore(async ({ store, clock, event, opened }) => {
      const old = event([appA], { correlationIds: ["c-1"] });
      clock.ms += 300_000;
      const recent = event([appA], { correlationIds: ["c-1"] });
      store.add(old);
      store.add(recent);
      await store.flush();
      clock.ms += 300_001;
      assert.deepEqual(ids(await store.history({ entities: [appA] })), ids([recent]));
      assert.deepEqual(ids(await store.related("c-1")), ids([recent]));
      assert.ok((await opened.prune?.()) !== 0, "pruning finds what is past the retention");
      assert.deepEqual(ids(await store.history({ entities: [appA] })), ids([recent]));
      clock.ms += 300_000;
      assert.deepEqual(await store.history({ entities: [appA] }), []);
      assert.deepEqual(await store.related("c-1"), []);
    });
  });

  it("finds the events of a correlation id, newest first, at most correlation_id_count", async () => {
    await withStore(async ({ store, event }) => {
      const related: StackEvent[] = [];
      for (let index = 0; index < 6; index++)
        related.push(event([index % 2 ? appA : devA1], { correlationIds: ["rpc:/a:1", "other"] }));
      const unrelated = event([appA], { correlationIds: ["rpc:/a:2"] });
      for (const one of [...related, unrelated]) store.add(one);
      assert.deepEqual(ids(await store.related("rpc:/a:1")), ids(related.slice(2).reverse()));
      assert.deepEqual(ids(await store.related("rpc:/a:2")), ids([unrelated]));
      assert.deepEqual(await store.related("rpc:/a:3"), []);
    });
  });

  it("does not index correlation ids longer than 100 characters, and answers none for them", async () => {
    await withStore(async ({ store, event }) => {
      const long = "x".repeat(101);
      store.add(event([appA], { correlationIds: [long, "short"] }));
      assert.deepEqual(await store.related(long), []);
      assert.equal((await store.related("short")).length, 1);
    });
  });

  it("skips and counts stored events it cannot read (a name not defined here)", async () => {
    await withStore(async ({ store, event, monitor }) => {
      const unknown = event([appA], { name: "test.store.not.defined" });
      const known = event([appA]);
      store.add(unknown);
      store.add(known);
      assert.deepEqual(ids(await store.history({ entities: [appA] })), ids([known]));
      assert.equal(monitor.counts.unreadable, 1);
    });
  });

  it("writes many events in few batches and sees them all", async () => {
    await withStore(
      async ({ store, event }) => {
        const added: StackEvent[] = [];
        for (let index = 0; index < 1200; index++)
          added.push(event([{ kind: "end_device", id: `app-a.dev-${index % 40}` }]));
        for (const one of added) store.add(one);
        const history = await store.history({ entities: [appA] });
        assert.equal(history.length, 1200);
        assert.deepEqual(ids(history), ids(added));
      },
      { retention: { ...retention, entityCount: 2000 } },
    );
  });
}
