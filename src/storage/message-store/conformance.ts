import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create, fromBinary } from "@bufbuild/protobuf";
import type { ErrorDefinition } from "../../errors/index.ts";
import type { Database } from "../database.ts";
import type { UntypedDatabase } from "../migrations/migration.ts";
import {
  errIndexValueTaken,
  errInvalidFieldMaskPath,
  errInvalidKey,
  errKeyChanged,
  errKeyTaken,
  errNotFound,
  errUnknownIndex,
} from "./errors.ts";
import { mergeFieldMask } from "./field-mask.ts";
import { messageTableMigration } from "./spec.ts";
import { MessageStore, type StoredRow } from "./store.ts";
import { bytes, hex, testDevice, testDeviceTable } from "./testdata/devices.ts";
import {
  type Device,
  type DeviceSchema as DeviceDesc,
  DeviceSchema,
} from "./testdata/gen/lorastack/test/storage/devices_pb.js";

/** Opens a fresh, empty database of one engine. */
export interface MessageStoreConformanceTarget {
  open(): Promise<Database>;
}

async function rejectsWith(
  promise: Promise<unknown>,
  definition: ErrorDefinition,
  attributes: Record<string, unknown> = {},
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(definition.matches(error), `expected ${definition.name}, got ${String(error)}`);
    for (const [name, value] of Object.entries(attributes))
      assert.equal(error.attributes[name], value, `attribute ${name}`);
    return true;
  });
}

const ids = (devices: readonly (Device | undefined)[]) =>
  devices.map((device) => `${device?.ids?.applicationId}/${device?.ids?.deviceId}`);

/** Rounds of the concurrent-update case. */
const ROUNDS = 50;

/**
 * The behaviour of {@link MessageStore} on every engine. Run once per engine (see
 * message-store.test.ts), so SQLite and PostgreSQL are held to the same contract.
 */
