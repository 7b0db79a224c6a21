import assert from "node:assert/strict";
import { it } from "node:test";
import { describeOnEachEngine, type OpenDatabase } from "../../../test/harness/engines.ts";
import type { Database } from "../../storage/database.ts";
import {
  blockSize,
  createDevEuiStore,
  errApplicationDevEuiLimitReached,
  errNoEuiBlockAvailable,
  euiAt,
  startEui,
} from "./dev-eui.ts";
import type { EndDeviceFilter } from "./end-devices.ts";
import { errNotFound } from "./errors.ts";
import { createIdentityStores, type IdentityStores } from "./index.ts";

/** A clock that moves one second per reading. */
function steppingClock(): () => Date {
  let next = Date.parse("2026-01-01T00:00:00.000Z");
  return () => {
    const now = new Date(next);
    next += 1000;
    return now;
  };
}

async function withStores(
  open: OpenDatabase,
  body: (stores: IdentityStores, database: Database) => Promise<void>,
): Promise<void> {
  const database = await open();
  try {
    await body(createIdentityStores(database.db, { now: steppingClock() }), database);
  } finally {
    await database.close();
  }
}

it("computes the addresses of DevEUI blocks", () => {
  assert.equal(startEui({ prefix: "70B3D57ED00012FF", length: 36 }), "70B3D57ED0000000");
  assert.equal(startEui({ prefix: "ffffffffffffffff", length: 64 }), "FFFFFFFFFFFFFFFF");
  assert.equal(startEui({ prefix: "ffffffffffffffff", length: 0 }), "0000000000000000");
  assert.equal(euiAt("70B3D57ED0000000", 0x1234), "70B3D57ED0001234");
  assert.equal(blockSize(36), 2 ** 28);
  assert.equal(blockSize(64), 1);
  assert.equal(blockSize(0), Number.MAX_SAFE_INTEGER + 1, "capped to exact numbers");
});

