import assert from "node:assert/strict";
import { it } from "node:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { describeOnEachEngine } from "../../../test/harness/engines.ts";
import { ApplicationPackageDefaultAssociationSchema } from "../../gen/ttn/lorawan/v3/applicationserver_packages_pb.js";
import { ApplicationUpSchema } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import { migrateToLatest } from "../migrate.ts";
import { migrations } from "./index.ts";
import type { UntypedDatabase } from "./migration.ts";

describeOnEachEngine("migration 0017: application packages", (_engine, open) => {
  it("gives every application with stored messages a default association with storage-integration", async () => {
    // `open` migrates to the latest: 0017 (and what came after) is undone, and the older
    // program's rows written.
    const database = await open();
    const db = database.db as UntypedDatabase;
    try {
      for (const table of ["as_package_associations", "as_package_default_associations"])
        await db.schema.dropTable(table).execute();
      // The migrations after 0017 are undone too, so that 0017 applies in its place again.
      await db.schema.dropIndex("end_devices_application_id_last_seen_at_idx").execute();
      await db.schema.alterTable("end_devices").dropColumn("last_seen_at").execute();
      const undone = ["0017-application-packages", "0018-end-device-last-seen"];
      await db.deleteFrom("lorastack_migrations").where("name", "in", undone).execute();
      assert.deepEqual(
        migrations.slice(-undone.length).map((migration) => migration.name),
        undone,
        "every migration after 0017 is undone here",
      );
      const payload = toBinary(ApplicationUpSchema, create(ApplicationUpSchema));
      const row = (application_id: string, device_id: string) => ({
        application_id,
        device_id,
        type: "uplink_message",
        f_port: 1,
        received_at: "2026-12-01T10:00:00.000Z",
        payload,
      });
      await db
        .insertInto("as_stored_application_ups")
        .values([row("app1", "dev1"), row("app1", "dev2"), row("app2", "dev1")])
        .execute();

      await migrateToLatest(database.db, database.engine);
      const rows = (await db
        .selectFrom("as_package_default_associations")
        .selectAll()
        .orderBy("application_id")
        .execute()) as { application_id: string; f_port: string; message: Uint8Array }[];
      assert.deepEqual(
        rows.map((r) => {
          const message = fromBinary(
            ApplicationPackageDefaultAssociationSchema,
            new Uint8Array(r.message),
          );
          return [
            r.application_id,
            r.f_port,
            message.ids?.applicationIds?.applicationId,
            message.ids?.fPort,
            message.packageName,
            message.createdAt !== undefined,
          ];
        }),
        [
          ["app1", "200", "app1", 200, "storage-integration", true],
          ["app2", "200", "app2", 200, "storage-integration", true],
        ],
      );
    } finally {
      await database.close();
    }
  });
});
