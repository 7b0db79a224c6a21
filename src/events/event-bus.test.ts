import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { Registry } from "prom-client";
import { ApplicationSchema } from "../gen/ttn/lorawan/v3/application_pb.js";
import { APIKeySchema } from "../gen/ttn/lorawan/v3/rights_pb.js";
import { defineEvent, jsonData } from "./definition.ts";
import { errConsumerTooSlow } from "./errors.ts";
import { EventBus } from "./event-bus.ts";
import { FakeCluster } from "./test-cluster.ts";
import { isUlid } from "./ulid.ts";

const app = { kind: "application", id: "app-1" } as const;
const other = { kind: "application", id: "app-2" } as const;
const device = { kind: "end_device", id: "app-1.dev-1" } as const;

const evtUpdate = defineEvent("test.bus.update", {
  description: "update",
  visibility: ["RIGHT_APPLICATION_INFO"],
  dataType: jsonData<string[]>(),
});
const evtUp = defineEvent("test.bus.up", {
  description: "uplink",
  visibility: ["RIGHT_APPLICATION_TRAFFIC_READ"],
  dataType: APIKeySchema,
});
const evtPlain = defineEvent("test.bus.plain", {
  description: "no data",
  visibility: ["RIGHT_APPLICATION_INFO"],
});