export function describeMessageStoreConformance(
  engineName: string,
  target: MessageStoreConformanceTarget,
): void {
  async function withStore(
    body: (store: MessageStore<typeof DeviceDesc>, database: Database) => Promise<void>,
  ): Promise<void> {
    const database = await target.open();
    try {
      await messageTableMigration(testDeviceTable)(database.db, database.engine);
      await body(new MessageStore(database.db, testDeviceTable), database);
    } finally {
      await database.close();
    }
  }

  describe(`message store conformance: ${engineName}`, () => {
    it("creates and reads messages, whole or by field mask", () =>
      withStore(async (store, database) => {
        const device = testDevice("app1", "dev1", { devAddr: "26011bda", name: "One", fCnt: 7 });
        assert.equal(await store.create(device), device);
        assert.deepEqual(await store.get(["app1", "dev1"]), device);
        const masked = await store.get(["app1", "dev1"], {
          fieldMask: ["ids.device_id", "session.last_f_cnt_up", "session.keys.app_s_key"],
        });
        assert.deepEqual(
          masked,
          create(DeviceSchema, {
            ids: { deviceId: "dev1" },
            session: { lastFCntUp: 7, keys: { appSKey: device.session?.keys?.appSKey } },
          }),
        );
        await rejectsWith(
          store.get(["app1", "dev1"], { fieldMask: ["session.nope"] }),
          errInvalidFieldMaskPath,
        );

        // The message is stored in binary, beside its key and index columns.
        const raw = await (database.db as UntypedDatabase)
          .selectFrom("test_devices")
          .selectAll()
          .executeTakeFirstOrThrow();
        assert.deepEqual(
          [raw.application_id, raw.device_id, raw.dev_addr, raw.euis],
          ["app1", "dev1", "26011BDA", null],
        );
        assert.deepEqual(fromBinary(DeviceSchema, new Uint8Array(raw.message)), device);

        await rejectsWith(store.get(["app1", "dev2"]), errNotFound, {
          table: "test_devices",
          key: "app1/dev2",
        });
        await rejectsWith(store.create(testDevice("app1", "dev1")), errKeyTaken, {
          key: "app1/dev1",
        });
        await rejectsWith(store.get(["app1"]), errInvalidKey);
      }));

    it("finds records by index column, several for a non-unique one", () =>
      withStore(async (store) => {
        await store.create(testDevice("app2", "b", { devAddr: "26011bda" }));
        await store.create(testDevice("app1", "z", { devAddr: "26011bda" }));
        await store.create(
          testDevice("app1", "a", { devAddr: "26011bda", devEui: "0102030405060708" }),
        );
        await store.create(testDevice("app1", "c", { devAddr: "26000001" }));
        await store.create(testDevice("app1", "d"));
        assert.deepEqual(ids(await store.find("dev_addr", "26011BDA")), [
          "app1/a",
          "app1/z",
          "app2/b",
        ]);
        assert.deepEqual(ids(await store.find("dev_addr", "26011BDA", { limit: 1 })), ["app1/a"]);
        assert.deepEqual(ids(await store.find("euis", "70B3D57ED0000000:0102030405060708")), [
          "app1/a",
        ]);
        assert.deepEqual(await store.find("dev_addr", "27000000"), []);
        assert.deepEqual(
          await store.find("dev_addr", ""),
          [],
          "records without a value are not found",
        );
        const [masked] = await store.find("dev_addr", "26000001", { fieldMask: ["ids"] });
        assert.equal(masked?.session, undefined);
        await rejectsWith(store.find("name", "x"), errUnknownIndex, { index: "name" });
      }));

    it("refuses a unique index clash with a typed error naming the index", () =>
      withStore(async (store) => {
        await store.create(testDevice("app1", "a", { devEui: "0102030405060708" }));
        await store.create(testDevice("app1", "b", { devEui: "0102030405060709" }));
        await rejectsWith(
          store.create(testDevice("app2", "x", { devEui: "0102030405060708" })),
          errIndexValueTaken,
          {
            table: "test_devices",
            index: "euis",
            key: "app2/x",
            value: "70B3D57ED0000000:0102030405060708",
          },
        );
        await rejectsWith(
          store.update(["app1", "b"], () =>
            testDevice("app1", "b", { devEui: "0102030405060708" }),
          ),
          errIndexValueTaken,
          { index: "euis", key: "app1/b" },
        );
        assert.equal(hex((await store.get(["app1", "b"])).ids?.devEui), "0102030405060709");
        // Non-unique index values and absent values never clash.
        await store.create(testDevice("app1", "c", { devAddr: "01020304" }));
        await store.create(testDevice("app1", "d", { devAddr: "01020304" }));
        await store.create(testDevice("app1", "e"));
      }));

    it("updates with a function of the current message, creating and deleting", () =>
      withStore(async (store) => {
        const created = await store.update(["app1", "dev1"], (current, key) => {
          assert.equal(current, undefined);
          assert.deepEqual(key, ["app1", "dev1"]);
          return testDevice("app1", "dev1", { devAddr: "26011bda" });
        });
        assert.equal(created?.ids?.deviceId, "dev1");
        const moved = await store.update(["app1", "dev1"], (current) => {
          assert.ok(current?.session);
          current.session.devAddr = bytes("26000002");
          current.session.lastFCntUp += 1;
          return current;
        });
        assert.equal(moved?.session?.lastFCntUp, 1);
        assert.deepEqual(await store.find("dev_addr", "26011BDA"), [], "the index column follows");
        assert.deepEqual(ids(await store.find("dev_addr", "26000002")), ["app1/dev1"]);

        await assert.rejects(
          store.update(["app1", "dev1"], (current) => {
            if (current) current.name = "half-done";
            throw new Error("changed my mind");
          }),
          /changed my mind/,
        );
        await rejectsWith(
          store.update(["app1", "dev1"], () => testDevice("app1", "other")),
          errKeyChanged,
          { key: "app1/dev1", new_key: "app1/other" },
        );
        assert.deepEqual(
          await store.get(["app1", "dev1"]),
          moved,
          "a failed update writes nothing",
        );

        assert.equal(await store.update(["app1", "dev1"], () => null), undefined);
        await rejectsWith(store.get(["app1", "dev1"]), errNotFound);
        assert.equal(
          await store.update(["app1", "dev1"], () => null),
          undefined,
          "nothing to delete",
        );
        await rejectsWith(
          store.update(["app1"], () => null),
          errInvalidKey,
        );
      }));

    it("keeps both of two concurrent updates of different fields, round after round", () =>
      withStore(async (store) => {
        const key = ["app1", "dev1"];
        await store.create(testDevice("app1", "dev1", { devAddr: "26011bda" }));
        for (let round = 0; round < ROUNDS; round++) {
          const patch = create(DeviceSchema, {
            name: `n${round}`,
            session: { lastFCntUp: round },
          });
          await Promise.all([
            store.update(key, (current) =>
              current ? mergeFieldMask(DeviceSchema, current, patch, ["name"]) : null,
            ),
            store.update(key, (current) =>
              current
                ? mergeFieldMask(DeviceSchema, current, patch, ["session.last_f_cnt_up"])
                : null,
            ),
          ]);
          const stored = await store.get(key);
          assert.equal(stored.name, `n${round}`, `round ${round}: name lost`);
          assert.equal(stored.session?.lastFCntUp, round, `round ${round}: frame counter lost`);
        }
      }));

    it("counts every one of many concurrent updates, also of a record that does not exist yet", () =>
      withStore(async (store) => {
        const increment = (current: Device | undefined, key: readonly string[]) => {
          const device =
            current ?? testDevice(key[0] as string, key[1] as string, { devAddr: "01020304" });
          if (device.session) device.session.lastFCntUp += 1;
          return device;
        };
        // Every connection of a pool open first, so that the updates really run side by side.
        await Promise.all(Array.from({ length: 20 }, () => store.list([])));
        await Promise.all(
          Array.from({ length: 20 }, () =>
            Promise.all([
              store.update(["app1", "new"], increment),
              store.updateMany(
                [
                  ["app1", "x"],
                  ["app1", "y"],
                ],
                increment,
              ),
            ]),
          ),
        );
        // The first update created the record with 1; each other one added 1.
        for (const id of ["new", "x", "y"])
          assert.equal((await store.get(["app1", id])).session?.lastFCntUp, 20, id);
      }));

    it("updates many records in one transaction, all or nothing", () =>
      withStore(async (store) => {
        await store.create(testDevice("app1", "a", { fCnt: 1, devAddr: "01000000" }));
        await store.create(testDevice("app1", "b", { fCnt: 1, devAddr: "01000000" }));
        await store.create(testDevice("app1", "c", { fCnt: 1, devAddr: "01000000" }));
        const seen: string[] = [];
        const results = await store.updateMany(
          [
            ["app1", "c"],
            ["app1", "a"],
            ["app1", "new"],
            ["app1", "a"],
            ["app1", "b"],
          ],
          (current, key) => {
            seen.push(`${key[1]}:${current?.session?.lastFCntUp ?? "-"}`);
            if (key[1] === "b") return null;
            const device = current ?? testDevice("app1", key[1] as string, { devAddr: "01000000" });
            if (device.session) device.session.lastFCntUp += 10;
            return device;
          },
        );
        assert.deepEqual(
          seen,
          ["c:1", "a:1", "new:-", "a:11", "b:1"],
          "a repeated key sees the last result",
        );
        assert.deepEqual(
          results.map((device) => device?.session?.lastFCntUp),
          [11, 21, 10, 21, undefined],
        );
        assert.deepEqual(ids(await store.find("dev_addr", "01000000")), [
          "app1/a",
          "app1/c",
          "app1/new",
        ]);
        assert.equal((await store.get(["app1", "a"])).session?.lastFCntUp, 21);

        const before = await store.list([]);
        await assert.rejects(
          store.updateMany(
            [
              ["app1", "a"],
              ["app1", "c"],
            ],
            (current, key) => {
              if (key[1] === "c") throw new Error("abort");
              return current ?? null;
            },
          ),
          /abort/,
        );
        await rejectsWith(
          store.updateMany(
            [
              ["app1", "a"],
              ["app1", "c"],
              ["app1", "d"],
            ],
            (_current, key) =>
              testDevice("app1", key[1] as string, {
                devEui: key[1] === "a" ? "0000000000000001" : "0000000000000002",
              }),
          ),
          errIndexValueTaken,
          { index: "euis" },
        );
        assert.deepEqual(await store.list([]), before, "nothing of a failed batch is written");
        assert.deepEqual(await store.updateMany([], () => null), []);
      }));

    it("deletes records", () =>
      withStore(async (store) => {
        await store.create(testDevice("app1", "a", { devEui: "0102030405060708" }));
        await store.delete(["app1", "a"]);
        await rejectsWith(store.get(["app1", "a"]), errNotFound);
        await rejectsWith(store.delete(["app1", "a"]), errNotFound, { key: "app1/a" });
        await store.create(testDevice("app2", "a", { devEui: "0102030405060708" }));
      }));

    it("lists by key prefix a page at a time, and scans in batches", () =>
      withStore(async (store) => {
        for (const [app, device] of [
          ["app2", "a"],
          ["app1", "c"],
          ["app1", "a"],
          ["app1", "b"],
          ["app10", "a"],
        ] as const)
          await store.create(testDevice(app, device, { name: `${app}-${device}` }));
        const all = await store.list([]);
        assert.equal(all.total, 5);
        assert.deepEqual(ids(all.items), ["app1/a", "app1/b", "app1/c", "app10/a", "app2/a"]);
        const page = await store.list(["app1"], { limit: 2, page: 2, fieldMask: ["name"] });
        assert.equal(page.total, 3);
        assert.deepEqual(page.items, [create(DeviceSchema, { name: "app1-c" })]);
        assert.deepEqual(ids((await store.list(["app1", "b"])).items), ["app1/b"]);
        assert.deepEqual(await store.list(["app3"]), { items: [], total: 0 });
        await rejectsWith(store.list(["app1", "a", "x"]), errInvalidKey);

        const scanned: Device[] = [];
        for await (const device of store.scan([], { batchSize: 2 })) scanned.push(device);
        assert.deepEqual(ids(scanned), ids(all.items));
        const inApp1: Device[] = [];
        for await (const device of store.scan(["app1"], { batchSize: 1, fieldMask: ["ids"] }))
          inApp1.push(device);
        assert.deepEqual(ids(inApp1), ["app1/a", "app1/b", "app1/c"]);
        assert.equal(inApp1[0]?.name, "");
      }));

    it("scans records as stored: key, chosen index columns and message bytes, in batches", () =>
      withStore(async (store) => {
        const devices = [
          testDevice("app2", "a", { devAddr: "26011bda", devEui: "0102030405060708" }),
          testDevice("app1", "c", { name: "a name long enough to be cut by a prefix" }),
          testDevice("app1", "a", { devAddr: "26000001", fCnt: 3 }),
          testDevice("app10", "a", { devEui: "0102030405060709" }),
          testDevice("app1", "b", { devAddr: "26000002" }),
        ];
        for (const device of devices) await store.create(device);
        const rows: StoredRow<"dev_addr" | "euis">[] = [];
        for await (const row of store.scanRows([], { columns: ["dev_addr", "euis"], batchSize: 2 }))
          rows.push(row);
        assert.deepEqual(
          rows.map((row) => [row.key.join("/"), row.columns.dev_addr, row.columns.euis]),
          [
            ["app1/a", "26000001", undefined],
            ["app1/b", "26000002", undefined],
            ["app1/c", undefined, undefined],
            ["app10/a", undefined, "70B3D57ED0000000:0102030405060709"],
            ["app2/a", "26011BDA", "70B3D57ED0000000:0102030405060708"],
          ],
        );
        for (const row of rows) {
          assert.equal(Object.getPrototypeOf(row.message), Uint8Array.prototype);
          assert.deepEqual(fromBinary(DeviceSchema, row.message), await store.get(row.key));
        }

        // A scope, no index columns, and a prefix of each message (longer than some messages).
        const prefixed = [];
        for await (const row of store.scanRows(["app1"], { batchSize: 1, messagePrefix: 12 }))
          prefixed.push(row);
        assert.deepEqual(
          prefixed.map((row) => [row.key.join("/"), row.columns]),
          [
            ["app1/a", {}],
            ["app1/b", {}],
            ["app1/c", {}],
          ],
        );
        prefixed.forEach((row, i) => {
          const whole = rows[i]?.message as Uint8Array;
          assert.deepEqual(row.message, whole.subarray(0, 12));
        });
        for await (const row of store.scanRows(["app1", "a"], { messagePrefix: 100_000 }))
          assert.deepEqual(row.message, rows[0]?.message);
        for await (const row of store.scanRows(["app1", "b"], { messagePrefix: 0 }))
          assert.equal(row.message.length, 0);

        // Batches continue after the last key read: a record added behind the walk is seen.
        const walked: string[] = [];
        for await (const row of store.scanRows([], { batchSize: 2 })) {
          walked.push(row.key.join("/"));
          if (walked.length === 1) await store.create(testDevice("app1", "d"));
        }
        assert.deepEqual(walked, ["app1/a", "app1/b", "app1/c", "app1/d", "app10/a", "app2/a"]);

        const first = (iterator: AsyncGenerator<unknown>) => iterator.next();
        await rejectsWith(first(store.scanRows([], { columns: ["name"] })), errUnknownIndex, {
          index: "name",
        });
        await rejectsWith(first(store.scanRows(["app1", "a", "x"])), errInvalidKey);
      }));

    it("writes in a transaction together with other work, or not at all", () =>
      withStore(async (store) => {
        await assert.rejects(
          store.transact(async (trx) => {
            await trx.create(testDevice("app1", "a"));
            await trx.update(["app1", "b"], () => testDevice("app1", "b"));
            await trx.transact((nested) => nested.create(testDevice("app1", "c")));
            throw new Error("abort");
          }),
          /abort/,
        );
        assert.equal((await store.list([])).total, 0);
        await store.transact(async (trx) => {
          await trx.create(testDevice("app1", "a"));
          await trx.updateMany([["app1", "b"]], () => testDevice("app1", "b"));
        });
        assert.equal((await store.list([])).total, 2);
      }));
  });
}
