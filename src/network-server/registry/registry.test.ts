import assert from "node:assert/strict";
import { it } from "node:test";
import { create, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { describeOnEachEngine } from "../../../test/harness/engines.ts";
import {
  type EndDevice,
  EndDeviceSchema,
  MACStateSchema,
  SessionSchema,
} from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { KeyEnvelopeSchema, SessionKeysSchema } from "../../gen/ttn/lorawan/v3/keys_pb.js";
import type { KeyVault } from "../../key-vault/key-vault.ts";
import { StaticKeyVault } from "../../key-vault/static-key-vault.ts";
import type { Database } from "../../storage/index.ts";
import { errIndexValueTaken, MessageStore } from "../../storage/message-store/index.ts";
import type { UntypedDatabase } from "../../storage/migrations/migration.ts";
import { errNoKek } from "../errors.ts";
import {
  AtRestKeys,
  createNetworkServerRegistries,
  type NetworkServerRegistries,
  nsDeviceTable,
  SqlNsDeviceRegistry,
} from "./index.ts";

const hex = (text: string) => new Uint8Array(Buffer.from(text, "hex"));
const vault = new StaticKeyVault(
  new Map([
    ["old", hex("000102030405060708090a0b0c0d0e0f")],
    ["new", hex("101112131415161718191a1b1c1d1e1f")],
  ]),
  "old",
);

const JOIN_EUI = hex("70b3d57ed0000000");
const F_NWK = hex("a1a2a3a4a5a6a7a8a9aaabacadaeaf00");
const S_NWK = hex("b1b2b3b4b5b6b7b8b9babbbcbdbebf00");
const NWK_ENC = hex("c1c2c3c4c5c6c7c8c9cacbcccdcecf00");
const PENDING = hex("d1d2d3d4d5d6d7d8d9dadbdcdddedf00");
const APP_S_KEY = hex("e1e2e3e4e5e6e7e8e9eaebecedeeef00");
const JOIN_ACCEPT_KEY = hex("f1f2f3f4f5f6f7f8f9fafbfcfdfeff00");
const ALL_KEYS = [F_NWK, S_NWK, NWK_ENC, PENDING, APP_S_KEY, JOIN_ACCEPT_KEY];

const registries = (database: Database, label = ""): NetworkServerRegistries =>
  createNetworkServerRegistries({ database, keyVault: vault, config: { device_kek_label: label } });

const key = (deviceId: string) => ({ applicationId: "app1", deviceId });

function device(
  deviceId: string,
  devAddr: string,
  fields: Omit<MessageInitShape<typeof EndDeviceSchema>, "$typeName"> = {},
): EndDevice {
  return create(EndDeviceSchema, {
    ids: { applicationIds: { applicationId: "app1" }, deviceId },
    frequencyPlanId: "EU_863_870",
    name: "the Identity Server's",
    rootKeys: { appKey: { key: APP_S_KEY } },
    session: {
      devAddr: hex(devAddr),
      lastFCntUp: 7,
      keys: {
        sessionKeyId: hex("01"),
        fNwkSIntKey: { key: F_NWK },
        sNwkSIntKey: { key: S_NWK },
        nwkSEncKey: { key: NWK_ENC },
        appSKey: { key: APP_S_KEY },
      },
    },
    ...fields,
  });
}

const containsBytes = (haystack: Uint8Array, needle: Uint8Array) =>
  Buffer.from(haystack).includes(Buffer.from(needle));

async function rawMessages(database: Database): Promise<Uint8Array[]> {
  const rows = await (database.db as unknown as UntypedDatabase)
    .selectFrom("ns_end_devices")
    .select("message")
    .execute();
  return rows.map((row) => new Uint8Array(row.message as Uint8Array));
}

describeOnEachEngine("Network Server registry", (_engine, open) => {
  async function withDatabase(body: (database: Database) => Promise<void>): Promise<void> {
    const database = await open();
    try {
      await body(database);
    } finally {
      await database.close();
    }
  }

  it("stores the Network Server's fields, session keys in plain to readers", () =>
    withDatabase(async (database) => {
      const { devices } = registries(database);
      const written = await devices.update(key("dev1"), (current) => {
        assert.equal(current, undefined);
        return device("dev1", "26011234");
      });
      assert.equal(written?.frequencyPlanId, "EU_863_870");
      assert.equal(written?.name, "", "another registry's field is not kept");
      assert.equal(written?.rootKeys, undefined);
      assert.ok(written?.createdAt && written.updatedAt);
      const stored = await devices.get(key("dev1"));
      assert.deepEqual(stored?.session?.keys?.fNwkSIntKey?.key, F_NWK);
      assert.deepEqual(stored?.session?.keys?.sNwkSIntKey?.key, S_NWK);
      assert.deepEqual(stored?.session?.keys?.nwkSEncKey?.key, NWK_ENC);
      assert.equal(stored?.session?.keys?.fNwkSIntKey?.encryptedKey.length, 0);
      assert.equal(stored?.session?.keys?.appSKey, undefined, "the AppSKey is not kept");
      assert.equal(stored?.session?.lastFCntUp, 7);
      assert.equal(await devices.get(key("dev2")), undefined);
    }));

  it("finds devices by the DevAddr of their session or pending session", () =>
    withDatabase(async (database) => {
      const { devices } = registries(database);
      await devices.update(key("dev1"), () => device("dev1", "26011234"));
      await devices.update(key("dev2"), () => device("dev2", "26011234"));
      await devices.update(key("dev3"), () =>
        device("dev3", "26015678", {
          pendingSession: { devAddr: hex("26011234"), keys: { fNwkSIntKey: { key: PENDING } } },
        }),
      );
      await devices.update(key("dev4"), () =>
        device("dev4", "26019999", { pendingSession: { devAddr: hex("26019999") } }),
      );
      const found = await devices.rangeByDevAddr(hex("26011234"));
      assert.deepEqual(found.map((d) => d.ids?.deviceId).sort(), ["dev1", "dev2", "dev3"]);
      const dev3 = found.find((d) => d.ids?.deviceId === "dev3");
      assert.deepEqual(dev3?.pendingSession?.keys?.fNwkSIntKey?.key, PENDING);
      assert.deepEqual(dev3?.session?.keys?.fNwkSIntKey?.key, F_NWK);
      assert.deepEqual(
        (await devices.rangeByDevAddr(hex("26019999"))).map((d) => d.ids?.deviceId),
        ["dev4"],
        "found once through both indexes",
      );
      assert.deepEqual(await devices.rangeByDevAddr(hex("26010000")), []);
      // A new session moves the device to its new address.
      await devices.update(key("dev1"), (current) => {
        assert.ok(current?.session);
        current.session.devAddr = hex("26010000");
        return current;
      });
      assert.deepEqual(
        (await devices.rangeByDevAddr(hex("26010000"))).map((d) => d.ids?.deviceId),
        ["dev1"],
      );
      assert.equal((await devices.rangeByDevAddr(hex("26011234"))).length, 2);
    }));

  it("keeps one device per JoinEUI and DevEUI among devices that join", () =>
    withDatabase(async (database) => {
      const { devices } = registries(database);
      const otaa = (deviceId: string, supportsJoin = true) =>
        create(EndDeviceSchema, {
          ids: {
            applicationIds: { applicationId: "app1" },
            deviceId,
            joinEui: JOIN_EUI,
            devEui: hex("0004a30b001c0530"),
          },
          supportsJoin,
        });
      await devices.update(key("dev1"), () => otaa("dev1"));
      await assert.rejects(
        devices.update(key("dev2"), () => otaa("dev2")),
        (error) => errIndexValueTaken.matches(error),
      );
      // ABP devices are not looked up by EUIs: they may share them.
      await devices.update(key("dev3"), () => otaa("dev3", false));
      await devices.update(key("dev4"), () => otaa("dev4", false));
      assert.equal(await devices.get(key("dev2")), undefined);
      const found = await devices.getByEuis(JOIN_EUI, hex("0004a30b001c0530"));
      assert.equal(found?.ids?.deviceId, "dev1");
      assert.equal(await devices.getByEuis(JOIN_EUI, hex("0004a30b001c0531")), undefined);
    }));

  it("changes many devices in one transaction, a repeated device seeing the change before", () =>
    withDatabase(async (database) => {
      const { devices } = registries(database);
      await devices.update(key("dev1"), () => device("dev1", "26011234"));
      const bump = (by: number) => (current: EndDevice | undefined) => {
        assert.ok(current?.session);
        assert.deepEqual(current.session.keys?.fNwkSIntKey?.key, F_NWK);
        current.session.lastFCntUp += by;
        return current;
      };
      const results = await devices.updateMany([
        { key: key("dev1"), change: bump(1) },
        { key: key("dev2"), change: () => device("dev2", "26011235") },
        { key: key("dev1"), change: bump(10) },
        { key: key("dev3"), change: () => null },
      ]);
      assert.deepEqual(
        results.map((result) => result?.session?.lastFCntUp),
        [8, 7, 18, undefined],
      );
      assert.deepEqual(results[1]?.session?.keys?.nwkSEncKey?.key, NWK_ENC);
      for (const result of [results[0], results[2]])
        assert.deepEqual(result?.session?.keys?.fNwkSIntKey?.key, F_NWK, "results in plain");
      assert.equal((await devices.get(key("dev1")))?.session?.lastFCntUp, 18);
      assert.equal((await devices.get(key("dev2")))?.session?.lastFCntUp, 7);
      // One change that throws: nothing of the batch is written.
      await assert.rejects(
        devices.updateMany([
          { key: key("dev1"), change: bump(1) },
          {
            key: key("dev2"),
            change: () => {
              throw new Error("refused");
            },
          },
        ]),
        /refused/,
      );
      assert.equal((await devices.get(key("dev1")))?.session?.lastFCntUp, 18);
      assert.deepEqual(await devices.updateMany([]), []);
    }));

  it("changes atomically: every one of many concurrent updates is kept", () =>
    withDatabase(async (database) => {
      const { devices } = registries(database);
      await devices.update(key("dev1"), () => device("dev1", "26011234"));
      await Promise.all(
        Array.from({ length: 20 }, () =>
          devices.update(key("dev1"), (current) => {
            assert.ok(current?.session);
            current.session.lastFCntUp += 1;
            return current;
          }),
        ),
      );
      const stored = await devices.get(key("dev1"));
      assert.equal(stored?.session?.lastFCntUp, 27);
      assert.deepEqual(stored?.session?.keys?.nwkSEncKey?.key, NWK_ENC);
      // A throwing change writes nothing.
      await assert.rejects(
        devices.update(key("dev1"), (current) => {
          if (current?.session) current.session.lastFCntUp = 0;
          throw new Error("refused");
        }),
        /refused/,
      );
      assert.equal((await devices.get(key("dev1")))?.session?.lastFCntUp, 27);
    }));

  it("deletes devices", () =>
    withDatabase(async (database) => {
      const { devices } = registries(database);
      await devices.update(key("dev1"), () => device("dev1", "26011234"));
      await devices.update(key("dev2"), () => device("dev2", "26011235"));
      assert.deepEqual(await devices.deleteMany("app1", ["dev1", "nope", "dev1"]), [key("dev1")]);
      assert.equal(await devices.get(key("dev1")), undefined);
      assert.equal(await devices.update(key("dev2"), () => null), undefined);
      assert.equal(await devices.get(key("dev2")), undefined);
      assert.deepEqual(await devices.rangeByDevAddr(hex("26011234")), []);
    }));

  it("stores no plain session key in a row, queued join-accepts included", () =>
    withDatabase(async (database) => {
      const { devices } = registries(database);
      await devices.update(key("dev1"), () =>
        device("dev1", "26011234", {
          pendingSession: { devAddr: hex("26011235"), keys: { fNwkSIntKey: { key: PENDING } } },
          pendingMacState: {
            queuedJoinAccept: {
              payload: hex("20"),
              keys: { fNwkSIntKey: { key: JOIN_ACCEPT_KEY } },
            },
          },
        }),
      );
      const rows = await rawMessages(database);
      assert.equal(rows.length, 1);
      for (const row of rows)
        for (const plain of ALL_KEYS)
          assert.ok(!containsBytes(row, plain), "a plain key is in a row");
      assert.ok(
        containsBytes(rows[0] as Uint8Array, Buffer.from("old")),
        "wrapped with the default",
      );
      const stored = await devices.get(key("dev1"));
      assert.deepEqual(
        stored?.pendingMacState?.queuedJoinAccept?.keys?.fNwkSIntKey?.key,
        JOIN_ACCEPT_KEY,
      );
      // Unchanged keys keep their envelopes: an update of another field wraps nothing.
      let wraps = 0;
      const counting: KeyVault = {
        defaultLabel: vault.defaultLabel,
        labels: () => vault.labels(),
        encrypt: (plaintext, label) => vault.encrypt(plaintext, label),
        decrypt: (secret) => vault.decrypt(secret),
        reencrypt: (secret, label) => vault.reencrypt(secret, label),
        wrapKey: (plain, label) => {
          wraps++;
          return vault.wrapKey(plain, label);
        },
        unwrapKey: (envelope) => vault.unwrapKey(envelope),
      };
      const { devices: counted } = createNetworkServerRegistries({
        database,
        keyVault: counting,
        config: { device_kek_label: "" },
      });
      await counted.update(key("dev1"), (current) => {
        if (current) current.downlinkMargin = 3;
        return current ?? null;
      });
      assert.equal(wraps, 0);
      await counted.update(key("dev1"), (current) => {
        if (current?.session?.keys)
          current.session.keys.nwkSEncKey = create(KeyEnvelopeSchema, { key: PENDING });
        return current ?? null;
      });
      assert.equal(wraps, 1, "only the changed key is wrapped");
      assert.deepEqual((await counted.get(key("dev1")))?.session?.keys?.nwkSEncKey?.key, PENDING);
    }));

  it("unwraps a stored key once, and leaves the caller's device as it gave it", () =>
    withDatabase(async (database) => {
      const calls = { wraps: 0, unwraps: 0 };
      const counting: KeyVault = {
        defaultLabel: vault.defaultLabel,
        labels: () => vault.labels(),
        encrypt: (plaintext, label) => vault.encrypt(plaintext, label),
        decrypt: (secret) => vault.decrypt(secret),
        reencrypt: (secret, label) => vault.reencrypt(secret, label),
        wrapKey: (plain, label) => {
          calls.wraps++;
          return vault.wrapKey(plain, label);
        },
        unwrapKey: (envelope) => {
          calls.unwraps++;
          return vault.unwrapKey(envelope);
        },
      };
      const options = { database, keyVault: counting, config: { device_kek_label: "" } };
      const given = device("dev1", "26011234");
      const created = await createNetworkServerRegistries(options).devices.update(
        key("dev1"),
        () => given,
      );
      assert.notEqual(created, given, "the caller's device is copied");
      assert.deepEqual(given.session?.keys?.fNwkSIntKey?.key, F_NWK);
      assert.equal(given.session?.keys?.fNwkSIntKey?.encryptedKey.length, 0, "left in plain");
      assert.deepEqual(given.session?.keys?.appSKey?.key, APP_S_KEY);
      assert.equal(given.name, "the Identity Server's");
      assert.equal(created?.name, "", "another registry's field is not kept");
      assert.deepEqual(created?.session?.keys?.sNwkSIntKey?.key, S_NWK);
      assert.equal(calls.wraps, 3);

      // A new registry knows no unwrapped key: the first read unwraps, later ones do not.
      const { devices } = createNetworkServerRegistries(options);
      calls.unwraps = 0;
      const first = await devices.get(key("dev1"));
      assert.equal(calls.unwraps, 3, "three distinct keys");
      assert.deepEqual(first?.session?.keys?.nwkSEncKey?.key, NWK_ENC);
      // What a reader does to its keys does not reach the cache.
      first?.session?.keys?.nwkSEncKey?.key.fill(0);
      const updated = await devices.update(key("dev1"), (current) => {
        assert.deepEqual(current?.session?.keys?.nwkSEncKey?.key, NWK_ENC);
        if (current) current.name = "not the Network Server's";
        if (current?.session) current.session.lastFCntUp++;
        return current ?? null;
      });
      assert.equal(updated?.name, "");
      assert.equal(updated?.session?.lastFCntUp, 8);
      assert.deepEqual(updated?.session?.keys?.fNwkSIntKey?.key, F_NWK);
      assert.deepEqual((await devices.rangeByDevAddr(hex("26011234")))[0]?.session?.lastFCntUp, 8);
      assert.equal(calls.unwraps, 3, "no key unwrapped again");
      assert.equal(calls.wraps, 3, "no key wrapped again");
      for (const row of await rawMessages(database))
        for (const plain of ALL_KEYS) assert.ok(!containsBytes(row, plain));
    }));

  it("changes no message a change took from elsewhere, not even while writing", () =>
    withDatabase(async (database) => {
      const { devices } = registries(database);
      await devices.update(key("dev1"), () => device("dev1", "26011234"));
      await devices.update(key("dev2"), () => device("dev2", "26011235"));
      // One keys message in two places of the device, and the caller's own.
      const shared = create(SessionKeysSchema, {
        sessionKeyId: hex("02"),
        fNwkSIntKey: { key: PENDING },
        appSKey: { key: APP_S_KEY },
      });
      const untouched = () => {
        assert.deepEqual(shared.fNwkSIntKey?.key, PENDING);
        assert.equal(shared.fNwkSIntKey?.encryptedKey.length, 0);
        assert.deepEqual(shared.appSKey?.key, APP_S_KEY);
      };
      const [first, second] = await devices.updateMany([
        {
          key: key("dev1"),
          change: (current) => {
            if (!current) return null;
            current.pendingSession = create(SessionSchema, {
              devAddr: hex("26011236"),
              keys: shared,
            });
            current.pendingMacState = create(MACStateSchema, {
              queuedJoinAccept: { payload: hex("20"), keys: shared },
            });
            return current;
          },
        },
        {
          key: key("dev2"),
          change: (current) => {
            untouched();
            return current ?? null;
          },
        },
      ]);
      untouched();
      assert.ok(second);
      for (const keys of [
        first?.pendingSession?.keys,
        first?.pendingMacState?.queuedJoinAccept?.keys,
        (await devices.get(key("dev1")))?.pendingSession?.keys,
      ]) {
        assert.deepEqual(keys?.fNwkSIntKey?.key, PENDING);
        assert.equal(keys?.appSKey, undefined, "the AppSKey is not kept");
      }
      for (const row of await rawMessages(database))
        for (const plain of ALL_KEYS) assert.ok(!containsBytes(row, plain));
    }));

  it("re-wraps every key after the at-rest KEK changes; old keys still read before", () =>
    withDatabase(async (database) => {
      const before = registries(database, "old");
      await before.devices.update(key("dev1"), () => device("dev1", "26011234"));
      await before.devices.update(key("dev2"), () => device("dev2", "26011235"));
      await before.devices.update(key("dev3"), () =>
        create(EndDeviceSchema, {
          ids: { applicationIds: { applicationId: "app1" }, deviceId: "dev3" },
        }),
      );
      const after = registries(database, "new");
      assert.equal(after.atRestLabel, "new");
      assert.deepEqual(
        (await after.devices.get(key("dev1")))?.session?.keys?.fNwkSIntKey?.key,
        F_NWK,
      );
      assert.equal(await after.devices.rewrap({ signal: AbortSignal.abort() }), 0);
      assert.equal(await after.devices.rewrap(), 2, "the devices with keys");
      assert.equal(await after.devices.rewrap(), 0);
      for (const row of await rawMessages(database)) {
        assert.ok(!containsBytes(row, Buffer.from("old")), "old label left");
        for (const plain of ALL_KEYS) assert.ok(!containsBytes(row, plain));
      }
      assert.deepEqual(
        (await after.devices.get(key("dev2")))?.session?.keys?.sNwkSIntKey?.key,
        S_NWK,
      );
      assert.throws(
        () => registries(database, "missing"),
        (error) => errNoKek.matches(error),
      );
    }));

  it("scans every device's DevAddrs in batches without unwrapping a key", () =>
    withDatabase(async (database) => {
      const { devices } = registries(database);
      for (let i = 0; i < 7; i++)
        await devices.update(key(`dev${i}`), () => device(`dev${i}`, `2601000${i}`));
      await devices.update(key("pending"), () =>
        device("pending", "26010100", { pendingSession: { devAddr: hex("26010101") } }),
      );
      await devices.update(key("none"), () =>
        create(EndDeviceSchema, {
          ids: { applicationIds: { applicationId: "app1" }, deviceId: "none" },
        }),
      );
      let unwraps = 0;
      const counting: KeyVault = {
        defaultLabel: vault.defaultLabel,
        labels: () => vault.labels(),
        encrypt: (plaintext, label) => vault.encrypt(plaintext, label),
        decrypt: (secret) => vault.decrypt(secret),
        reencrypt: (secret, label) => vault.reencrypt(secret, label),
        wrapKey: (plain, label) => vault.wrapKey(plain, label),
        unwrapKey: (envelope) => {
          unwraps++;
          return vault.unwrapKey(envelope);
        },
      };
      const { devices: scanning } = createNetworkServerRegistries({
        database,
        keyVault: counting,
        config: { device_kek_label: "" },
      });
      const scanned = [];
      for await (const entry of scanning.scanAddresses({ batchSize: 2 })) scanned.push(entry);
      assert.equal(unwraps, 0);
      assert.deepEqual(
        scanned.map((entry) => entry.key.deviceId),
        ["dev0", "dev1", "dev2", "dev3", "dev4", "dev5", "dev6", "none", "pending"],
      );
      const pending = scanned.find((entry) => entry.key.deviceId === "pending");
      assert.deepEqual(pending?.devAddr, hex("26010100"));
      assert.deepEqual(pending?.pendingDevAddr, hex("26010101"));
      assert.ok((pending?.updatedAtMs ?? 0) > 0);
      const none = scanned.find((entry) => entry.key.deviceId === "none");
      assert.equal(none?.devAddr, undefined);
      assert.equal(none?.pendingDevAddr, undefined);
      // What a cached copy is compared with at a resync: the stored device's updated_at.
      for (const entry of scanned) {
        const stored = await devices.get(entry.key);
        assert.ok(stored?.updatedAt);
        assert.equal(entry.updatedAtMs, timestampMs(stored.updatedAt), entry.key.deviceId);
      }
    }));

  it("scans without decoding: a corrupt or unusual message gives an unknown updated_at, no error", () =>
    withDatabase(async (database) => {
      let now = 1_764_975_000_123;
      const devices = new SqlNsDeviceRegistry({
        store: new MessageStore(database.db, nsDeviceTable),
        keys: new AtRestKeys(vault, ""),
        now: () => now,
      });
      for (const id of ["a", "b", "c", "d"])
        await devices.update(key(id), () =>
          device(id, "26011bda", { macState: { recentUplinks: [{}, {}] } }),
        );
      // a: changed after its creation; its updated_at differs from its created_at.
      now += 60_000;
      await devices.update(key("a"), (current) => current ?? null);
      const db = database.db as unknown as UntypedDatabase;
      const setMessage = (deviceId: string, message: Uint8Array) =>
        db
          .updateTable("ns_end_devices")
          .set({ message: Buffer.from(message) })
          .where("device_id", "=", deviceId)
          .execute();
      const [stored] = await rawMessages(database);
      // b: garbage; c: cut short inside its first field; d: updated_at written after a large
      // field, beyond what the scan reads.
      await setMessage("b", new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x01]));
      await setMessage("c", (stored as Uint8Array).subarray(0, 5));
      const late = create(EndDeviceSchema, {
        ids: { applicationIds: { applicationId: "app1" }, deviceId: "d" },
        name: "x".repeat(1000),
      });
      const stamp = create(EndDeviceSchema, { updatedAt: { seconds: 1_764_975_000n } });
      await setMessage(
        "d",
        Buffer.concat([toBinary(EndDeviceSchema, late), toBinary(EndDeviceSchema, stamp)]),
      );
      const scanned = [];
      for await (const entry of devices.scanAddresses({ batchSize: 3 })) scanned.push(entry);
      assert.deepEqual(
        scanned.map((entry) => [entry.key.deviceId, entry.updatedAtMs > 0, entry.devAddr]),
        [
          ["a", true, hex("26011bda")],
          ["b", false, hex("26011bda")],
          ["c", false, hex("26011bda")],
          ["d", false, hex("26011bda")],
        ],
      );
      assert.equal(scanned[0]?.updatedAtMs, 1_764_975_060_123);
    }));
});
