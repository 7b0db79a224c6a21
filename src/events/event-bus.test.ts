import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EventBus } from "./event-bus.ts";

const app = { kind: "application", id: "app-1" } as const;
const other = { kind: "application", id: "app-2" } as const;
const visibility = ["RIGHT_APPLICATION_INFO"];

describe("EventBus", () => {
  it("delivers events about the subscribed entities, in order, filtered by name", async () => {
    const bus = new EventBus({ origin: "test" });
    const all = bus.subscribe({ identifiers: [app] });
    const onlyUp = bus.subscribe({ identifiers: [app], names: ["as.up.*"] });
    bus.publish({ name: "application.update", identifiers: [app], visibility });
    bus.publish({ name: "application.update", identifiers: [other], visibility });
    bus.publish({
      name: "as.up.data.forward",
      identifiers: [app],
      visibility,
      data: { f_port: 1 },
    });

    const first = await all.next();
    const second = await all.next();
    assert.equal(first.value?.name, "application.update");
    assert.equal(first.value?.origin, "test");
    assert.match(first.value?.uniqueId ?? "", /^[0-9a-f]{32}$/);
    assert.equal(second.value?.name, "as.up.data.forward");
    assert.equal((await onlyUp.next()).value?.name, "as.up.data.forward");
    all.close();
    onlyUp.close();
    assert.equal(bus.subscriberCount, 0);
  });

  it("wakes a waiting subscriber and ends it when closed", async () => {
    const bus = new EventBus();
    const subscription = bus.subscribe({ identifiers: [app] });
    const pending = subscription.next();
    bus.publish({ name: "application.delete", identifiers: [app], visibility });
    assert.equal((await pending).value?.name, "application.delete");
    const ended = subscription.next();
    subscription.close();
    assert.deepEqual(await ended, { value: undefined, done: true });
  });

  it("drops the oldest events of a subscriber that falls behind, and counts them", async () => {
    const bus = new EventBus();
    const slow = bus.subscribe({ identifiers: [app] }, { capacity: 3 });
    for (let i = 0; i < 5; i++) bus.publish({ name: `event.${i}`, identifiers: [app], visibility });
    assert.equal(slow.dropped, 2);
    const names = [];
    for (let i = 0; i < 3; i++) names.push((await slow.next()).value?.name);
    assert.deepEqual(names, ["event.2", "event.3", "event.4"]);
    slow.close();
  });

  it("works with for await and stops on break", async () => {
    const bus = new EventBus();
    const subscription = bus.subscribe({ identifiers: [app] });
    bus.publish({ name: "a", identifiers: [app], visibility });
    for await (const event of subscription) {
      assert.equal(event.name, "a");
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
  });
});
