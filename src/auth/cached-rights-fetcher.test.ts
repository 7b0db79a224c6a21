import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { errPeerUnavailable } from "../cluster/peers/errors.ts";
import { CachedRightsFetcher } from "./cached-rights-fetcher.ts";
import type { Caller } from "./caller.ts";
import type { EntityRef } from "./entity.ts";
import { errUnknownToken } from "./errors.ts";
import { invalidateForEvent } from "./invalidate-for-event.ts";
import type { RightName } from "./rights/index.ts";
import type { AuthInfo, RightsFetcher } from "./rights-fetcher.ts";

const keyId = "KEYIDKEYIDKEYIDKEYIDKEYIDKEYIDKEYIDKEY";
const appKey = `Bearer NNSXS.${keyId}.SECRET`;
const aliceKey = "Bearer NNSXS.ALICEKEYALICEKEYALICEKEYALICEKEYALICEKE.SECRET";
const oauth = "Bearer oauth-token-of-bob";

const callers: Record<string, Caller> = {
  [appKey]: {
    kind: "api-key",
    keyId,
    owner: { kind: "application", id: "app1" },
    rights: new Set<RightName>(["RIGHT_APPLICATION_INFO"]),
  },
  [aliceKey]: {
    kind: "api-key",
    keyId: "ALICEKEY",
    owner: { kind: "user", id: "alice" },
    rights: new Set<RightName>(["RIGHT_APPLICATION_INFO"]),
  },
  [oauth]: { kind: "user", userId: "bob", rights: new Set<RightName>(), via: "oauth" },
};

/** A fetcher that counts its lookups and can be held until released. */
function fakeFetcher() {
  const calls = { authInfo: 0, rightsOn: 0 };
  let gate: Promise<void> = Promise.resolve();
  let fail: Error | undefined;
  const fetcher: RightsFetcher = {
    async authInfo(authorization) {
      calls.authInfo++;
      await gate;
      if (fail) throw fail;
      const caller = callers[authorization];
      if (!caller) throw errUnknownToken.create();
      return { caller, isAdmin: false, universalRights: new Set() } satisfies AuthInfo;
    },
    async rightsOn(_authorization, entity) {
      calls.rightsOn++;
      await gate;
      return new Set<RightName>(entity.id === "app1" ? ["RIGHT_APPLICATION_INFO"] : []);
    },
  };
  return {
    fetcher,
    calls,
    hold() {
      let release = () => {};
      gate = new Promise((resolve) => {
        release = resolve;
      });
      return () => release();
    },
    failWith(error: Error | undefined) {
      fail = error;
    },
  };
}

const app1: EntityRef = { kind: "application", id: "app1" };

