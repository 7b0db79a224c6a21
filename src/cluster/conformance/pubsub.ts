import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Codec } from "../codec.ts";
import type { PubSub, Topic } from "../pubsub.ts";
import { deferred, type FixtureFactory, unique, withFixture, within } from "./fixture.ts";

/** One instance's PubSub, and a way to know its subscriptions are live on the transport. */
export interface PubSubInstance {
  pubsub: PubSub;
  /** Resolves once every subscription made so far receives messages from other instances. */
  ready(): Promise<void>;
}

interface Message {
  from: string;
  n: number;
}

const jsonCodec: Codec<Message> = {
  encode: (value) => Buffer.from(JSON.stringify(value)),
  decode: (bytes) => JSON.parse(Buffer.from(bytes).toString("utf8")) as Message,
};

/** Collects what a subscription receives and resolves a waiter when a predicate holds. */
class Inbox {
  readonly messages: Message[] = [];
  #waiters: { test: (messages: Message[]) => boolean; resolve: () => void }[] = [];

  readonly handler = (message: Message) => {
    this.messages.push(message);
    this.#waiters = this.#waiters.filter((waiter) => {
      if (!waiter.test(this.messages)) return true;
      waiter.resolve();
      return false;
    });
  };

  until(test: (messages: Message[]) => boolean, what: string): Promise<void> {
    if (test(this.messages)) return Promise.resolve();
    const done = deferred();
    this.#waiters.push({ test, resolve: done.resolve });
    return within(done.promise, 5000, what);
  }

  /** Waits for the marker message `{from, n: -1}`. */
  marker(from: string): Promise<void> {
    return this.until(
      (messages) => messages.some((m) => m.from === from && m.n === -1),
      `the marker from ${from}`,
    );
  }

  /** Messages other than markers. */
  get payload(): Message[] {
    return this.messages.filter((message) => message.n !== -1);
  }
}

/**
 * The behaviour every {@link PubSub} must show. Instances opened from one fixture share one
 * transport. "Exactly once" is checked with markers: messages of one publisher arrive in order,
 * so once a later marker has arrived, a duplicate of an earlier message would have too.
 */
