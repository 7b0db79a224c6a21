import assert from "node:assert/strict";
import { it } from "node:test";
import { create, fromBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { describeOnEachEngine } from "../../../test/harness/engines.ts";
import { ApplicationLinkSchema } from "../../gen/ttn/lorawan/v3/applicationserver_pb.js";
import { type EndDevice, EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { KeyEnvelopeSchema } from "../../gen/ttn/lorawan/v3/keys_pb.js";
import { PayloadFormatter } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import { StaticKeyVault } from "../../key-vault/static-key-vault.ts";
import type { Database } from "../../storage/index.ts";
import type { UntypedDatabase } from "../../storage/migrations/migration.ts";
import { errNoKek } from "../errors.ts";
import { type ApplicationServerRegistries, createApplicationServerRegistries } from "./index.ts";

const hex = (text: string) => new Uint8Array(Buffer.from(text, "hex"));
const vault = new StaticKeyVault(
  new Map([
    ["old", hex("000102030405060708090a0b0c0d0e0f")],
    ["new", hex("101112131415161718191a1b1c1d1e1f")],
  ]),
  "old",
);
const APP_S_KEY = hex("c1c2c3c4c5c6c7c8c9cacbcccdcecf00");
const PENDING_APP_S_KEY = hex("e1e2e3e4e5e6e7e8e9eaebecedeeef00");
const NWK_S_KEY = hex("d1d2d3d4d5d6d7d8d9dadbdcdddedf00");
const DEV1 = { applicationId: "app1", deviceId: "dev1" };

function registries(database: Database, label = ""): ApplicationServerRegistries {
  return createApplicationServerRegistries({ database, keyVault: vault, deviceKekLabel: label });
}

function device(
  deviceId: string,
  fields: Omit<MessageInitShape<typeof EndDeviceSchema>, "$typeName"> = {},
): EndDevice {
  return create(EndDeviceSchema, {
    ids: { applicationIds: { applicationId: "app1" }, deviceId, devEui: hex("0000000000000001") },
    formatters: { upFormatter: PayloadFormatter.FORMATTER_JAVASCRIPT, upFormatterParameter: "x" },
    session: {
      devAddr: hex("26011234"),
      lastAFCntDown: 3,
      keys: {
        sessionKeyId: hex("0102"),
        appSKey: { key: APP_S_KEY },
        fNwkSIntKey: { key: NWK_S_KEY },
      },
    },
    pendingSession: {
      devAddr: hex("26015678"),
      keys: { sessionKeyId: hex("0304"), appSKey: { key: PENDING_APP_S_KEY } },
    },
    ...fields,
  });
}

const containsBytes = (haystack: Uint8Array, needle: Uint8Array) =>
  Buffer.from(haystack).includes(Buffer.from(needle));

async function rawMessages(database: Database, table: string): Promise<Uint8Array[]> {
  const rows = await (database.db as unknown as UntypedDatabase)
    .selectFrom(table)
    .select("message")
    .execute();
  return rows.map((row) => new Uint8Array(row.message as Uint8Array));
}

describeOnEachEngine("Application Server registries", (_engine, open) => {
  async function withDatabase(body: (database: Database) => Promise<void>): Promise<void> {
    const database = await open();
    try {
      await body(database);
    } finally {
      await database.close();
    }
  }

  it("stores the Application Server's part of a device and hands out plain AppSKeys", () =>
    withDatabase(async (database) => {
      const { devices } = registries(database);
      const written = await devices.update(DEV1, (current) => {
        assert.equal(current, undefined);
        return device("dev1", { name: "not ours", frequencyPlanId: "EU_863_870" });
      });
      assert.equal(written?.name, "", "fields of other registries are not stored");
      assert.equal(written?.frequencyPlanId, "");
      assert.equal(written?.session?.keys?.fNwkSIntKey, undefined, "network keys are not ours");
      assert.deepEqual(
        written?.session?.keys?.appSKey,
        create(KeyEnvelopeSchema, { key: APP_S_KEY }),
      );
      assert.deepEqual(written?.pendingSession?.keys?.appSKey?.key, PENDING_APP_S_KEY);
      assert.equal(written?.session?.lastAFCntDown, 3);
      assert.equal(written?.formatters?.upFormatterParameter, "x");
      assert.ok(written?.createdAt && written.updatedAt);

      const read = await devices.get(DEV1);
      assert.deepEqual(read, written);
      assert.equal(await devices.get({ applicationId: "app1", deviceId: "dev2" }), undefined);
      assert.equal(await devices.get({ applicationId: "app2", deviceId: "dev1" }), undefined);

      // A change sees the device in plain; the creation time stays.
      const changed = await devices.update(DEV1, (current) => {
        assert.deepEqual(current?.session?.keys?.appSKey?.key, APP_S_KEY);
        if (current) current.skipPayloadCryptoOverride = true;
        return current ?? null;
      });
      assert.equal(changed?.skipPayloadCryptoOverride, true);
      assert.deepEqual(changed?.createdAt, written?.createdAt);

      assert.equal(await devices.update(DEV1, () => null), undefined);
      assert.equal(await devices.get(DEV1), undefined);
    }));

  it("aborts a change that throws and writes nothing", () =>
    withDatabase(async (database) => {
      const { devices } = registries(database);
      await devices.update(DEV1, () => device("dev1"));
      await assert.rejects(
        devices.update(DEV1, (current) => {
          if (current?.session) current.session.lastAFCntDown = 99;
          throw new Error("refused");
        }),
        /refused/,
      );
      assert.equal((await devices.get(DEV1))?.session?.lastAFCntDown, 3);
    }));

  it("runs concurrent changes of one device one after the other", () =>
    withDatabase(async (database) => {
      const { devices } = registries(database);
      await devices.update(DEV1, () => device("dev1"));
      await Promise.all(
        Array.from({ length: 10 }, () =>
          devices.update(DEV1, (current) => {
            if (current?.session) current.session.lastAFCntDown++;
            return current ?? null;
          }),
        ),
      );
      const stored = await devices.get(DEV1);
      assert.equal(stored?.session?.lastAFCntDown, 13);
      assert.deepEqual(stored?.session?.keys?.appSKey?.key, APP_S_KEY);
    }));

  it("deletes devices of one application, skipping unknown ones", () =>
    withDatabase(async (database) => {
      const { devices } = registries(database);
      for (const id of ["dev1", "dev2", "dev3"]) {
        await devices.update({ applicationId: "app1", deviceId: id }, () => device(id));
      }
      const deleted = await devices.deleteMany("app1", ["dev2", "nope", "dev1", "dev2"]);
      assert.deepEqual(deleted, [
        { applicationId: "app1", deviceId: "dev2" },
        { applicationId: "app1", deviceId: "dev1" },
      ]);
      assert.equal(await devices.get(DEV1), undefined);
      assert.ok(await devices.get({ applicationId: "app1", deviceId: "dev3" }));
    }));

  it("stores no plain AppSKey in a row, and keeps the envelope of an unchanged key", () =>
    withDatabase(async (database) => {
      const { devices } = registries(database);
      await devices.update(DEV1, () => device("dev1"));
      const [before] = await rawMessages(database, "as_end_devices");
      assert.ok(before);
      for (const key of [APP_S_KEY, PENDING_APP_S_KEY, NWK_S_KEY])
        assert.ok(!containsBytes(before, key), "a plain key is in a row");
      assert.ok(containsBytes(before, Buffer.from("old")), "wrapped with the vault's default");
      await devices.update(DEV1, (current) => {
        if (current?.formatters) current.formatters.upFormatterParameter = "y";
        return current ?? null;
      });
      const [after] = await rawMessages(database, "as_end_devices");
      assert.ok(after);
      // The wrapped AppSKey (RFC 3394, 24 bytes) is the same bytes as before: not wrapped again.
      const envelope = fromBinary(EndDeviceSchema, before).session?.keys?.appSKey?.encryptedKey;
      assert.equal(envelope?.length, 24);
      assert.ok(containsBytes(after, envelope as Uint8Array));
    }));

  it("re-wraps every AppSKey after the at-rest KEK changes; old keys still read before", () =>
    withDatabase(async (database) => {
      const before = registries(database, "old");
      await before.devices.update(DEV1, () => device("dev1"));
      await before.devices.update({ applicationId: "app1", deviceId: "dev2" }, () =>
        device("dev2"),
      );
      // A device without sessions is not re-wrapped.
      await before.devices.update({ applicationId: "app1", deviceId: "dev3" }, () =>
        device("dev3", { session: undefined, pendingSession: undefined }),
      );
      const after = registries(database, "new");
      assert.equal(after.atRestLabel, "new");
      assert.deepEqual((await after.devices.get(DEV1))?.session?.keys?.appSKey?.key, APP_S_KEY);
      assert.equal(await after.devices.rewrap({ signal: AbortSignal.abort() }), 0);
      assert.equal(await after.devices.rewrap(), 2);
      assert.equal(await after.devices.rewrap(), 0, "nothing left under the old label");
      for (const row of await rawMessages(database, "as_end_devices")) {
        assert.ok(!containsBytes(row, Buffer.from("old")), "old label left");
        for (const key of [APP_S_KEY, PENDING_APP_S_KEY]) assert.ok(!containsBytes(row, key));
      }
      const moved = await after.devices.get({ applicationId: "app1", deviceId: "dev2" });
      assert.deepEqual(moved?.pendingSession?.keys?.appSKey?.key, PENDING_APP_S_KEY);
      assert.throws(
        () => registries(database, "missing"),
        (error) => errNoKek.matches(error),
      );
    }));

  it("stores, replaces and deletes application links", () =>
    withDatabase(async (database) => {
      const { links } = registries(database);
      assert.equal(await links.get("app1"), undefined);
      const link = create(ApplicationLinkSchema, {
        defaultFormatters: { upFormatter: PayloadFormatter.FORMATTER_CAYENNELPP },
        skipPayloadCrypto: true,
      });
      assert.deepEqual(await links.set("app1", link), link);
      assert.deepEqual(await links.get("app1"), link);
      assert.equal(await links.get("app2"), undefined);
      const empty = create(ApplicationLinkSchema);
      await links.set("app1", empty);
      assert.deepEqual(await links.get("app1"), empty, "the whole link is replaced");
      assert.equal(await links.delete("app1"), true);
      assert.equal(await links.delete("app1"), false);
      assert.equal(await links.get("app1"), undefined);
    }));
});