describe("EventBus", () => {
  it("delivers events about the subscribed entities, in order, filtered by name", async () => {
    const bus = new EventBus({ origin: "test" });
    const all = bus.subscribe({ identifiers: [app] });
    const onlyUp = bus.subscribe({ identifiers: [app], names: [evtUp.name] });
    bus.publish(evtUpdate, { identifiers: [app], data: ["name"] });
    bus.publish(evtUpdate, { identifiers: [other] });
    bus.publish(evtUp, { identifiers: [app], data: create(APIKeySchema, { id: "k" }) });

    const first = await all.next();
    const second = await all.next();
    assert.equal(first.value?.name, "test.bus.update");
    assert.equal(first.value?.origin, "test");
    assert.deepEqual(first.value?.data, ["name"]);
    assert.deepEqual(first.value?.visibility, ["RIGHT_APPLICATION_INFO"]);
    assert.ok(isUlid(first.value?.uniqueId ?? ""), "a ULID");
    assert.equal(second.value?.name, "test.bus.up");
    assert.equal((await onlyUp.next()).value?.name, "test.bus.up");
    all.close();
    onlyUp.close();
    assert.equal(bus.subscriberCount, 0);
  });

  it("refuses definitions it did not define and data of another type", () => {
    const bus = new EventBus();
    const forged = { ...evtPlain };
    assert.throws(() => bus.publish(forged, { identifiers: [app] }), /not defined/);
    assert.throws(
      () => bus.publish(evtUp, { identifiers: [app], data: { id: "k" } as never }),
      /not of its data type ttn.lorawan.v3.APIKey/,
    );
    assert.throws(
      () => bus.publish(evtPlain, { identifiers: [app], data: "x" as never }),
      /not of its data type/,
    );
    assert.throws(
      () => bus.publish(evtUpdate, { identifiers: [app], data: [1n] as never }),
      /not of its data type google.protobuf.Value/,
    );
  });

  it("type-checks publishers: a definition, never a string, and data of its type", () => {
    // Never called: `tsc --noEmit` fails if any of these compiles.
    const doesNotCompile = (bus: EventBus) => {
      // @ts-expect-error a free string is not a definition
      bus.publish("test.bus.plain", { identifiers: [app] });
      // @ts-expect-error the update's data is a list of field paths
      bus.publish(evtUpdate, { identifiers: [app], data: "name" });
      // @ts-expect-error an event without a data type takes no data
      bus.publish(evtPlain, { identifiers: [app], data: ["name"] });
      // @ts-expect-error message data of another type
      bus.publish(evtUp, { identifiers: [app], data: create(ApplicationSchema) });
    };
    assert.equal(typeof doesNotCompile, "function");
    const bus = new EventBus();
    assert.throws(
      () => bus.publish("test.bus.plain" as never, { identifiers: [app] }),
      /not defined/,
    );
    bus.close();
  });

  it("brings the events of an application's end devices to the application's subscribers", async () => {
    const bus = new EventBus();
    const application = bus.subscribe({ identifiers: [app] });
    const onlyDevice = bus.subscribe({ identifiers: [device] });
    const both = bus.subscribe({ identifiers: [app, device] });
    bus.publish(evtPlain, { identifiers: [device] });
    bus.publish(evtPlain, { identifiers: [{ kind: "end_device", id: "app-2.dev-1" }] });
    bus.publish(evtUpdate, { identifiers: [app] });
    assert.equal((await application.next()).value?.name, evtPlain.name);
    assert.equal((await application.next()).value?.name, evtUpdate.name);
    assert.equal((await onlyDevice.next()).value?.name, evtPlain.name);
    assert.equal((await both.next()).value?.name, evtPlain.name, "once, not once per entity");
    assert.equal((await both.next()).value?.name, evtUpdate.name);
    bus.close();
    assert.equal(
      (await onlyDevice.next()).done,
      true,
      "the application's event is not the device's",
    );
  });

  it("wakes a waiting subscriber and ends it when closed", async () => {
    const bus = new EventBus();
    const subscription = bus.subscribe({ identifiers: [app] });
    const pending = subscription.next();
    bus.publish(evtPlain, { identifiers: [app] });
    assert.equal((await pending).value?.name, evtPlain.name);
    const ended = subscription.next();
    subscription.close();
    assert.deepEqual(await ended, { value: undefined, done: true });
  });

  it("drops the oldest events of a subscriber that falls behind, and counts them", async () => {
    const bus = new EventBus();
    const slow = bus.subscribe({ identifiers: [app] }, { capacity: 3 });
    for (let i = 0; i < 5; i++) bus.publish(evtUpdate, { identifiers: [app], data: [`${i}`] });
    assert.equal(slow.dropped, 2);
    const data = [];
    for (let i = 0; i < 3; i++) data.push((await slow.next()).value?.data);
    assert.deepEqual(data, [["2"], ["3"], ["4"]]);
    slow.close();
  });

  it("ends a subscriber that would have to drop events with consumer_too_slow, releasing its buffer", async () => {
    const bus = new EventBus();
    const slow = bus.subscribe({ identifiers: [app] }, { capacity: 3, overflow: "close" });
    for (let i = 0; i < 4; i++) bus.publish(evtPlain, { identifiers: [app] });
    assert.equal(bus.subscriberCount, 0, "unsubscribed at once");
    await assert.rejects(slow.next(), (error) => errConsumerTooSlow.matches(error));
    assert.equal((await slow.next()).done, true);
  });

  it("works with for await and stops on break", async () => {
    const bus = new EventBus();
    const subscription = bus.subscribe({ identifiers: [app] });
    bus.publish(evtPlain, { identifiers: [app] });
    for await (const event of subscription) {
      assert.equal(event.name, evtPlain.name);
      break;
    }
    assert.equal(bus.subscriberCount, 0);
  });

  it("ends every subscription, and later ones at once, when closed", async () => {
    const bus = new EventBus();
    const open = bus.subscribe({ identifiers: [app] });
    const pending = open.next();
    bus.close();
    assert.deepEqual(await pending, { value: undefined, done: true });
    assert.equal(bus.subscriberCount, 0);
    const late = bus.subscribe({ identifiers: [app] });
    assert.deepEqual(await late.next(), { value: undefined, done: true });
    assert.equal(bus.subscriberCount, 0);
  });

  it("hands every event to listeners, whatever it is about", () => {
    const bus = new EventBus();
    const seen: string[] = [];
    const stop = bus.listen((event) => seen.push(event.identifiers[0]?.id ?? ""));
    bus.publish(evtPlain, { identifiers: [app] });
    bus.publish(evtPlain, { identifiers: [other] });
    stop();
    bus.publish(evtPlain, { identifiers: [app] });
    assert.deepEqual(seen, ["app-1", "app-2"]);
  });

  it("publishes through the PubSub, so every instance's subscribers see every instance's events", async () => {
    const cluster = new FakeCluster();
    const metrics = new Registry();
    const one = new EventBus({ pubsub: cluster.instance(), origin: "one", metrics });
    const two = new EventBus({ pubsub: cluster.instance(), origin: "two" });
    const onOne = one.subscribe({ identifiers: [app] });
    const onTwo = two.subscribe({ identifiers: [app] });
    two.publish(evtUp, {
      identifiers: [app],
      data: create(APIKeySchema, { id: "key-1", name: "n" }),
      correlationIds: ["c1"],
    });
    one.publish(evtUpdate, { identifiers: [app], data: ["name", "description"] });

    const fromTwo = (await onOne.next()).value;
    assert.equal(fromTwo?.origin, "two");
    assert.deepEqual(fromTwo?.correlationIds, ["c1"]);
    assert.deepEqual(fromTwo?.visibility, ["RIGHT_APPLICATION_TRAFFIC_READ"]);
    assert.equal((fromTwo?.data as { id?: string } | undefined)?.id, "key-1");
    assert.deepEqual((await onOne.next()).value?.data, ["name", "description"]);
    assert.equal((await onTwo.next()).value?.origin, "two");
    assert.equal((await onTwo.next()).value?.origin, "one");
    assert.ok(cluster.bytes > 0, "the events crossed instances as bytes");

    cluster.inject(new Uint8Array([0xff, 0xff, 0xff]));
    cluster.inject(new Uint8Array([0x0a, 0x03, 0x6e, 0x6f, 0x21])); // name "no!": not defined
    assert.match(await metrics.metrics(), /lorastack_events_dropped_total\{reason="malformed"\} 2/);
    one.close();
    two.close();
  });

  it("is fast: 100,000 subscriptions of other entities cost a publish nothing", () => {
    const bus = new EventBus();
    for (let i = 0; i < 100_000; i++)
      bus.subscribe({ identifiers: [{ kind: "gateway", id: `gw-${i}` }] });
    const target = bus.subscribe({ identifiers: [app] });
    const started = performance.now();
    for (let i = 0; i < 1_000; i++) bus.publish(evtPlain, { identifiers: [app] });
    const elapsed = performance.now() - started;
    assert.equal(target.dropped, 0);
    // A scan of 100,000 subscriptions per publish took seconds for 1,000 publishes.
    assert.ok(elapsed < 500, `1,000 publishes took ${elapsed.toFixed(0)} ms`);
    bus.close();
  });
});