describe("cached rights fetcher", () => {
  it("answers from memory for the TTL, then asks again", async () => {
    let now = 0;
    const inner = fakeFetcher();
    const cache = new CachedRightsFetcher(inner.fetcher, { ttlMs: 5000, now: () => now });
    assert.equal((await cache.authInfo(appKey)).caller.kind, "api-key");
    assert.deepEqual([...(await cache.rightsOn(appKey, app1))], ["RIGHT_APPLICATION_INFO"]);
    now = 4999;
    await cache.authInfo(appKey);
    await cache.rightsOn(appKey, app1);
    assert.deepEqual(inner.calls, { authInfo: 1, rightsOn: 1 });
    now = 5000;
    await cache.rightsOn(appKey, app1);
    assert.deepEqual(inner.calls, { authInfo: 2, rightsOn: 2 });
  });

  it("counts an end device as its application", async () => {
    const inner = fakeFetcher();
    const cache = new CachedRightsFetcher(inner.fetcher);
    await cache.rightsOn(appKey, { kind: "end_device", id: "app1.dev1" });
    await cache.rightsOn(appKey, { kind: "end_device", id: "app1.dev2" });
    await cache.rightsOn(appKey, app1);
    assert.equal(inner.calls.rightsOn, 1);
  });

  it("keeps refusals briefly and failures not at all", async () => {
    let now = 0;
    const inner = fakeFetcher();
    const cache = new CachedRightsFetcher(inner.fetcher, { negativeTtlMs: 1000, now: () => now });
    const unknown = "Bearer NNSXS.UNKNOWN.SECRET";
    for (let i = 0; i < 3; i++)
      await assert.rejects(cache.authInfo(unknown), (error: unknown) =>
        errUnknownToken.matches(error),
      );
    assert.equal(inner.calls.authInfo, 1);
    now = 1000;
    await assert.rejects(cache.authInfo(unknown));
    assert.equal(inner.calls.authInfo, 2);

    inner.failWith(errPeerUnavailable.create({ peer: "IS", address: "x", reason: "down" }));
    await assert.rejects(cache.authInfo(appKey));
    await assert.rejects(cache.authInfo(appKey));
    assert.equal(inner.calls.authInfo, 4, "an unavailable Identity Server is asked again");
    inner.failWith(undefined);
    await cache.authInfo(appKey);
  });

  it("shares one lookup among concurrent misses", async () => {
    const inner = fakeFetcher();
    const cache = new CachedRightsFetcher(inner.fetcher);
    const release = inner.hold();
    const callers = Array.from({ length: 20 }, () => cache.rightsOn(appKey, app1));
    release();
    await Promise.all(callers);
    assert.deepEqual(inner.calls, { authInfo: 1, rightsOn: 1 });
    assert.equal(cache.stats.coalesced, 38);
  });

  it("drops what an invalidation concerns, and keeps the rest", async () => {
    const inner = fakeFetcher();
    const cache = new CachedRightsFetcher(inner.fetcher);
    const warm = async () => {
      await cache.rightsOn(appKey, app1);
      await cache.rightsOn(aliceKey, app1);
      await cache.rightsOn(oauth, app1);
    };
    const lookups = () => inner.calls.authInfo + inner.calls.rightsOn;
    await warm();
    const cold = lookups();
    assert.equal(cold, 6);

    cache.invalidateApiKey(keyId);
    await warm();
    assert.equal(lookups(), cold + 2, "the key's caller and rights");

    cache.invalidateEntity({ kind: "end_device", id: "app1.dev1" });
    await warm();
    assert.equal(lookups(), cold + 2 + 4, "the rights on app1 of all three, and app1's key");

    cache.invalidateUser("alice");
    await warm();
    assert.equal(lookups(), cold + 6 + 2, "alice's key and its rights");

    cache.invalidateEntity({ kind: "organization", id: "acme" });
    await warm();
    assert.equal(lookups(), cold + 8 + 2, "rights that may come through organizations");

    cache.invalidateAll();
    await warm();
    assert.equal(lookups(), cold + 10 + 6);
  });

  it("does not keep a lookup that ran while something was invalidated", async () => {
    const inner = fakeFetcher();
    const cache = new CachedRightsFetcher(inner.fetcher);
    const release = inner.hold();
    const running = cache.authInfo(appKey);
    cache.invalidateApiKey(keyId);
    release();
    await running;
    await cache.authInfo(appKey);
    assert.equal(inner.calls.authInfo, 2);
  });

  it("keeps a bounded number of answers", async () => {
    const inner = fakeFetcher();
    const cache = new CachedRightsFetcher(inner.fetcher, { maxEntries: 2 });
    await cache.authInfo(appKey);
    await cache.authInfo(aliceKey);
    await cache.authInfo(oauth);
    await cache.authInfo(oauth);
    await cache.authInfo(aliceKey);
    assert.equal(inner.calls.authInfo, 3);
    await cache.authInfo(appKey);
    assert.equal(inner.calls.authInfo, 4, "the least recently used answer went first");
  });

  it("invalidates from the Identity Server's events", async () => {
    const inner = fakeFetcher();
    const cache = new CachedRightsFetcher(inner.fetcher);
    const lookups = () => inner.calls.authInfo;
    await cache.authInfo(appKey);
    await cache.authInfo(aliceKey);
    invalidateForEvent(cache, { name: "application.update", identifiers: [app1] });
    invalidateForEvent(cache, { name: "gs.up.receive", identifiers: [app1] });
    await cache.authInfo(appKey);
    assert.equal(lookups(), 2, "events that change no rights change nothing");
    invalidateForEvent(cache, { name: "application.api-key.delete", identifiers: [app1] });
    await cache.authInfo(appKey);
    assert.equal(lookups(), 3);
    invalidateForEvent(cache, {
      name: "user.update",
      identifiers: [{ kind: "user", id: "alice" }],
    });
    await cache.authInfo(aliceKey);
    assert.equal(lookups(), 4);
    invalidateForEvent(cache, { name: "application.delete", identifiers: [app1] });
    invalidateForEvent(cache, {
      name: "client.update",
      identifiers: [{ kind: "client", id: "c" }],
    });
    await cache.authInfo(appKey);
    await cache.authInfo(aliceKey);
    assert.equal(lookups(), 6);
    // A revoked OAuth token: the user's credentials are looked up again.
    await cache.authInfo(oauth);
    await cache.authInfo(oauth);
    assert.equal(lookups(), 7);
    invalidateForEvent(cache, {
      name: "oauth.token.deleted",
      identifiers: [
        { kind: "user", id: "bob" },
        { kind: "client", id: "console" },
      ],
    });
    await cache.authInfo(oauth);
    assert.equal(lookups(), 8);
  });
});
