import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ErrorDefinition } from "../../errors/index.ts";
import type { Database } from "../../storage/database.ts";
import {
  errAccountIdTaken,
  errEmailTaken,
  errEndDeviceEuisTaken,
  errFieldNotUpdatable,
  errGatewayEuiTaken,
  errIdTaken,
  errInvalidMembership,
  errLastSeenBatchTooLarge,
  errNotDeleted,
  errNotFound,
} from "./errors.ts";
import {
  createIdentityStores,
  type IdentityStoreOptions,
  type IdentityStores,
  maxLastSeenBatch,
} from "./index.ts";

/** Opens a fresh, migrated, empty database of one engine. */
export interface StoreConformanceTarget {
  open(): Promise<Database>;
}

/** A clock that moves one second per reading, so creation order is visible in timestamps. */
function steppingClock(): () => Date {
  let next = Date.parse("2026-01-01T00:00:00.000Z");
  return () => {
    const now = new Date(next);
    next += 1000;
    return now;
  };
}

/** Asserts that `promise` rejects with an error of `definition` whose message matches. */
async function rejectsWith(
  promise: Promise<unknown>,
  definition: ErrorDefinition,
  message?: RegExp,
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(definition.matches(error), `expected ${definition.name}, got ${String(error)}`);
    if (message) assert.match(error.message, message);
    return true;
  });
}

/** Rounds of the concurrent-update case: the old read-then-write lost one in about 25. */
const CONCURRENT_ROUNDS = 100;

const rfc3339Ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * The behaviour every engine must show for the Identity Server's registries. Run once per
 * engine (see store.test.ts), so SQLite and PostgreSQL are held to the same contract.
 */
