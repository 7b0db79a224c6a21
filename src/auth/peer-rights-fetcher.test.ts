import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { after, before, describe, it } from "node:test";
import { z } from "zod";
import { ApiRegistry } from "../api/registry.ts";
import { PeerDirectory } from "../cluster/peers/peers.ts";
import { PeerResolver } from "../cluster/peers/resolver.ts";
import type { ComponentContext } from "../components/index.ts";
import { EventBus } from "../events/index.ts";
import { ApplicationRegistry } from "../gen/ttn/lorawan/v3/application_services_pb.js";
import { identityServerConfig } from "../identity-server/config.ts";
import { clientEvents } from "../identity-server/events.ts";
import { createIdentityServer } from "../identity-server/identity-server.ts";
import { identityStores } from "../identity-server/registry.ts";
import { authorize, storeAccessLookup } from "../identity-server/services/context.ts";
import { callContext, seedApiKey, seedUser } from "../identity-server/services/test-support.ts";
import type { IdentityStores } from "../identity-server/store/index.ts";
import { type Database, migrateToLatest, openDatabase } from "../storage/index.ts";
import { generateApiKey } from "./api-keys/index.ts";
import { CachedAccessLookup } from "./cached-access-lookup.ts";
import { CachedRightsFetcher } from "./cached-rights-fetcher.ts";
import type { AccessLookup } from "./caller.ts";
import type { EntityRef } from "./entity.ts";
import { errNoCredentials, errUnknownToken } from "./errors.ts";
import { peerRightsFetcher } from "./peer-rights-fetcher.ts";
import type { RightsFetcher } from "./rights-fetcher.ts";

const app1 = { kind: "application", id: "app1" } as const satisfies EntityRef;

describe("rights through the Identity Server peer (in this process)", () => {
  let folder: string;
  let database: Database;
  let stores: IdentityStores;
  let peers: PeerDirectory;
  let fetcher: RightsFetcher;
  let statements = 0;
  const events = new EventBus();
  let appKey = "";
  let aliceKey = "";

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), "lorastack-rights-"));
    database = await openDatabase({ engine: "sqlite", file: join(folder, "lorastack.db") });
    await migrateToLatest(database.db, database.engine);
    // Every statement the Identity Server runs goes through this plugin, which counts it.
    const counted: Database = {
      ...database,
      db: database.db.withPlugin({
        transformQuery(args) {
          statements++;
          return args.node;
        },
        async transformResult(args) {
          return args.result;
        },
      }),
    };
    stores = identityStores({ database: counted });
    const api = new ApiRegistry();
    // Constructing the Identity Server registers its services (start only sets up OAuth).
    createIdentityServer({
      database: counted,
      api,
      events,
      section: z.strictObject(identityServerConfig.shape).parse({}),
      config: { http: { listen: ":1885" } },
    } as never as ComponentContext<never>);
    peers = new PeerDirectory({
      registry: api,
      localRoles: new Set(["is"]),
      addresses: {},
      clusterKey: "00".repeat(16),
      tls: false,
      resolver: new PeerResolver(),
    });
    fetcher = peerRightsFetcher({ identityServer: () => peers.peer("is") });

    await seedUser(stores, "alice");
    await stores.applications.create("app1", {});
    await stores.memberships.set({ kind: "user", id: "alice" }, app1, [
      "RIGHT_APPLICATION_INFO",
      "RIGHT_APPLICATION_TRAFFIC_READ",
    ]);
    appKey = `Bearer ${await seedApiKey(stores, app1, ["RIGHT_APPLICATION_ALL"])}`;
    aliceKey = `Bearer ${await seedApiKey(stores, { kind: "user", id: "alice" }, ["RIGHT_APPLICATION_ALL"])}`;
  });

  after(async () => {
    peers.close();
    await database.close();
    await rm(folder, { recursive: true, force: true });
  });

  it("says who an API key belongs to", async () => {
    const info = await fetcher.authInfo(appKey);
    assert.equal(info.caller.kind, "api-key");
    assert.deepEqual(info.caller.kind === "api-key" && info.caller.owner, app1);
    assert.ok(info.caller.rights.has("RIGHT_APPLICATION_ALL"));
    assert.equal(info.isAdmin, false);
    assert.equal(info.universalRights.size, 0);
  });

  it("gives the rights on an entity, an end device counting as its application", async () => {
    const rights = await fetcher.rightsOn(appKey, app1);
    assert.ok(rights.has("RIGHT_APPLICATION_DEVICES_WRITE"));
    assert.deepEqual(
      await fetcher.rightsOn(appKey, { kind: "end_device", id: "app1.dev" }),
      rights,
    );
    assert.deepEqual([...(await fetcher.rightsOn(aliceKey, app1))].sort(), [
      "RIGHT_APPLICATION_INFO",
      "RIGHT_APPLICATION_TRAFFIC_READ",
    ]);
    assert.equal((await fetcher.rightsOn(appKey, { kind: "gateway", id: "gw" })).size, 0);
    assert.ok((await fetcher.rightsOn(aliceKey, { kind: "user", id: "alice" })).size > 0);
  });

  it("brings the Identity Server's errors back as the same definitions", async () => {
    await assert.rejects(fetcher.authInfo(`Bearer ${generateApiKey().token}`), (error: unknown) =>
      errUnknownToken.matches(error),
    );
    await assert.rejects(fetcher.rightsOn("", app1), (error: unknown) =>
      errNoCredentials.matches(error),
    );
  });

  it("costs no SQL statement on a cache hit, in the Identity Server and in other components", async (t) => {
    const measure = async (what: () => Promise<unknown>) => {
      const before = statements;
      const start = performance.now();
      await what();
      return `${statements - before} statements ${(performance.now() - start).toFixed(2)} ms`;
    };
    // What the Identity Server's handlers do per request: authenticate and authorize, from
    // the stores directly (before) and through the cached lookups (now).
    const request = (lookup: AccessLookup) => () =>
      authorize(
        { stores, lookup, events: new EventBus() },
        callContext(ApplicationRegistry, aliceKey.slice("Bearer ".length)),
        app1,
        ["RIGHT_APPLICATION_INFO"],
      );
    const cachedLookup = new CachedAccessLookup(storeAccessLookup(stores));
    const direct = await measure(request(storeAccessLookup(stores)));
    const lookupMiss = await measure(request(cachedLookup));
    const lookupHit = await measure(request(cachedLookup));
    assert.match(lookupHit, /^0 statements/, "an Identity Server request on a cache hit");

    // What any other component does: the rights fetcher over the Identity Server peer.
    const cached = new CachedRightsFetcher(fetcher);
    const both = async () => {
      await cached.authInfo(aliceKey);
      await cached.rightsOn(aliceKey, app1);
    };
    // An event that invalidates everything empties the Identity Server's own cache too.
    events.publish(clientEvents.update, {
      identifiers: [{ kind: "client", id: "c" }],
      data: ["name"],
    });
    const fetcherMiss = await measure(both);
    const fetcherHit = await measure(both);
    assert.match(fetcherHit, /^0 statements/, "a rights lookup on a cache hit");
    assert.doesNotMatch(fetcherMiss, /^0 statements/);

    const before = statements;
    for (let i = 0; i < 1000; i++) await both();
    assert.equal(statements, before, "no statement in any of the hits");
    t.diagnostic(
      `user API key on an application. Identity Server authorize: stores ${direct}; cached miss ${lookupMiss}, hit ${lookupHit}. ` +
        `Rights fetcher (authInfo + rightsOn): miss ${fetcherMiss}, hit ${fetcherHit}`,
    );
  });
});
