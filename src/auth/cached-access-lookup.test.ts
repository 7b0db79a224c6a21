import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EventBus } from "../events/index.ts";
import { accessEventsOf, userEvents } from "../identity-server/events.ts";
import { CachedAccessLookup } from "./cached-access-lookup.ts";
import type { AccessLookup, StoredApiKey } from "./caller.ts";
import { invalidateForEvent } from "./invalidate-for-event.ts";

function fakeLookup() {
  const calls = { apiKey: 0, user: 0, membershipRights: 0, accessToken: 0 };
  const keys = new Map<string, StoredApiKey>([
    ["K1", { id: "K1", secretHash: "h", owner: { kind: "application", id: "app1" }, rights: [] }],
    ["K2", { id: "K2", secretHash: "h", owner: { kind: "user", id: "alice" }, rights: [] }],
  ]);
  const lookup: AccessLookup = {
    async apiKey(id) {
      calls.apiKey++;
      return keys.get(id);
    },
    async user(id) {
      calls.user++;
      return id === "alice" ? { admin: false } : undefined;
    },
    async membershipRights() {
      calls.membershipRights++;
      return new Set(["RIGHT_APPLICATION_INFO"]);
    },
    async accessToken() {
      calls.accessToken++;
      return undefined;
    },
  };
  return { lookup, calls, keys };
}

const alice = { kind: "user", id: "alice" } as const;
const app1 = { kind: "application", id: "app1" } as const;

describe("cached access lookup", () => {
  it("keeps what it found for the TTL, and not what it did not find", async () => {
    let now = 0;
    const { lookup, calls } = fakeLookup();
    const cached = new CachedAccessLookup(lookup, { ttlMs: 100, now: () => now });
    for (let i = 0; i < 3; i++) {
      await cached.apiKey("K1");
      await cached.user("alice");
      await cached.membershipRights(alice, app1);
      await cached.apiKey("missing");
      await cached.user("nobody");
    }
    assert.deepEqual(calls, { apiKey: 4, user: 4, membershipRights: 1, accessToken: 0 });
    now = 100;
    await cached.apiKey("K1");
    assert.equal(calls.apiKey, 5);
  });

  it("passes OAuth access tokens through, uncached", async () => {
    const { lookup, calls } = fakeLookup();
    const cached = new CachedAccessLookup(lookup);
    await cached.accessToken?.("t");
    await cached.accessToken?.("t");
    assert.equal(calls.accessToken, 2);
  });

  it("forgets on the events that change rights, as they are published", async () => {
    const { lookup, calls, keys } = fakeLookup();
    const cached = new CachedAccessLookup(lookup);
    const bus = new EventBus();
    bus.listen((event) => invalidateForEvent(cached, event));
    const application = accessEventsOf.application;
    await cached.apiKey("K1");
    keys.delete("K1");
    bus.publish(required(application.apiKeys).delete, { identifiers: [app1] });
    assert.equal(await cached.apiKey("K1"), undefined, "a deleted key stops working at once");

    await cached.membershipRights(alice, app1);
    bus.publish(required(application.collaborators).delete, { identifiers: [app1] });
    await cached.membershipRights(alice, app1);
    assert.equal(calls.membershipRights, 2);

    await cached.membershipRights(alice, app1);
    bus.publish(required(accessEventsOf.organization.collaborators).delete, {
      identifiers: [{ kind: "organization", id: "acme" }],
    });
    await cached.membershipRights(alice, app1);
    assert.equal(calls.membershipRights, 3, "rights through organizations may have changed");

    await cached.user("alice");
    await cached.apiKey("K2");
    bus.publish(userEvents.update, { identifiers: [alice], data: ["admin"] });
    await cached.user("alice");
    await cached.apiKey("K2");
    assert.equal(calls.user, 2);
    assert.equal(calls.apiKey, 4);
  });
});

function required<T>(value: T | undefined): T {
  assert.ok(value);
  return value;
}