export function describeIdentityStoreConformance(
  engineName: string,
  target: StoreConformanceTarget,
): void {
  /** Runs `body` with stores on a fresh database, closed afterwards. */
  async function withStores(
    body: (stores: IdentityStores, database: Database) => Promise<void>,
    options: IdentityStoreOptions = {},
  ): Promise<void> {
    const database = await target.open();
    try {
      await body(
        createIdentityStores(database.db, {
          engine: database.engine,
          now: steppingClock(),
          ...options,
        }),
        database,
      );
    } finally {
      await database.close();
    }
  }

  describe(`identity store conformance: ${engineName}`, () => {
    describe("entities", () => {
      it("creates, reads (with field masks) and updates a user", () =>
        withStores(async ({ users }, database) => {
          const created = await users.create("alice", {
            name: "Alice",
            primaryEmailAddress: "alice@example.com",
            attributes: { team: "radio" },
            admin: true,
            passwordUpdatedAt: new Date("2025-12-31T10:00:00.000Z"),
          });
          assert.equal(created.userId, "alice");
          assert.equal(created.createdAt.toISOString(), "2026-01-01T00:00:00.000Z");
          assert.deepEqual(created.updatedAt, created.createdAt);
          assert.equal(created.deletedAt, undefined);

          const read = await users.get("alice");
          assert.deepEqual(read, created);
          assert.ok(read.passwordUpdatedAt instanceof Date);

          const masked = await users.get("alice", { fieldMask: ["name", "attributes"] });
          assert.deepEqual(masked, {
            userId: "alice",
            name: "Alice",
            attributes: { team: "radio" },
            createdAt: created.createdAt,
            updatedAt: created.updatedAt,
          });

          const updated = await users.update(
            "alice",
            { description: "operator", name: undefined, admin: true },
            ["description", "name"],
          );
          assert.equal(updated.description, "operator");
          assert.equal(updated.name, undefined, "a masked field absent from the patch is cleared");
          assert.equal(updated.primaryEmailAddress, "alice@example.com", "unmasked fields stay");
          assert.ok(updated.updatedAt > created.updatedAt);
          assert.deepEqual(await users.get("alice"), updated);

          const raw = await database.db
            .selectFrom("users")
            .selectAll()
            .where("user_id", "=", "alice")
            .executeTakeFirstOrThrow();
          assert.match(raw.created_at, rfc3339Ms);
          assert.match(raw.updated_at, rfc3339Ms);
          assert.equal(raw.name, null);
          assert.deepEqual(JSON.parse(raw.data).attributes, { team: "radio" });
        }));

      it("reports missing entities as not_found naming kind and ID", () =>
        withStores(async (stores) => {
          await rejectsWith(stores.users.get("nobody"), errNotFound, /^user nobody not found$/);
          await rejectsWith(stores.applications.get("none"), errNotFound, /application none/);
          await rejectsWith(stores.gateways.get("none"), errNotFound, /gateway none/);
          await rejectsWith(stores.organizations.get("none"), errNotFound, /organization none/);
          await rejectsWith(stores.clients.get("none"), errNotFound, /client none/);
          await rejectsWith(
            stores.endDevices.get({ applicationId: "app", deviceId: "dev" }),
            errNotFound,
            /end device dev of application app/,
          );
          await rejectsWith(stores.applications.update("none", {}, ["name"]), errNotFound);
          await rejectsWith(stores.applications.delete("none"), errNotFound);
          await rejectsWith(stores.applications.restore("none"), errNotFound);
          await rejectsWith(stores.applications.purge("none"), errNotFound);
        }));

      it("refuses to update identifiers and timestamps", () =>
        withStores(async ({ applications }) => {
          await applications.create("app1", {});
          await rejectsWith(
            // @ts-expect-error: not a field of the mask type
            applications.update("app1", {}, ["applicationId"]),
            errFieldNotUpdatable,
            /applicationId/,
          );
          await rejectsWith(
            // @ts-expect-error: not a field of the mask type
            applications.update("app1", {}, ["createdAt"]),
            errFieldNotUpdatable,
          );
        }));

      it("gives users and organizations one namespace of IDs", () =>
        withStores(async ({ users, organizations }) => {
          await users.create("alice", {});
          await organizations.create("acme", { name: "ACME" });
          await rejectsWith(
            organizations.create("alice", {}),
            errAccountIdTaken,
            /^ID alice is already taken by a user$/,
          );
          await rejectsWith(
            users.create("acme", {}),
            errAccountIdTaken,
            /ID acme is already taken by an organization/,
          );
          await rejectsWith(users.create("alice", {}), errAccountIdTaken, /taken by a user/);
          // Nothing half-written: the failed creates left no rows behind.
          await rejectsWith(organizations.get("alice"), errNotFound);
          assert.equal((await organizations.list()).total, 1);
          assert.equal((await users.list()).total, 1);
          // A purged account frees its ID for either kind.
          await users.purge("alice");
          const organization = await organizations.create("alice", {});
          assert.equal(organization.organizationId, "alice");
        }));

      it("keeps primary email addresses unique among users", () =>
        withStores(async ({ users }) => {
          await users.create("alice", { primaryEmailAddress: "a@example.com" });
          await rejectsWith(
            users.create("bob", { primaryEmailAddress: "a@example.com" }),
            errEmailTaken,
            /a@example\.com/,
          );
          await users.create("bob", { primaryEmailAddress: "b@example.com" });
          await rejectsWith(
            users.update("bob", { primaryEmailAddress: "a@example.com" }, ["primaryEmailAddress"]),
            errEmailTaken,
          );
          // The failed create gave up its claim on the ID: bob could be created afterwards.
          assert.equal((await users.get("bob")).primaryEmailAddress, "b@example.com");
        }));

      it("reports a duplicate ID as already_exists naming kind and ID", () =>
        withStores(async ({ applications, clients }) => {
          await applications.create("app1", {});
          await rejectsWith(
            applications.create("app1", {}),
            errIdTaken,
            /^application ID app1 already exists$/,
          );
          await clients.create("console", { redirectUris: ["https://example.com/cb"] });
          await rejectsWith(clients.create("console", {}), errIdTaken, /client ID console/);
        }));

      it("pages, counts, orders and filters lists", () =>
        withStores(async ({ applications }) => {
          // Created in this order, one second apart: app-c, app-a, app-b, app-e, app-d.
          const names: Record<string, string | undefined> = {
            "app-c": "Charlie",
            "app-a": "alpha",
            "app-b": "Bravo",
            "app-e": undefined,
            "app-d": "Delta",
          };
          for (const [id, name] of Object.entries(names))
            await applications.create(id, name === undefined ? {} : { name });
          const ids = (page: { items: { applicationId: string }[] }) =>
            page.items.map((item) => item.applicationId);

          const all = await applications.list();
          assert.equal(all.total, 5);
          assert.deepEqual(ids(all), ["app-a", "app-b", "app-c", "app-d", "app-e"]);

          const page1 = await applications.list({ limit: 2, page: 1 });
          const page2 = await applications.list({ limit: 2, page: 2 });
          const page3 = await applications.list({ limit: 2, page: 3 });
          const page4 = await applications.list({ limit: 2, page: 4 });
          assert.deepEqual(
            [ids(page1), ids(page2), ids(page3), ids(page4)],
            [["app-a", "app-b"], ["app-c", "app-d"], ["app-e"], []],
          );
          assert.deepEqual(
            [page1.total, page2.total, page3.total, page4.total],
            [5, 5, 5, 5],
            "total counts all pages",
          );

          assert.deepEqual(
            ids(await applications.list({ order: { field: "id", descending: true } })),
            ["app-e", "app-d", "app-c", "app-b", "app-a"],
          );
          assert.deepEqual(ids(await applications.list({ order: { field: "createdAt" } })), [
            "app-c",
            "app-a",
            "app-b",
            "app-e",
            "app-d",
          ]);
          assert.deepEqual(
            ids(await applications.list({ order: { field: "createdAt", descending: true } })),
            ["app-d", "app-e", "app-b", "app-a", "app-c"],
          );
          // Byte order on both engines (upper case first); an absent name sorts first.
          assert.deepEqual(ids(await applications.list({ order: { field: "name" } })), [
            "app-e",
            "app-b",
            "app-c",
            "app-d",
            "app-a",
          ]);
          await applications.update("app-c", {}, []);
          assert.deepEqual(
            ids(await applications.list({ order: { field: "updatedAt", descending: true } }))[0],
            "app-c",
          );

          const filtered = await applications.list({ ids: ["app-d", "app-b", "missing"] });
          assert.deepEqual(ids(filtered), ["app-b", "app-d"]);
          assert.equal(filtered.total, 2);
          assert.deepEqual(await applications.list({ ids: [] }), { items: [], total: 0 });
          const filteredPage = await applications.list({
            ids: ["app-a", "app-b", "app-c"],
            limit: 1,
            page: 2,
          });
          assert.deepEqual([ids(filteredPage), filteredPage.total], [["app-b"], 3]);
        }));

      it("lists only deleted entities, paged and counted in SQL", () =>
        withStores(async ({ applications }) => {
          for (let i = 1; i <= 12; i++)
            await applications.create(`app-${String(i).padStart(2, "0")}`, {});
          for (const id of ["app-03", "app-07", "app-11"]) await applications.delete(id);
          const ids = (page: { items: { applicationId: string }[] }) =>
            page.items.map((item) => item.applicationId);
          const first = await applications.list({ onlyDeleted: true, limit: 2 });
          assert.deepEqual([ids(first), first.total], [["app-03", "app-07"], 3]);
          const second = await applications.list({ onlyDeleted: true, limit: 2, page: 2 });
          assert.deepEqual([ids(second), second.total], [["app-11"], 3]);
          assert.ok(first.items.every((item) => item.deletedAt instanceof Date));
          const live = await applications.list({ limit: 5 });
          assert.equal(live.total, 9);
        }));

      it("searches in SQL: substrings of IDs, names, descriptions, attributes, other fields", () =>
        withStores(async ({ applications, gateways, users }) => {
          await applications.create("weather-north", {
            name: "Weather North",
            description: "Rain gauges, 100% solar",
            attributes: { env: "Production", site: "roof" },
          });
          await applications.create("weather-south", {
            name: "Weather South",
            attributes: { env: "staging" },
          });
          await applications.create("parking", { description: "Car_park sensors" });
          await applications.create("deleted-weather", { name: "Weather" });
          await applications.delete("deleted-weather");
          const found = async (search: Parameters<typeof applications.list>[0]) =>
            (await applications.list(search)).items.map((item) => item.applicationId);

          assert.deepEqual(await found({ search: { query: "WEATHER" } }), [
            "weather-north",
            "weather-south",
          ]);
          assert.deepEqual(await found({ search: { query: "gauges" } }), ["weather-north"]);
          assert.deepEqual(await found({ search: { contains: { name: "south" } } }), [
            "weather-south",
          ]);
          assert.deepEqual(
            await found({ search: { contains: { applicationId: "weather", name: "north" } } }),
            ["weather-north"],
          );
          assert.deepEqual(await found({ search: { contains: { description: "100%" } } }), [
            "weather-north",
          ]);
          // LIKE's wildcards in the text match only themselves.
          assert.deepEqual(await found({ search: { contains: { description: "_" } } }), [
            "parking",
          ]);
          assert.deepEqual(await found({ search: { contains: { description: "%" } } }), [
            "weather-north",
          ]);
          assert.deepEqual(await found({ search: { attributesContain: { env: "PROD" } } }), [
            "weather-north",
          ]);
          assert.deepEqual(await found({ search: { attributesContain: { env: "" } } }), [
            "weather-north",
            "weather-south",
          ]);
          assert.deepEqual(await found({ search: { attributesContain: { owner: "" } } }), []);
          assert.deepEqual(await found({ search: { query: "weather" }, onlyDeleted: true }), [
            "deleted-weather",
          ]);
          const page = await applications.list({ search: { query: "weather" }, limit: 1, page: 2 });
          assert.deepEqual(
            [page.items.map((item) => item.applicationId), page.total],
            [["weather-south"], 2],
          );

          await gateways.create("gw-roof", { gatewayEui: "0011223344AABBCC" });
          await gateways.create("gw-cellar", { gatewayEui: "00112233445566FF" });
          const gatewayIds = async (search: Parameters<typeof gateways.list>[0]) =>
            (await gateways.list(search)).items.map((item) => item.gatewayId);
          assert.deepEqual(await gatewayIds({ search: { query: "aabb" } }), ["gw-roof"]);
          assert.deepEqual(await gatewayIds({ search: { contains: { gatewayEui: "66f" } } }), [
            "gw-cellar",
          ]);

          await users.create("ann", { state: "STATE_APPROVED" });
          await users.create("ben", {});
          await users.create("cat", { state: "STATE_SUSPENDED" });
          const userIds = async (values: string[]) =>
            (
              await users.list({
                search: { oneOf: [{ field: "state", values, absent: "STATE_REQUESTED" }] },
              })
            ).items.map((item) => item.userId);
          assert.deepEqual(await userIds(["STATE_REQUESTED", "STATE_SUSPENDED"]), ["ben", "cat"]);
          assert.deepEqual(await userIds(["STATE_APPROVED"]), ["ann"]);
        }));

      it("lists what an account holds a right on, directly and through organizations", () =>
        withStores(async ({ applications, organizations, users, memberships }) => {
          await users.create("alice", {});
          await organizations.create("acme", {});
          await organizations.create("gone", {});
          for (const id of ["own", "via-org", "via-gone", "weak", "org-weak", "other"])
            await applications.create(id, {});
          const alice = { kind: "user" as const, id: "alice" };
          const app = (id: string) => ({ kind: "application" as const, id });
          const acme = { kind: "organization" as const, id: "acme" };
          const gone = { kind: "organization" as const, id: "gone" };
          await memberships.set(alice, app("own"), ["RIGHT_APPLICATION_ALL"]);
          await memberships.set(alice, app("weak"), ["RIGHT_APPLICATION_TRAFFIC_READ"]);
          await memberships.set(alice, acme, ["RIGHT_ALL"]);
          await memberships.set(alice, gone, ["RIGHT_ALL"]);
          await memberships.set(acme, app("via-org"), ["RIGHT_APPLICATION_INFO"]);
          await memberships.set(acme, app("org-weak"), ["RIGHT_APPLICATION_TRAFFIC_READ"]);
          await memberships.set(gone, app("via-gone"), ["RIGHT_APPLICATION_ALL"]);
          await organizations.delete("gone");
          const anyOf = ["RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_ALL", "RIGHT_ALL"];
          const ids = async (account: { kind: "user" | "organization"; id: string }) =>
            (await applications.list({ memberOf: { account, anyOf } })).items.map(
              (item) => item.applicationId,
            );
          assert.deepEqual(await ids(alice), ["own", "via-org"]);
          assert.deepEqual(await ids(acme), ["via-org"]);
          // The user's rights in the organization bound what it holds through it.
          await memberships.set(alice, acme, ["RIGHT_ORGANIZATION_ALL"]);
          assert.deepEqual(await ids(alice), ["own"]);
          const counted = await applications.list({
            memberOf: { account: alice, anyOf },
            limit: 1,
          });
          assert.equal(counted.total, 1);
          assert.deepEqual(
            (
              await organizations.list({
                memberOf: { account: alice, anyOf: ["RIGHT_ORGANIZATION_ALL"] },
              })
            ).items.map((item) => item.organizationId),
            ["acme"],
          );
        }));

      it("soft-deletes, restores and purges, keeping the ID taken until purged", () =>
        withStores(async ({ applications }) => {
          await applications.create("app1", { name: "One" });
          await applications.create("app2", {});
          await applications.delete("app1");

          await rejectsWith(applications.get("app1"), errNotFound);
          const deleted = await applications.get("app1", { includeDeleted: true });
          assert.equal(deleted.name, "One");
          assert.ok(deleted.deletedAt instanceof Date);
          assert.deepEqual(
            (await applications.list()).items.map((a) => a.applicationId),
            ["app2"],
          );
          const withDeleted = await applications.list({ includeDeleted: true });
          assert.equal(withDeleted.total, 2);
          assert.ok(withDeleted.items[0]?.deletedAt);

          await rejectsWith(applications.create("app1", {}), errIdTaken, /app1/);
          await rejectsWith(applications.update("app1", { name: "x" }, ["name"]), errNotFound);
          await rejectsWith(applications.delete("app1"), errNotFound);

          await applications.restore("app1");
          const restored = await applications.get("app1");
          assert.equal(restored.deletedAt, undefined);
          assert.equal(restored.name, "One");
          await rejectsWith(
            applications.restore("app1"),
            errNotDeleted,
            /application app1 is not deleted/,
          );

          await applications.delete("app1");
          await applications.purge("app1");
          await rejectsWith(applications.get("app1", { includeDeleted: true }), errNotFound);
          await applications.create("app1", { name: "New" });
          assert.equal((await applications.get("app1")).name, "New");
          await applications.purge("app2"); // purge works on a live entity too
          assert.equal((await applications.list({ includeDeleted: true })).total, 1);
        }));
    });

    describe("gateways", () => {
      it("keeps the gateway EUI unique until the holder is purged", () =>
        withStores(async ({ gateways }) => {
          const created = await gateways.create("gw1", {
            gatewayEui: "00112233aabbccdd",
            frequencyPlanId: "EU_863_870_TTN",
            antennas: [{ gain: 3, location: { latitude: 52.1, longitude: 4.3, altitude: 10 } }],
            requireAuthenticatedConnection: true,
          });
          assert.equal(created.gatewayEui, "00112233AABBCCDD", "EUIs are stored upper-case");
          assert.deepEqual((await gateways.get("gw1")).antennas, created.antennas);

          await rejectsWith(
            gateways.create("gw2", { gatewayEui: "00112233AABBCCDD" }),
            errGatewayEuiTaken,
            /^gateway EUI 00112233AABBCCDD is already registered$/,
          );
          await rejectsWith(gateways.get("gw2"), errNotFound, undefined);

          // Gateways without EUI never clash.
          await gateways.create("gw2", {});
          await gateways.create("gw3", {});
          await rejectsWith(
            gateways.update("gw3", { gatewayEui: "00112233aabbccdd" }, ["gatewayEui"]),
            errGatewayEuiTaken,
            /00112233AABBCCDD/,
          );

          const byEui = await gateways.getByEui("00112233aabbccdd");
          assert.equal(byEui.gatewayId, "gw1");
          await rejectsWith(gateways.getByEui("FFFFFFFFFFFFFFFF"), errNotFound, /FFFFFFFFFFFFFFFF/);

          // A soft-deleted gateway keeps its EUI.
          await gateways.delete("gw1");
          await rejectsWith(gateways.getByEui("00112233AABBCCDD"), errNotFound);
          assert.equal(
            (await gateways.getByEui("00112233AABBCCDD", { includeDeleted: true })).gatewayId,
            "gw1",
          );
          await rejectsWith(
            gateways.create("gw4", { gatewayEui: "00112233AABBCCDD" }),
            errGatewayEuiTaken,
          );
          // Purged, the EUI is free again.
          await gateways.purge("gw1");
          await gateways.update("gw3", { gatewayEui: "00112233AABBCCDD" }, ["gatewayEui"]);
          assert.equal((await gateways.getByEui("00112233AABBCCDD")).gatewayId, "gw3");
          // Clearing the EUI frees it.
          await gateways.update("gw3", {}, ["gatewayEui"]);
          assert.equal((await gateways.get("gw3")).gatewayEui, undefined);
          await gateways.create("gw5", { gatewayEui: "00112233AABBCCDD" });
        }));
    });

    describe("end devices", () => {
      it("keys devices by application and device ID and keeps (JoinEUI, DevEUI) unique", () =>
        withStores(async ({ applications, endDevices }) => {
          await applications.create("app1", {});
          await applications.create("app2", {});
          const key = { applicationId: "app1", deviceId: "dev1" };
          const created = await endDevices.create(key, {
            joinEui: "70b3d57ed0000000",
            devEui: "0004a30b001c0530",
            name: "Sensor",
            locations: { user: { latitude: 1, longitude: 2, source: "SOURCE_REGISTRY" } },
            versionIds: { brandId: "acme", modelId: "m1", bandId: "EU_863_870" },
            networkServerAddress: "ns.example.com",
          });
          assert.equal(created.joinEui, "70B3D57ED0000000");
          assert.equal(created.devEui, "0004A30B001C0530");
          assert.deepEqual(await endDevices.get(key), created);
          assert.deepEqual(await endDevices.get(key, { fieldMask: ["devEui"] }), {
            applicationId: "app1",
            deviceId: "dev1",
            devEui: "0004A30B001C0530",
            createdAt: created.createdAt,
            updatedAt: created.updatedAt,
          });

          // The same device ID in another application is another device.
          await endDevices.create({ applicationId: "app2", deviceId: "dev1" }, {});
          await rejectsWith(
            endDevices.create(key, {}),
            errIdTaken,
            /end device ID dev1 of application app1 already exists/,
          );
          await rejectsWith(
            endDevices.create(
              { applicationId: "app2", deviceId: "dev2" },
              { joinEui: "70B3D57ED0000000", devEui: "0004A30B001C0530" },
            ),
            errEndDeviceEuisTaken,
            /JoinEUI 70B3D57ED0000000 and DevEUI 0004A30B001C0530/,
          );
          // Unique only when both are set; the same DevEUI under another JoinEUI is fine.
          await endDevices.create(
            { applicationId: "app2", deviceId: "dev3" },
            { devEui: "0004A30B001C0530" },
          );
          await endDevices.create(
            { applicationId: "app2", deviceId: "dev4" },
            { devEui: "0004A30B001C0530" },
          );
          await endDevices.create(
            { applicationId: "app2", deviceId: "dev5" },
            { joinEui: "0000000000000001", devEui: "0004A30B001C0530" },
          );
          await rejectsWith(
            endDevices.update(
              { applicationId: "app2", deviceId: "dev3" },
              { joinEui: "70B3D57ED0000000" },
              ["joinEui"],
            ),
            errEndDeviceEuisTaken,
            /JoinEUI 70B3D57ED0000000 and DevEUI 0004A30B001C0530/,
          );

          const found = await endDevices.getByEuis("70b3d57ed0000000", "0004a30b001c0530");
          assert.deepEqual([found.applicationId, found.deviceId], ["app1", "dev1"]);
          await rejectsWith(
            endDevices.getByEuis("70B3D57ED0000000", "FFFFFFFFFFFFFFFF"),
            errNotFound,
            /JoinEUI 70B3D57ED0000000 and DevEUI FFFFFFFFFFFFFFFF/,
          );

          const app2 = await endDevices.list("app2", { limit: 2 });
          assert.equal(app2.total, 4);
          assert.deepEqual(
            app2.items.map((d) => d.deviceId),
            ["dev1", "dev3"],
          );
          assert.deepEqual(
            (await endDevices.list("app2", { ids: ["dev5", "dev1"] })).items.map((d) => d.deviceId),
            ["dev1", "dev5"],
          );
          assert.equal((await endDevices.list("app1")).total, 1);

          const updated = await endDevices.update(key, { name: "Renamed" }, [
            "name",
            "description",
          ]);
          assert.equal(updated.name, "Renamed");
          assert.equal(updated.devEui, "0004A30B001C0530");

          // Deleting a device removes it and frees its EUIs at once.
          await endDevices.delete(key);
          await rejectsWith(endDevices.get(key), errNotFound);
          await rejectsWith(endDevices.delete(key), errNotFound);
          await endDevices.create(
            { applicationId: "app2", deviceId: "dev6" },
            { joinEui: "70B3D57ED0000000", devEui: "0004A30B001C0530" },
          );

          // Purging an application removes its devices.
          await applications.purge("app2");
          assert.equal((await endDevices.list("app2")).total, 0);
          await rejectsWith(
            endDevices.getByEuis("70B3D57ED0000000", "0004A30B001C0530"),
            errNotFound,
          );
        }));

      it("keeps last-seen times forward only, in batches, and orders by them (never seen last)", () =>
        withStores(async ({ applications, endDevices }) => {
          await applications.create("app1", {});
          await applications.create("app2", {});
          for (const deviceId of ["dev1", "dev2", "dev3", "dev4"])
            await endDevices.create({ applicationId: "app1", deviceId }, {});
          await endDevices.create({ applicationId: "app2", deviceId: "dev1" }, {});
          const before = await endDevices.get({ applicationId: "app1", deviceId: "dev1" });
          assert.equal(before.lastSeenAt, undefined);

          const t = (second: number) => new Date(Date.UTC(2026, 11, 6, 10, 0, second, 123));
          await endDevices.batchUpdateLastSeen([
            { applicationId: "app1", deviceId: "dev1", lastSeenAt: t(10) },
            { applicationId: "app1", deviceId: "dev2", lastSeenAt: t(30) },
            // Named twice: the later time counts.
            { applicationId: "app1", deviceId: "dev3", lastSeenAt: t(25) },
            { applicationId: "app1", deviceId: "dev3", lastSeenAt: t(20) },
            // Unknown devices and applications are skipped.
            { applicationId: "app1", deviceId: "nope", lastSeenAt: t(40) },
            { applicationId: "nope", deviceId: "dev1", lastSeenAt: t(40) },
          ]);
          const seen = async (applicationId: string, deviceId: string) =>
            (await endDevices.get({ applicationId, deviceId })).lastSeenAt?.toISOString();
          assert.equal(await seen("app1", "dev1"), t(10).toISOString());
          assert.equal(await seen("app1", "dev3"), t(25).toISOString());
          assert.equal(await seen("app2", "dev1"), undefined, "another application's device");
          assert.equal(await seen("app1", "dev4"), undefined);

          // Forward only: an earlier time never replaces a later one.
          await endDevices.batchUpdateLastSeen([
            { applicationId: "app1", deviceId: "dev1", lastSeenAt: t(50) },
            { applicationId: "app1", deviceId: "dev2", lastSeenAt: t(5) },
          ]);
          assert.equal(await seen("app1", "dev1"), t(50).toISOString());
          assert.equal(await seen("app1", "dev2"), t(30).toISOString());

          // Writing last-seen times is not an update of the device.
          const after = await endDevices.get({ applicationId: "app1", deviceId: "dev1" });
          assert.deepEqual(after.updatedAt, before.updatedAt);
          // Field masks name it; create and update never write it.
          assert.deepEqual(
            await endDevices.get(
              { applicationId: "app1", deviceId: "dev1" },
              {
                fieldMask: ["lastSeenAt"],
              },
            ),
            {
              applicationId: "app1",
              deviceId: "dev1",
              createdAt: after.createdAt,
              updatedAt: after.updatedAt,
              lastSeenAt: t(50),
            },
          );
          await rejectsWith(
            endDevices.update({ applicationId: "app1", deviceId: "dev1" }, { lastSeenAt: t(59) }, [
              "lastSeenAt",
            ]),
            errFieldNotUpdatable,
          );
          const created = await endDevices.create(
            { applicationId: "app2", deviceId: "dev2" },
            { lastSeenAt: t(1) },
          );
          assert.equal(created.lastSeenAt, undefined);
          assert.equal(await seen("app2", "dev2"), undefined);

          const order = async (descending: boolean) =>
            (
              await endDevices.find("app1", {}, { order: { field: "lastSeenAt", descending } })
            ).items.map((device) => device.deviceId);
          assert.deepEqual(await order(true), ["dev1", "dev2", "dev3", "dev4"]);
          assert.deepEqual(await order(false), ["dev3", "dev2", "dev1", "dev4"]);
          const page = await endDevices.find(
            "app1",
            {},
            { order: { field: "lastSeenAt", descending: true }, limit: 2, page: 2 },
          );
          assert.deepEqual(
            page.items.map((device) => [device.deviceId, device.lastSeenAt?.toISOString()]),
            [
              ["dev3", t(25).toISOString()],
              ["dev4", undefined],
            ],
          );
          assert.equal(page.total, 4);

          await endDevices.batchUpdateLastSeen([]);
          const tooMany = Array.from({ length: maxLastSeenBatch + 1 }, (_, i) => ({
            applicationId: "app1",
            deviceId: `dev${i}`,
            lastSeenAt: t(0),
          }));
          await rejectsWith(endDevices.batchUpdateLastSeen(tooMany), errLastSeenBatchTooLarge);
          const full = tooMany.slice(1).map((update) => ({ ...update, lastSeenAt: t(59) }));
          await endDevices.batchUpdateLastSeen(full);
          assert.equal(await seen("app1", "dev4"), t(59).toISOString(), "a full batch");
        }));
    });

    describe("memberships", () => {
      it("sets, reads, lists and removes rights", () =>
        withStores(
          async ({ users, organizations, applications, gateways, clients, memberships }) => {
            await users.create("alice", {});
            await users.create("bob", {});
            await organizations.create("acme", {});
            await applications.create("app1", {});
            await gateways.create("gw1", {});
            await clients.create("cli", {});
            const alice = { kind: "user", id: "alice" } as const;
            const bob = { kind: "user", id: "bob" } as const;
            const acme = { kind: "organization", id: "acme" } as const;
            const app1 = { kind: "application", id: "app1" } as const;

            const set = await memberships.set(alice, app1, [
              "RIGHT_APPLICATION_INFO",
              "RIGHT_APPLICATION_ALL",
              "RIGHT_APPLICATION_INFO",
            ]);
            assert.deepEqual(set?.rights, ["RIGHT_APPLICATION_ALL", "RIGHT_APPLICATION_INFO"]);
            assert.deepEqual(await memberships.get(alice, app1), set);
            assert.equal(await memberships.get(bob, app1), undefined);

            const changed = await memberships.set(alice, app1, ["RIGHT_APPLICATION_INFO"]);
            assert.deepEqual(changed?.rights, ["RIGHT_APPLICATION_INFO"]);
            assert.deepEqual(changed?.createdAt, set?.createdAt, "an update keeps createdAt");
            assert.ok(changed && set && changed.updatedAt > set.updatedAt);

            await memberships.set(acme, app1, ["RIGHT_APPLICATION_INFO"]);
            await memberships.set(bob, app1, ["RIGHT_APPLICATION_DEVICES_READ"]);
            await memberships.set(alice, { kind: "gateway", id: "gw1" }, ["RIGHT_GATEWAY_ALL"]);
            await memberships.set(alice, acme, ["RIGHT_ORGANIZATION_ALL"]);
            await memberships.set(alice, { kind: "client", id: "cli" }, ["RIGHT_CLIENT_ALL"]);

            const members = await memberships.listMembers(app1);
            assert.equal(members.total, 3);
            assert.deepEqual(
              members.items.map((m) => `${m.account.kind}:${m.account.id}`),
              ["organization:acme", "user:alice", "user:bob"],
            );
            const secondPage = await memberships.listMembers(app1, { limit: 2, page: 2 });
            assert.deepEqual(
              [secondPage.items.map((m) => m.account.id), secondPage.total],
              [["bob"], 3],
            );
            const all = await memberships.listMemberships(alice);
            assert.deepEqual(
              all.items.map((m) => `${m.entity.kind}:${m.entity.id}`),
              ["application:app1", "client:cli", "gateway:gw1", "organization:acme"],
            );
            const gatewaysOnly = await memberships.listMemberships(alice, "gateway");
            assert.deepEqual(
              [gatewaysOnly.total, gatewaysOnly.items[0]?.rights],
              [1, ["RIGHT_GATEWAY_ALL"]],
            );

            assert.equal(await memberships.set(bob, app1, []), undefined, "empty rights remove");
            assert.equal(await memberships.get(bob, app1), undefined);
            assert.equal((await memberships.listMembers(app1)).total, 2);
            assert.equal(await memberships.set(bob, app1, []), undefined, "removing twice is fine");
          },
        ));

      it("refuses memberships of missing or deleted accounts and entities", () =>
        withStores(async ({ users, organizations, applications, memberships }) => {
          await users.create("alice", {});
          await organizations.create("acme", {});
          await organizations.create("other", {});
          await applications.create("app1", {});
          const app1 = { kind: "application", id: "app1" } as const;
          await rejectsWith(
            memberships.set({ kind: "user", id: "ghost" }, app1, ["RIGHT_APPLICATION_INFO"]),
            errNotFound,
            /user ghost/,
          );
          await rejectsWith(
            memberships.set({ kind: "organization", id: "alice" }, app1, [
              "RIGHT_APPLICATION_INFO",
            ]),
            errNotFound,
            /organization alice/,
          );
          await rejectsWith(
            memberships.set({ kind: "user", id: "alice" }, { kind: "gateway", id: "nogw" }, [
              "RIGHT_GATEWAY_INFO",
            ]),
            errNotFound,
            /gateway nogw/,
          );
          await rejectsWith(
            memberships.set(
              { kind: "organization", id: "acme" },
              { kind: "organization", id: "other" },
              ["RIGHT_ORGANIZATION_INFO"],
            ),
            errInvalidMembership,
          );
          await applications.delete("app1");
          await rejectsWith(
            memberships.set({ kind: "user", id: "alice" }, app1, ["RIGHT_APPLICATION_INFO"]),
            errNotFound,
            /application app1/,
          );
        }));

      it("computes effective rights: direct ∪ (user's rights in org ∩ org's rights)", () =>
        withStores(async ({ users, organizations, applications, memberships }) => {
          await users.create("alice", {});
          await users.create("bob", {});
          await organizations.create("acme", {});
          await organizations.create("beta", {});
          await applications.create("app1", {});
          const alice = { kind: "user", id: "alice" } as const;
          const app1 = { kind: "application", id: "app1" } as const;
          const acme = { kind: "organization", id: "acme" } as const;
          const beta = { kind: "organization", id: "beta" } as const;

          assert.deepEqual(await memberships.effectiveRights("alice", app1), []);
          await memberships.set(alice, app1, ["RIGHT_APPLICATION_INFO"]);
          await memberships.set(alice, acme, [
            "RIGHT_APPLICATION_DEVICES_READ",
            "RIGHT_APPLICATION_TRAFFIC_READ",
            "RIGHT_ORGANIZATION_INFO",
          ]);
          await memberships.set(acme, app1, [
            "RIGHT_APPLICATION_DEVICES_READ",
            "RIGHT_APPLICATION_DEVICES_WRITE",
          ]);
          await memberships.set(alice, beta, ["RIGHT_APPLICATION_SETTINGS_BASIC"]);
          await memberships.set(beta, app1, [
            "RIGHT_APPLICATION_SETTINGS_BASIC",
            "RIGHT_APPLICATION_TRAFFIC_READ",
          ]);
          assert.deepEqual(await memberships.effectiveRights("alice", app1), [
            "RIGHT_APPLICATION_DEVICES_READ",
            "RIGHT_APPLICATION_INFO",
            "RIGHT_APPLICATION_SETTINGS_BASIC",
          ]);
          // Bob is in no organization and has no direct rights.
          assert.deepEqual(await memberships.effectiveRights("bob", app1), []);
          // The organization itself: alice's direct rights on it.
          assert.deepEqual(await memberships.effectiveRights("alice", acme), [
            "RIGHT_APPLICATION_DEVICES_READ",
            "RIGHT_APPLICATION_TRAFFIC_READ",
            "RIGHT_ORGANIZATION_INFO",
          ]);
          // A deleted organization passes on nothing.
          await organizations.delete("beta");
          assert.deepEqual(await memberships.effectiveRights("alice", app1), [
            "RIGHT_APPLICATION_DEVICES_READ",
            "RIGHT_APPLICATION_INFO",
          ]);
        }));

      it("computes rights on many entities at once, as effectiveRights on each", () =>
        withStores(async ({ users, organizations, applications, memberships }) => {
          await users.create("alice", {});
          await organizations.create("acme", {});
          await organizations.create("gone", {});
          for (const id of ["app1", "app2", "app3", "app4"]) await applications.create(id, {});
          const alice = { kind: "user", id: "alice" } as const;
          const acme = { kind: "organization", id: "acme" } as const;
          const gone = { kind: "organization", id: "gone" } as const;
          const app = (id: string) => ({ kind: "application", id }) as const;
          await memberships.set(alice, app("app1"), ["RIGHT_APPLICATION_INFO"]);
          await memberships.set(alice, acme, [
            "RIGHT_APPLICATION_DEVICES_READ",
            "RIGHT_APPLICATION_INFO",
          ]);
          await memberships.set(acme, app("app1"), ["RIGHT_APPLICATION_DEVICES_READ"]);
          await memberships.set(acme, app("app2"), [
            "RIGHT_APPLICATION_INFO",
            "RIGHT_APPLICATION_SETTINGS_BASIC",
          ]);
          await memberships.set(alice, gone, ["RIGHT_APPLICATION_INFO"]);
          await memberships.set(gone, app("app3"), ["RIGHT_APPLICATION_INFO"]);
          await organizations.delete("gone");
          const ids = ["app1", "app2", "app3", "app4"];
          const each = await memberships.rightsOfEach(alice, "application", ids);
          for (const id of ids) {
            const expected = await memberships.effectiveRights("alice", app(id));
            assert.deepEqual(each.get(id) ?? [], expected, id);
          }
          assert.deepEqual(each.get("app2"), ["RIGHT_APPLICATION_INFO"]);
          assert.equal(each.has("app3"), false, "a deleted organization passes on nothing");
          // An organization: its direct rights.
          const ofAcme = await memberships.rightsOfEach(acme, "application", ids);
          assert.deepEqual([...ofAcme.keys()].sort(), ["app1", "app2"]);
          assert.deepEqual(await memberships.rightsOfEach(alice, "application", []), new Map());
        }));

      it("pages over the entities an account is a member of, in SQL", () =>
        withStores(async ({ users, organizations, applications, memberships }) => {
          await users.create("alice", {});
          await users.create("bob", {});
          await organizations.create("acme", {});
          const alice = { kind: "user", id: "alice" } as const;
          const acme = { kind: "organization", id: "acme" } as const;
          for (let i = 0; i < 8; i++) await applications.create(`app${i}`, {});
          const app = (i: number) => ({ kind: "application", id: `app${i}` }) as const;
          // Direct: app0, app1, app2; through acme: app2 (again), app3, app4. Others: bob's.
          for (const i of [0, 1, 2])
            await memberships.set(alice, app(i), ["RIGHT_APPLICATION_INFO"]);
          await memberships.set(alice, acme, ["RIGHT_APPLICATION_INFO"]);
          for (const i of [2, 3, 4])
            await memberships.set(acme, app(i), ["RIGHT_APPLICATION_INFO"]);
          for (const i of [5, 6, 7])
            await memberships.set({ kind: "user", id: "bob" }, app(i), ["RIGHT_APPLICATION_INFO"]);
          await applications.delete("app1");
          const collaboratorOf = { kind: "application", account: alice } as const;
          const first = await applications.list({ collaboratorOf, limit: 3, page: 1 });
          assert.deepEqual(
            first.items.map((a) => a.applicationId),
            ["app0", "app2", "app3"],
          );
          assert.equal(first.total, 4, "counted once each, deleted ones left out");
          const second = await applications.list({ collaboratorOf, limit: 3, page: 2 });
          assert.deepEqual(
            second.items.map((a) => a.applicationId),
            ["app4"],
          );
          const ofAcme = await applications.list({
            collaboratorOf: { kind: "application", account: acme },
          });
          assert.deepEqual(
            ofAcme.items.map((a) => a.applicationId),
            ["app2", "app3", "app4"],
          );
          const organizationsOfAlice = await organizations.list({
            collaboratorOf: { kind: "organization", account: alice },
          });
          assert.deepEqual(
            organizationsOfAlice.items.map((o) => o.organizationId),
            ["acme"],
          );
        }));

      it("serialises checks of an entity's members under lockEntity", () =>
        withStores(async (stores) => {
          const { users, applications, memberships } = stores;
          await users.create("alice", {});
          await users.create("bob", {});
          assert.equal(await memberships.lockEntity({ kind: "application", id: "none" }), false);
          for (let round = 0; round < CONCURRENT_ROUNDS / 4; round++) {
            const app = { kind: "application", id: `app${round}` } as const;
            await applications.create(app.id, {});
            const owners = ["alice", "bob"].map((id) => ({ kind: "user", id }) as const);
            for (const owner of owners)
              await memberships.set(owner, app, ["RIGHT_APPLICATION_ALL"]);
            // Each owner leaves only while another one stays: one of the two must stay.
            const leave = (owner: (typeof owners)[number]) =>
              stores.transact(async (tx) => {
                assert.equal(await tx.memberships.lockEntity(app), true);
                const members = await tx.memberships.listMembers(app);
                if (members.items.some((m) => m.account.id !== owner.id))
                  await tx.memberships.set(owner, app, []);
              });
            await Promise.all(owners.map(leave));
            assert.equal((await memberships.listMembers(app)).total, 1, `round ${round}`);
          }
          await applications.delete("app0");
          assert.equal(
            await stores.transact((tx) =>
              tx.memberships.lockEntity({ kind: "application", id: "app0" }),
            ),
            true,
            "soft-deleted entities are locked too",
          );
        }));

      it("intersects expanded rights when given an expansion", async () => {
        const expandRights = (rights: readonly string[]) =>
          rights.flatMap((right) =>
            right === "RIGHT_APPLICATION_ALL"
              ? ["RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_DEVICES_READ"]
              : [right],
          );
        await withStores(
          async ({ users, organizations, applications, memberships }) => {
            await users.create("alice", {});
            await organizations.create("acme", {});
            await applications.create("app1", {});
            await memberships.set(
              { kind: "user", id: "alice" },
              { kind: "organization", id: "acme" },
              ["RIGHT_APPLICATION_ALL"],
            );
            await memberships.set(
              { kind: "organization", id: "acme" },
              { kind: "application", id: "app1" },
              ["RIGHT_APPLICATION_DEVICES_READ"],
            );
            assert.deepEqual(
              await memberships.effectiveRights("alice", { kind: "application", id: "app1" }),
              ["RIGHT_APPLICATION_DEVICES_READ"],
            );
          },
          { expandRights },
        );
      });

      it("purges memberships and API keys with their entity or account", () =>
        withStores(async ({ users, organizations, applications, memberships, apiKeys }) => {
          await users.create("alice", {});
          await organizations.create("acme", {});
          await applications.create("app1", {});
          await applications.create("app2", {});
          const alice = { kind: "user", id: "alice" } as const;
          const acme = { kind: "organization", id: "acme" } as const;
          await memberships.set(alice, { kind: "application", id: "app1" }, [
            "RIGHT_APPLICATION_ALL",
          ]);
          await memberships.set(alice, acme, ["RIGHT_ORGANIZATION_ALL"]);
          await memberships.set(acme, { kind: "application", id: "app1" }, [
            "RIGHT_APPLICATION_INFO",
          ]);
          await memberships.set(acme, { kind: "application", id: "app2" }, [
            "RIGHT_APPLICATION_INFO",
          ]);
          const key = (keyId: string, kind: "user" | "organization" | "application", id: string) =>
            apiKeys.create({ keyId, entity: { kind, id }, secretHash: "h", rights: ["RIGHT_ALL"] });
          await key("KUSER", "user", "alice");
          await key("KORG", "organization", "acme");
          await key("KAPP1", "application", "app1");
          await key("KAPP2", "application", "app2");

          // Soft delete keeps everything.
          await applications.delete("app1");
          assert.equal(
            (await memberships.listMembers({ kind: "application", id: "app1" })).total,
            2,
          );
          await applications.purge("app1");
          assert.equal(
            (await memberships.listMembers({ kind: "application", id: "app1" })).total,
            0,
          );
          await rejectsWith(apiKeys.get("KAPP1"), errNotFound);
          assert.equal((await apiKeys.get("KAPP2")).entity.id, "app2");

          await organizations.purge("acme");
          assert.equal(
            (await memberships.listMembers({ kind: "application", id: "app2" })).total,
            0,
          );
          assert.equal(
            (await memberships.listMemberships(alice)).total,
            0,
            "alice's membership of acme went",
          );
          await rejectsWith(apiKeys.get("KORG"), errNotFound);

          await memberships.set(alice, { kind: "application", id: "app2" }, [
            "RIGHT_APPLICATION_ALL",
          ]);
          await users.purge("alice");
          assert.equal(
            (await memberships.listMembers({ kind: "application", id: "app2" })).total,
            0,
          );
          await rejectsWith(apiKeys.get("KUSER"), errNotFound);
          // The recreated user starts with nothing.
          await users.create("alice", {});
          assert.equal((await memberships.listMemberships(alice)).total, 0);
          assert.equal((await apiKeys.list(alice)).total, 0);
        }));
    });

    describe("API keys", () => {
      it("creates, authenticates, lists, updates and deletes keys", () =>
        withStores(async ({ applications, apiKeys }) => {
          await applications.create("app1", {});
          const app1 = { kind: "application", id: "app1" } as const;
          const expiresAt = new Date("2027-01-01T00:00:00.000Z");
          const created = await apiKeys.create({
            keyId: "KEY1",
            entity: app1,
            name: "integration",
            secretHash: "$argon2id$v=19$example",
            rights: ["RIGHT_APPLICATION_TRAFFIC_READ", "RIGHT_APPLICATION_INFO"],
            expiresAt,
          });
          assert.deepEqual(created.rights, [
            "RIGHT_APPLICATION_INFO",
            "RIGHT_APPLICATION_TRAFFIC_READ",
          ]);
          const read = await apiKeys.get("KEY1");
          assert.deepEqual(read, created);
          assert.equal(read.secretHash, "$argon2id$v=19$example");
          assert.deepEqual(read.entity, app1);
          assert.deepEqual(read.expiresAt, expiresAt);

          await apiKeys.create({ keyId: "KEY2", entity: app1, secretHash: "h2", rights: [] });
          await rejectsWith(
            apiKeys.create({ keyId: "KEY2", entity: app1, secretHash: "h3", rights: [] }),
            errIdTaken,
            /API key ID KEY2/,
          );
          await rejectsWith(
            apiKeys.create({
              keyId: "KEY3",
              entity: { kind: "gateway", id: "nogw" },
              secretHash: "h",
              rights: [],
            }),
            errNotFound,
            /gateway nogw/,
          );

          const listed = await apiKeys.list(app1);
          assert.deepEqual([listed.total, listed.items.map((k) => k.keyId)], [2, ["KEY1", "KEY2"]]);
          const second = await apiKeys.list(app1, { limit: 1, page: 2 });
          assert.deepEqual([second.total, second.items.map((k) => k.keyId)], [2, ["KEY2"]]);
          assert.equal((await apiKeys.list({ kind: "application", id: "other" })).total, 0);

          const updated = await apiKeys.update(
            "KEY1",
            { name: "renamed", rights: ["RIGHT_APPLICATION_ALL"] },
            ["name", "rights", "expiresAt"],
          );
          assert.equal(updated.name, "renamed");
          assert.deepEqual(updated.rights, ["RIGHT_APPLICATION_ALL"]);
          assert.equal(updated.expiresAt, undefined);
          assert.equal(updated.secretHash, created.secretHash);
          assert.ok(updated.updatedAt > created.updatedAt);
          assert.deepEqual(await apiKeys.get("KEY1"), updated);
          const renamedOnly = await apiKeys.update("KEY1", { expiresAt }, ["expiresAt"]);
          assert.deepEqual([renamedOnly.name, renamedOnly.expiresAt], ["renamed", expiresAt]);
          await rejectsWith(
            apiKeys.update("NOPE", { name: "x" }, ["name"]),
            errNotFound,
            /API key NOPE/,
          );
          await rejectsWith(
            // @ts-expect-error: not an updatable field
            apiKeys.update("KEY1", {}, ["secretHash"]),
            errFieldNotUpdatable,
          );

          await apiKeys.delete("KEY1");
          await rejectsWith(apiKeys.get("KEY1"), errNotFound, /^API key KEY1 not found$/);
          await rejectsWith(apiKeys.delete("KEY1"), errNotFound);
          assert.equal((await apiKeys.list(app1)).total, 1);
        }));
    });

    describe("concurrency", () => {
      it("keeps both of two concurrent updates of different fields, round after round", () =>
        withStores(async ({ users, gateways }) => {
          await users.create("alice", {});
          await gateways.create("gw1", {});
          for (let round = 0; round < CONCURRENT_ROUNDS; round++) {
            await Promise.all([
              users.update("alice", { description: `d${round}` }, ["description"]),
              users.update("alice", { attributes: { round: `${round}` } }, ["attributes"]),
              gateways.update("gw1", { description: `d${round}` }, ["description"]),
              gateways.update("gw1", { frequencyPlanId: `fp${round}` }, ["frequencyPlanId"]),
            ]);
            const user = await users.get("alice");
            assert.equal(user.description, `d${round}`, `round ${round}: user description lost`);
            assert.deepEqual(user.attributes, { round: `${round}` }, `round ${round}: lost`);
            const gateway = await gateways.get("gw1");
            assert.equal(gateway.description, `d${round}`, `round ${round}: gateway description`);
            assert.equal(gateway.frequencyPlanId, `fp${round}`, `round ${round}: frequency plan`);
          }
        }));

      it("updates atomically with a function of the current entity", () =>
        withStores(async ({ users, endDevices }) => {
          await users.create("alice", { name: "Alice", description: "old" });
          const updated = await users.update("alice", (current) => {
            assert.equal(current.name, "Alice", "the function gets the current entity");
            return { description: undefined, attributes: { seen: current.name ?? "" } };
          });
          assert.equal(updated.description, undefined, "present as undefined: cleared");
          assert.deepEqual(updated.attributes, { seen: "Alice" });
          assert.equal(updated.name, "Alice", "fields it does not return stay");
          assert.deepEqual(await users.get("alice"), updated);

          await assert.rejects(
            users.update("alice", () => {
              throw new Error("changed my mind");
            }),
            /changed my mind/,
          );
          await rejectsWith(
            users.update("alice", () => ({ userId: "bob" }) as never),
            errFieldNotUpdatable,
          );
          assert.deepEqual(await users.get("alice"), updated, "a failed change writes nothing");
          await rejectsWith(
            users.update("nobody", () => ({})),
            errNotFound,
          );

          // Increments from many concurrent updates: none may read a value another overwrites.
          const device = { applicationId: "app1", deviceId: "dev1" };
          await endDevices.create(device, { attributes: { count: "0" } });
          const increment = (current: { attributes?: Record<string, string> }) => ({
            attributes: { count: String(Number(current.attributes?.count ?? 0) + 1) },
          });
          await Promise.all(
            Array.from({ length: 20 }, async () => {
              await users.update("alice", increment);
              await endDevices.update(device, increment);
            }),
          );
          assert.equal((await users.get("alice")).attributes?.count, "20");
          assert.equal((await endDevices.get(device)).attributes?.count, "20");
        }));

      it("changes memberships and API keys atomically", () =>
        withStores(async ({ users, applications, memberships, apiKeys }) => {
          await users.create("alice", {});
          await applications.create("app1", {});
          const alice = { kind: "user", id: "alice" } as const;
          const app1 = { kind: "application", id: "app1" } as const;
          await apiKeys.create({ keyId: "K1", entity: app1, secretHash: "h", rights: [] });
          const rights = Array.from(
            { length: 12 },
            (_, i) => `RIGHT_${String(i).padStart(2, "0")}`,
          );
          const add = (right: string) => (current?: { rights: string[] }) => [
            ...(current?.rights ?? []),
            right,
          ];
          await Promise.all(
            rights.flatMap((right) => [
              memberships.update(alice, app1, add(right)),
              apiKeys.update("K1", (current) => ({ rights: add(right)(current) })),
            ]),
          );
          assert.deepEqual((await memberships.get(alice, app1))?.rights, rights);
          assert.deepEqual((await apiKeys.get("K1")).rights, rights);

          assert.equal(await memberships.update(alice, app1, () => []), undefined);
          assert.equal(await memberships.get(alice, app1), undefined, "empty rights remove");
          await rejectsWith(
            memberships.update({ kind: "user", id: "nobody" }, app1, () => ["RIGHT_00"]),
            errNotFound,
          );
          const renamed = await apiKeys.update("K1", (current) => {
            assert.equal(current.keyId, "K1");
            return { name: "renamed", expiresAt: undefined };
          });
          assert.deepEqual([renamed.name, renamed.rights], ["renamed", rights]);
          await rejectsWith(
            apiKeys.update("K1", () => ({ secretHash: "x" }) as never),
            errFieldNotUpdatable,
          );
          await rejectsWith(
            apiKeys.update("K2", () => ({})),
            errNotFound,
          );
        }));

      it("leaves no membership or API key behind an entity purged concurrently", () =>
        withStores(async ({ users, applications, memberships, apiKeys }) => {
          await users.create("alice", {});
          const alice = { kind: "user", id: "alice" } as const;
          for (let round = 0; round < CONCURRENT_ROUNDS / 2; round++) {
            const app = { kind: "application", id: `app${round}` } as const;
            await applications.create(app.id, {});
            await Promise.allSettled([
              memberships.set(alice, app, ["RIGHT_APPLICATION_ALL"]),
              apiKeys.create({ keyId: `K${round}`, entity: app, secretHash: "h", rights: [] }),
              applications.purge(app.id),
            ]);
            assert.equal(await memberships.get(alice, app), undefined, `round ${round}`);
            assert.equal((await apiKeys.list(app)).total, 0, `round ${round}`);
          }
        }));

      it("lets exactly one of concurrent creates of an ID succeed", () =>
        withStores(async ({ users, organizations, gateways, memberships, applications }) => {
          const results = await Promise.allSettled([
            users.create("carol", {}),
            organizations.create("carol", {}),
            users.create("carol", {}),
            organizations.create("carol", {}),
          ]);
          assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
          for (const result of results)
            if (result.status === "rejected")
              assert.ok(errAccountIdTaken.matches(result.reason), String(result.reason));

          const euis = await Promise.allSettled(
            ["gw1", "gw2", "gw3"].map((id) =>
              gateways.create(id, { gatewayEui: "0102030405060708" }),
            ),
          );
          assert.equal(euis.filter((r) => r.status === "fulfilled").length, 1);
          assert.equal((await gateways.list()).total, 1);

          await users.create("dave", {});
          await applications.create("app1", {});
          const grants = await Promise.all(
            ["RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_LINK"].map((right) =>
              memberships.set({ kind: "user", id: "dave" }, { kind: "application", id: "app1" }, [
                right,
              ]),
            ),
          );
          assert.equal(grants.length, 2);
          assert.equal(
            (await memberships.listMembers({ kind: "application", id: "app1" })).total,
            1,
          );
        }));
    });

    describe("transactions", () => {
      it("commits work in transact together, or not at all", () =>
        withStores(async (stores) => {
          await stores.users.create("alice", {});
          const alice = { kind: "user", id: "alice" } as const;
          await assert.rejects(
            stores.transact(async (trx) => {
              await trx.applications.create("app1", { name: "One" });
              await trx.memberships.set(alice, { kind: "application", id: "app1" }, [
                "RIGHT_APPLICATION_ALL",
              ]);
              await trx.apiKeys.create({
                keyId: "K1",
                entity: { kind: "application", id: "app1" },
                secretHash: "h",
                rights: [],
              });
              throw new Error("abort");
            }),
            /abort/,
          );
          await rejectsWith(stores.applications.get("app1", { includeDeleted: true }), errNotFound);
          assert.equal((await stores.memberships.listMemberships(alice)).total, 0);
          await rejectsWith(stores.apiKeys.get("K1"), errNotFound);

          // A clash inside the transaction rolls back what came before it.
          await stores.gateways.create("gw1", { gatewayEui: "0000000000000001" });
          await rejectsWith(
            stores.transact(async (trx) => {
              await trx.applications.create("app2", {});
              await trx.transact((nested) =>
                nested.gateways.create("gw2", { gatewayEui: "0000000000000001" }),
              );
            }),
            errGatewayEuiTaken,
          );
          await rejectsWith(stores.applications.get("app2"), errNotFound);

          const result = await stores.transact(async (trx) => {
            const application = await trx.applications.create("app1", {});
            await trx.memberships.set(alice, { kind: "application", id: "app1" }, [
              "RIGHT_APPLICATION_ALL",
            ]);
            return application.applicationId;
          });
          assert.equal(result, "app1");
          assert.deepEqual(
            await stores.memberships.effectiveRights("alice", { kind: "application", id: "app1" }),
            ["RIGHT_APPLICATION_ALL"],
          );
        }));

      it("purges an entity and everything hanging off it atomically", () =>
        withStores(async (stores) => {
          await stores.users.create("alice", {});
          await stores.applications.create("app1", {});
          await stores.endDevices.create({ applicationId: "app1", deviceId: "dev1" }, {});
          await stores.memberships.set(
            { kind: "user", id: "alice" },
            { kind: "application", id: "app1" },
            ["RIGHT_APPLICATION_ALL"],
          );
          await assert.rejects(
            stores.transact(async (trx) => {
              await trx.applications.purge("app1");
              throw new Error("abort");
            }),
            /abort/,
          );
          assert.equal((await stores.applications.get("app1")).applicationId, "app1");
          assert.equal((await stores.endDevices.list("app1")).total, 1);
          assert.equal(
            (await stores.memberships.listMembers({ kind: "application", id: "app1" })).total,
            1,
          );
        }));
    });
  });
}