describeOnEachEngine("end device and DevEUI queries", (_engine, open) => {
  async function seed(stores: IdentityStores): Promise<void> {
    await stores.applications.create("app", {});
    await stores.applications.create("other", {});
    const devices: [string, Parameters<IdentityStores["endDevices"]["create"]>[1]][] = [
      [
        "temp-01",
        { name: "Kitchen Sensor", devEui: "70B3D57ED0000001", joinEui: "0000000000000001" },
      ],
      ["temp-02", { name: "Garden sensor", description: "near the 100% humid pond" }],
      ["door-03", { name: "Front door", attributes: { floor: "ground", vendor: "Acme_Labs" } }],
      ["door-04", { description: "back door", attributes: { floor: "first" } }],
      ["meter-05", { name: "a_b meter", devEui: "AABBCCDDEEFF0011", joinEui: "0000000000000002" }],
    ];
    for (const [deviceId, fields] of devices)
      await stores.endDevices.create({ applicationId: "app", deviceId }, fields);
    await stores.endDevices.create(
      { applicationId: "other", deviceId: "temp-99" },
      { name: "Kitchen sensor" },
    );
  }

  async function ids(stores: IdentityStores, filter: EndDeviceFilter): Promise<string[]> {
    const page = await stores.endDevices.find("app", filter, { limit: 100 });
    assert.equal(page.total, page.items.length);
    return page.items.map((device) => device.deviceId);
  }

  it("filters an application's devices by substrings, ignoring case", () =>
    withStores(open, async (stores) => {
      await seed(stores);
      assert.deepEqual(await ids(stores, {}), [
        "door-03",
        "door-04",
        "meter-05",
        "temp-01",
        "temp-02",
      ]);
      assert.deepEqual(await ids(stores, { idContains: "TEMP" }), ["temp-01", "temp-02"]);
      assert.deepEqual(await ids(stores, { nameContains: "sensor" }), ["temp-01", "temp-02"]);
      assert.deepEqual(await ids(stores, { descriptionContains: "DOOR" }), ["door-04"]);
      assert.deepEqual(await ids(stores, { attributesContain: { floor: "" } }), [
        "door-03",
        "door-04",
      ]);
      assert.deepEqual(await ids(stores, { attributesContain: { floor: "GROUND" } }), ["door-03"]);
      assert.deepEqual(await ids(stores, { attributesContain: { floor: "o", vendor: "acme" } }), [
        "door-03",
      ]);
      assert.deepEqual(await ids(stores, { devEuiContains: "ccdd" }), ["meter-05"]);
      assert.deepEqual(await ids(stores, { joinEuiContains: "01" }), ["temp-01"]);
      // `query` looks at the ID, name, description and EUIs at once.
      assert.deepEqual(await ids(stores, { query: "door" }), ["door-03", "door-04"]);
      assert.deepEqual(await ids(stores, { query: "ed000000" }), ["temp-01"]);
      assert.deepEqual(await ids(stores, { query: "door", nameContains: "front" }), ["door-03"]);
    }));

  it("matches LIKE wildcards in the search text literally", () =>
    withStores(open, async (stores) => {
      await seed(stores);
      assert.deepEqual(await ids(stores, { descriptionContains: "100%" }), ["temp-02"]);
      assert.deepEqual(await ids(stores, { descriptionContains: "%" }), ["temp-02"]);
      assert.deepEqual(await ids(stores, { nameContains: "a_b" }), ["meter-05"]);
      assert.deepEqual(await ids(stores, { attributesContain: { vendor: "e_l" } }), ["door-03"]);
      assert.deepEqual(await ids(stores, { nameContains: "_" }), ["meter-05"]);
      assert.deepEqual(await ids(stores, { nameContains: "\\" }), []);
    }));

  it("filters by update time and orders and pages in SQL", () =>
    withStores(open, async (stores) => {
      await seed(stores);
      const door = await stores.endDevices.update(
        { applicationId: "app", deviceId: "door-04" },
        { name: "Back door" },
        ["name"],
      );
      assert.deepEqual(await ids(stores, { updatedSince: door.updatedAt }), ["door-04"]);
      assert.deepEqual(
        await ids(stores, { updatedSince: new Date(door.updatedAt.getTime() + 1) }),
        [],
      );

      const order = async (field: "name" | "devEui" | "description", descending = false) =>
        (
          await stores.endDevices.find("app", {}, { order: { field, descending }, limit: 100 })
        ).items.map((device) => device.deviceId);
      // Byte-wise, as the IDs: upper case before lower case.
      assert.deepEqual(await order("name"), [
        "door-04",
        "door-03",
        "temp-02",
        "temp-01",
        "meter-05",
      ]);
      assert.deepEqual((await order("devEui", true)).slice(0, 2), ["meter-05", "temp-01"]);
      assert.deepEqual((await order("description")).slice(-2), ["door-04", "temp-02"]);

      const page = await stores.endDevices.find("app", {}, { limit: 2, page: 2 });
      assert.equal(page.total, 5);
      assert.deepEqual(
        page.items.map((device) => device.deviceId),
        ["meter-05", "temp-01"],
      );
      assert.equal(page.items[1]?.devEui, "70B3D57ED0000001", "devices come back whole");
      const past = await stores.endDevices.find("app", {}, { limit: 2, page: 9 });
      assert.deepEqual([past.items, past.total], [[], 5]);
      // A search counts its matches with the page, and apart when the page is past the end.
      const searched = await stores.endDevices.find("app", { idContains: "temp" }, { limit: 1 });
      assert.deepEqual(
        [searched.items.map((device) => device.deviceId), searched.total],
        [["temp-01"], 2],
      );
      const beyond = await stores.endDevices.find(
        "app",
        { idContains: "temp" },
        { limit: 1, page: 5 },
      );
      assert.deepEqual([beyond.items, beyond.total], [[], 2]);
      const none = await stores.endDevices.find("app", { idContains: "zzz" }, { limit: 1 });
      assert.deepEqual([none.items, none.total], [[], 0]);
    }));

  const block = { prefix: "70B3D57ED0001000", length: 52, initCounter: 0 };

  it("issues DevEUIs in order from the block, counting per application", () =>
    withStores(open, async (stores, database) => {
      await stores.applications.create("app", {});
      await stores.applications.create("other", {});
      const devEuis = createDevEuiStore({ db: database.db });
      assert.equal(await devEuis.issue("app", block, 3), "70B3D57ED0001000");
      assert.equal(await devEuis.issue("other", block, 3), "70B3D57ED0001001");
      assert.equal(await devEuis.issue("app", block, 3), "70B3D57ED0001002");
      assert.equal(await devEuis.issue("app", block, 3), "70B3D57ED0001003");
      await assert.rejects(devEuis.issue("app", block, 3), (error: unknown) => {
        assert.ok(errApplicationDevEuiLimitReached.matches(error));
        assert.match(String(error), /limit \(3\) reached/);
        return true;
      });
      // A refusal uses up no address.
      assert.equal(await devEuis.issue("other", block, 3), "70B3D57ED0001004");
      // Deleted and missing applications get none.
      await stores.applications.delete("other");
      await assert.rejects(devEuis.issue("other", block, 3), (error) => errNotFound.matches(error));
      await assert.rejects(devEuis.issue("nope", block, 3), (error) => errNotFound.matches(error));
    }));

  it("starts a new block at its initial counter and stops at its end", () =>
    withStores(open, async (stores, database) => {
      await stores.applications.create("app", {});
      const devEuis = createDevEuiStore({ db: database.db });
      // Four addresses from ...ABC; the bits past the prefix length do not count.
      const small = { prefix: "0000000000000ABF", length: 62, initCounter: 2 };
      assert.equal(await devEuis.issue("app", small, 0), "0000000000000ABE");
      assert.equal(await devEuis.issue("app", small, 0), "0000000000000ABF");
      await assert.rejects(devEuis.issue("app", small, 0), (error) =>
        errNoEuiBlockAvailable.matches(error),
      );
      const counter = await database.db
        .selectFrom("applications")
        .select("dev_eui_counter")
        .where("application_id", "=", "app")
        .executeTakeFirstOrThrow();
      assert.equal(Number(counter.dev_eui_counter), 2, "a failed issue counts nothing");
    }));

  it("never issues one DevEUI twice under concurrent requests", () =>
    withStores(open, async (stores, database) => {
      await stores.applications.create("app", {});
      await stores.applications.create("other", {});
      const devEuis = createDevEuiStore({ db: database.db });
      const issued = await Promise.all(
        Array.from({ length: 24 }, (_, index) =>
          devEuis.issue(index % 2 === 0 ? "app" : "other", block, 10).catch(() => "refused"),
        ),
      );
      const granted = issued.filter((eui) => eui !== "refused");
      assert.equal(granted.length, 20, "10 for each application");
      assert.equal(new Set(granted).size, 20);
      assert.deepEqual(
        [...granted].sort(),
        Array.from({ length: 20 }, (_, index) => euiAt("70B3D57ED0001000", index)),
      );
    }));
});
