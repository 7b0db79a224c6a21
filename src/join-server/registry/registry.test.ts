import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { describeOnEachEngine } from "../../../test/harness/engines.ts";
import { type EndDevice, EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { KeyEnvelopeSchema, SessionKeysSchema } from "../../gen/ttn/lorawan/v3/keys_pb.js";
import { StaticKeyVault } from "../../key-vault/static-key-vault.ts";
import type { Database } from "../../storage/index.ts";
import { openDatabase } from "../../storage/index.ts";
import { errIndexValueTaken } from "../../storage/message-store/index.ts";
import { migrateToLatest } from "../../storage/migrate.ts";
import type { UntypedDatabase } from "../../storage/migrations/migration.ts";
import { errDeviceNotFound, errNoKek, errSessionKeysNotFound } from "../errors.ts";
import { createJoinServerRegistries, type JoinServerRegistries } from "./index.ts";

const hex = (text: string) => new Uint8Array(Buffer.from(text, "hex"));
const vault = new StaticKeyVault(
  new Map([
    ["old", hex("000102030405060708090a0b0c0d0e0f")],
    ["new", hex("101112131415161718191a1b1c1d1e1f")],
  ]),
  "old",
);

const JOIN_EUI = hex("70b3d57ed0000000");
const APP_KEY = hex("a1a2a3a4a5a6a7a8a9aaabacadaeaf00");
const NWK_KEY = hex("b1b2b3b4b5b6b7b8b9babbbcbdbebf00");
const APP_S_KEY = hex("c1c2c3c4c5c6c7c8c9cacbcccdcecf00");
const NWK_S_KEY = hex("d1d2d3d4d5d6d7d8d9dadbdcdddedf00");

function registries(database: Database, label = "", history = 10): JoinServerRegistries {
  return createJoinServerRegistries({
    database,
    keyVault: vault,
    config: {
      join_eui_prefixes: [],
      default_join_eui: "0000000000000000",
      device_kek_label: label,
      network_server_kek_label: "",
      application_server_kek_label: "",
      session_key_history: history,
    },
  });
}

function device(
  deviceId: string,
  devEui: string,
  fields: Omit<MessageInitShape<typeof EndDeviceSchema>, "$typeName"> = {},
): EndDevice {
  return create(EndDeviceSchema, {
    ids: {
      applicationIds: { applicationId: "app1" },
      deviceId,
      joinEui: JOIN_EUI,
      devEui: hex(devEui),
    },
    rootKeys: { rootKeyId: "rk", appKey: { key: APP_KEY }, nwkKey: { key: NWK_KEY } },
    ...fields,
  });
}

/** A session key ID issued at `ms`: 6 bytes of big-endian milliseconds, then 10 more. */
function sessionKeyId(ms: number, tail = 0): Uint8Array {
  const id = new Uint8Array(16);
  new DataView(id.buffer).setUint32(0, Math.floor(ms / 0x10000));
  new DataView(id.buffer).setUint16(4, ms % 0x10000);
  id[15] = tail;
  return id;
}

const sessionKeys = (id: Uint8Array) =>
  create(SessionKeysSchema, {
    sessionKeyId: id,
    fNwkSIntKey: { key: NWK_S_KEY },
    appSKey: { key: APP_S_KEY },
  });

const containsBytes = (haystack: Uint8Array, needle: Uint8Array) =>
  Buffer.from(haystack).includes(Buffer.from(needle));

async function rawMessages(database: Database, table: string): Promise<Uint8Array[]> {
  const rows = await (database.db as unknown as UntypedDatabase)
    .selectFrom(table)
    .select("message")
    .execute();
  return rows.map((row) => new Uint8Array(row.message as Uint8Array));
}

describeOnEachEngine("Join Server registries", (_engine, open) => {
  async function withDatabase(body: (database: Database) => Promise<void>): Promise<void> {
    const database = await open();
    try {
      await body(database);
    } finally {
      await database.close();
    }
  }

  it("stores the Join Server's part of a device and hands out plain root keys", () =>
    withDatabase(async (database) => {
      const { devices } = registries(database);
      const written = await devices.update(
        { applicationId: "app1", deviceId: "dev1" },
        (current) => {
          assert.equal(current, undefined);
          return device("dev1", "0000000000000001", {
            name: "not ours",
            netId: hex("000013"),
            lastJoinNonce: 7,
            usedDevNonces: [1, 2],
          });
        },
      );
      assert.equal(written?.name, "", "fields of other registries are not stored");
      assert.deepEqual(written?.rootKeys?.appKey?.key, APP_KEY);
      assert.ok(written?.createdAt && written.updatedAt);

      const read = await devices.get({ applicationId: "app1", deviceId: "dev1" });
      assert.deepEqual(read, written);
      assert.deepEqual(read?.rootKeys?.appKey, create(KeyEnvelopeSchema, { key: APP_KEY }));
      assert.deepEqual(await devices.getByEuis(JOIN_EUI, hex("0000000000000001")), written);
      assert.equal(await devices.getByEuis(JOIN_EUI, hex("0000000000000002")), undefined);
      assert.equal(await devices.get({ applicationId: "app1", deviceId: "dev2" }), undefined);

      await devices.update({ applicationId: "app1", deviceId: "dev2" }, () =>
        device("dev2", "0000000000000001", {
          ids: {
            applicationIds: { applicationId: "app1" },
            deviceId: "dev2",
            joinEui: hex("70b3d57ed0000001"),
            devEui: hex("0000000000000001"),
          },
        }),
      );
      const sameDevEui = await devices.findByDevEui(hex("0000000000000001"));
      assert.deepEqual(
        sameDevEui.map((found) => found.ids?.deviceId),
        ["dev1", "dev2"],
      );
      await assert.rejects(
        devices.update({ applicationId: "app1", deviceId: "dev3" }, () =>
          device("dev3", "0000000000000001"),
        ),
        (error) => errIndexValueTaken.matches(error),
      );

      const bumped = await devices.updateByEuis(JOIN_EUI, hex("0000000000000001"), (current) => {
        assert.ok(current);
        current.lastJoinNonce += 1;
        return current;
      });
      assert.equal(bumped.lastJoinNonce, 8);
      assert.deepEqual(bumped.createdAt, written?.createdAt, "created_at is kept");
      await assert.rejects(
        devices.updateByEuis(JOIN_EUI, hex("0000000000000009"), (current) => current ?? null),
        (error) => errDeviceNotFound.matches(error),
      );

      const deleted = await devices.deleteMany("app1", ["dev1", "nope", "dev1"]);
      assert.deepEqual(deleted, [{ applicationId: "app1", deviceId: "dev1" }]);
      assert.equal(await devices.get({ applicationId: "app1", deviceId: "dev1" }), undefined);
      assert.equal(
        await devices.update({ applicationId: "app1", deviceId: "dev2" }, () => null),
        undefined,
      );
      assert.deepEqual(await devices.findByDevEui(hex("0000000000000001")), []);
    }));

  it("keeps every one of many concurrent updates of one device", () =>
    withDatabase(async (database) => {
      const { devices } = registries(database);
      await devices.update({ applicationId: "app1", deviceId: "dev1" }, () =>
        device("dev1", "0000000000000001"),
      );
      await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          i % 2 === 0
            ? devices.updateByEuis(JOIN_EUI, hex("0000000000000001"), (current) => {
                if (current) current.lastJoinNonce += 1;
                return current ?? null;
              })
            : devices.update({ applicationId: "app1", deviceId: "dev1" }, (current) => {
                if (current) current.usedDevNonces.push(i);
                return current ?? null;
              }),
        ),
      );
      const stored = await devices.get({ applicationId: "app1", deviceId: "dev1" });
      assert.equal(stored?.lastJoinNonce, 13);
      assert.equal(stored?.usedDevNonces.length, 12);
      assert.deepEqual(stored?.rootKeys?.nwkKey?.key, NWK_KEY);
    }));

  it("keeps the latest sessions of a device, in plain to readers", () =>
    withDatabase(async (database) => {
      const { sessionKeys: sessions } = registries(database, "", 3);
      const devEui = hex("0000000000000001");
      const base = 1_765_000_000_000;
      // Put out of order: the history keeps the latest by issue time, not by arrival.
      for (const offset of [2, 0, 4, 1, 3]) {
        await sessions.put(JOIN_EUI, devEui, sessionKeys(sessionKeyId(base + offset * 1000)));
      }
      await sessions.put(JOIN_EUI, hex("0000000000000002"), sessionKeys(sessionKeyId(base)));
      for (const offset of [0, 1])
        await assert.rejects(
          sessions.get(JOIN_EUI, devEui, sessionKeyId(base + offset * 1000)),
          (error) => errSessionKeysNotFound.matches(error),
        );
      for (const offset of [2, 3, 4]) {
        const keys = await sessions.get(JOIN_EUI, devEui, sessionKeyId(base + offset * 1000));
        assert.deepEqual(keys.appSKey?.key, APP_S_KEY);
        assert.deepEqual(keys.fNwkSIntKey?.key, NWK_S_KEY);
        assert.equal(keys.fNwkSIntKey?.encryptedKey.length, 0);
        assert.equal(keys.sNwkSIntKey, undefined);
      }
      await sessions.deleteDevice(JOIN_EUI, devEui);
      await assert.rejects(sessions.get(JOIN_EUI, devEui, sessionKeyId(base + 4000)), (error) =>
        errSessionKeysNotFound.matches(error),
      );
      await sessions.get(JOIN_EUI, hex("0000000000000002"), sessionKeyId(base));
    }));

  it("stores no plain root or session key in a row", () =>
    withDatabase(async (database) => {
      const { devices, sessionKeys: sessions } = registries(database);
      await devices.update({ applicationId: "app1", deviceId: "dev1" }, () =>
        device("dev1", "0000000000000001"),
      );
      await sessions.put(JOIN_EUI, hex("0000000000000001"), sessionKeys(sessionKeyId(1)));
      const rows = [
        ...(await rawMessages(database, "js_end_devices")),
        ...(await rawMessages(database, "js_session_keys")),
      ];
      assert.equal(rows.length, 2);
      for (const row of rows)
        for (const key of [APP_KEY, NWK_KEY, APP_S_KEY, NWK_S_KEY])
          assert.ok(!containsBytes(row, key), "a plain key is in a row");
      const stored = (await rawMessages(database, "js_end_devices"))[0] as Uint8Array;
      assert.ok(containsBytes(stored, Buffer.from("old")), "wrapped with the vault's default");
    }));

  it("re-wraps every key after the at-rest KEK changes; old keys still read before", () =>
    withDatabase(async (database) => {
      const before = registries(database, "old");
      for (const [id, devEui] of [
        ["dev1", "0000000000000001"],
        ["dev2", "0000000000000002"],
      ] as const) {
        await before.devices.update({ applicationId: "app1", deviceId: id }, () =>
          device(id, devEui),
        );
        await before.sessionKeys.put(JOIN_EUI, hex(devEui), sessionKeys(sessionKeyId(5)));
      }
      // A device without keys is not re-wrapped.
      await before.devices.update({ applicationId: "app1", deviceId: "dev3" }, () =>
        device("dev3", "0000000000000003", { rootKeys: undefined }),
      );

      const after = registries(database, "new");
      assert.equal(after.atRestLabel, "new");
      const old = await after.devices.get({ applicationId: "app1", deviceId: "dev1" });
      assert.deepEqual(old?.rootKeys?.appKey?.key, APP_KEY, "read under the old label");
      assert.deepEqual(
        (await after.sessionKeys.get(JOIN_EUI, hex("0000000000000002"), sessionKeyId(5))).appSKey
          ?.key,
        APP_S_KEY,
      );

      assert.equal(
        await after.devices.rewrap({ signal: AbortSignal.abort() }),
        0,
        "an aborted re-wrap stops",
      );
      assert.equal(await after.devices.rewrap(), 4, "two devices and two sessions");
      assert.equal(await after.devices.rewrap(), 0, "nothing left under the old label");
      for (const table of ["js_end_devices", "js_session_keys"])
        for (const row of await rawMessages(database, table)) {
          assert.ok(!containsBytes(row, Buffer.from("old")), `${table}: old label left`);
          for (const key of [APP_KEY, NWK_KEY, APP_S_KEY, NWK_S_KEY])
            assert.ok(!containsBytes(row, key));
        }
      const moved = await after.devices.get({ applicationId: "app1", deviceId: "dev2" });
      assert.deepEqual(moved?.rootKeys?.nwkKey?.key, NWK_KEY);
      assert.deepEqual(
        (await after.sessionKeys.get(JOIN_EUI, hex("0000000000000001"), sessionKeyId(5))).appSKey
          ?.key,
        APP_S_KEY,
      );
      assert.throws(
        () => registries(database, "missing"),
        (error) => errNoKek.matches(error),
      );
    }));
});

it("leaves no plain key in the SQLite file or its write-ahead log", async () => {
  const folder = await mkdtemp(join(tmpdir(), "lorastack-js-file-"));
  try {
    const file = join(folder, "js.db");
    const database = await openDatabase({ engine: "sqlite", file });
    try {
      await migrateToLatest(database.db, database.engine);
      const { devices, sessionKeys: sessions } = registries(database);
      await devices.update({ applicationId: "app1", deviceId: "dev1" }, () =>
        device("dev1", "0000000000000001"),
      );
      await sessions.put(JOIN_EUI, hex("0000000000000001"), sessionKeys(sessionKeyId(1)));
      // The device is in the file: its DevEUI index value is readable, its keys are not.
      const bytes = Buffer.concat([
        await readFile(file),
        await readFile(`${file}-wal`).catch(() => Buffer.alloc(0)),
      ]);
      assert.ok(bytes.includes(Buffer.from("0000000000000001")), "the row is in the file");
      for (const key of [APP_KEY, NWK_KEY, APP_S_KEY, NWK_S_KEY])
        assert.ok(!bytes.includes(Buffer.from(key)), "a plain key is in the file");
    } finally {
      await database.close();
    }
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});