export function describePubSubConformance(
  name: string,
  open: FixtureFactory<PubSubInstance>,
): void {
  describe(`PubSub conformance: ${name}`, () => {
    it("fans a message out to every subscriber on every instance exactly once", async () => {
      await withFixture(open, async (fixture) => {
        const a = (await fixture.instance()).value;
        const b = (await fixture.instance()).value;
        const topic = unique("topic");
        const onA = a.pubsub.topic(topic, jsonCodec);
        const onB = b.pubsub.topic(topic, jsonCodec);
        const inboxes = { a1: new Inbox(), a2: new Inbox(), b1: new Inbox() };
        onA.subscribe(inboxes.a1.handler);
        onA.subscribe(inboxes.a2.handler);
        onB.subscribe(inboxes.b1.handler);
        await Promise.all([a.ready(), b.ready()]);

        onA.publish({ from: "a", n: 1 });
        onB.publish({ from: "b", n: 1 });
        // Each instance's marker follows its message on every path, echoes included.
        await inboxes.b1.until((m) => m.some((x) => x.from === "a"), "a's message at b");
        await Promise.all([
          inboxes.a1.until((m) => m.some((x) => x.from === "b"), "b's message at a"),
          inboxes.a2.until((m) => m.some((x) => x.from === "b"), "b's message at a"),
        ]);
        onA.publish({ from: "a", n: -1 });
        onB.publish({ from: "b", n: -1 });
        for (const inbox of Object.values(inboxes))
          await Promise.all([inbox.marker("a"), inbox.marker("b")]);
        for (const [where, inbox] of Object.entries(inboxes))
          assert.deepEqual(
            [...inbox.payload].sort((x, y) => x.from.localeCompare(y.from)),
            [
              { from: "a", n: 1 },
              { from: "b", n: 1 },
            ],
            `${where} got ${JSON.stringify(inbox.messages)}`,
          );
      });
    });

    it("delivers one publisher's messages in order, locally and remotely", async () => {
      await withFixture(open, async (fixture) => {
        const a = (await fixture.instance()).value;
        const b = (await fixture.instance()).value;
        const topic = unique("ordered");
        const local = new Inbox();
        const remote = new Inbox();
        a.pubsub.topic(topic, jsonCodec).subscribe(local.handler);
        b.pubsub.topic(topic, jsonCodec).subscribe(remote.handler);
        await Promise.all([a.ready(), b.ready()]);
        const publisher = a.pubsub.topic(topic, jsonCodec);
        const sequence = Array.from({ length: 200 }, (_, n) => ({ from: "a", n }));
        for (const message of sequence) publisher.publish(message);
        assert.deepEqual(local.messages, sequence, "local delivery is immediate and in order");
        await remote.until((m) => m.length >= sequence.length, "every message at b");
        assert.deepEqual(remote.messages, sequence);
      });
    });

    it("stops delivering to a subscription once unsubscribed, others unaffected", async () => {
      await withFixture(open, async (fixture) => {
        const a = (await fixture.instance()).value;
        const b = (await fixture.instance()).value;
        const topic = unique("unsubscribe");
        const gone = new Inbox();
        const stays = new Inbox();
        const goneRemote = new Inbox();
        const onA = a.pubsub.topic(topic, jsonCodec);
        const onB = b.pubsub.topic(topic, jsonCodec);
        const unsubscribe = onA.subscribe(gone.handler);
        onA.subscribe(stays.handler);
        const unsubscribeRemote = onB.subscribe(goneRemote.handler);
        await Promise.all([a.ready(), b.ready()]);
        onB.publish({ from: "b", n: 1 });
        await gone.until((m) => m.length === 1, "the first message");
        await goneRemote.until((m) => m.length === 1, "the first message at b");
        unsubscribe();
        unsubscribe(); // harmless
        unsubscribeRemote();
        // b has no subscriber left; a still has one, which must get b's later messages.
        await b.ready();
        onB.publish({ from: "b", n: 2 });
        onA.publish({ from: "a", n: 3 });
        onB.publish({ from: "b", n: -1 });
        await stays.marker("b");
        assert.deepEqual(gone.messages, [{ from: "b", n: 1 }]);
        assert.deepEqual(goneRemote.messages, [{ from: "b", n: 1 }]);
        // Across instances only each publisher's own order holds.
        assert.deepEqual(
          stays.payload.map((m) => m.n).sort(),
          [1, 2, 3],
          JSON.stringify(stays.messages),
        );
      });
    });

    it("keeps delivering to other subscribers when a handler throws", async () => {
      await withFixture(open, async (fixture) => {
        const a = (await fixture.instance()).value;
        const b = (await fixture.instance()).value;
        const topic = unique("throws");
        const after = new Inbox();
        const onA = a.pubsub.topic(topic, jsonCodec);
        onA.subscribe(() => {
          throw new Error("handler failure");
        });
        onA.subscribe(after.handler);
        await a.ready();
        onA.publish({ from: "a", n: 1 });
        b.pubsub.topic(topic, jsonCodec).publish({ from: "b", n: 2 });
        await after.until((m) => m.length === 2, "both messages");
      });
    });

    it("close ends an instance's subscriptions and publishing; others go on", async () => {
      await withFixture(open, async (fixture) => {
        const a = await fixture.instance();
        const b = await fixture.instance();
        const topic = unique("close");
        const onA: Topic<Message> = a.value.pubsub.topic(topic, jsonCodec);
        const onB = b.value.pubsub.topic(topic, jsonCodec);
        const atA = new Inbox();
        const atB = new Inbox();
        onA.subscribe(atA.handler);
        onB.subscribe(atB.handler);
        await Promise.all([a.value.ready(), b.value.ready()]);
        await a.value.pubsub.close();
        onA.publish({ from: "a", n: 1 }); // dropped, not thrown
        const late = onA.subscribe(atA.handler);
        late();
        onB.publish({ from: "b", n: 2 });
        onB.publish({ from: "b", n: -1 });
        await atB.marker("b");
        assert.deepEqual(atB.payload, [{ from: "b", n: 2 }]);
        assert.deepEqual(atA.messages, []);
      });
    });
  });
}
