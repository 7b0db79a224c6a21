import type { DescMessage } from "@bufbuild/protobuf";
import { SetApplicationLinkRequestSchema } from "../../gen/ttn/lorawan/v3/applicationserver_pb.js";
import { EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { type MessageTableSpec, messageTableMigration } from "../message-store/spec.ts";
import type { Migration } from "./migration.ts";

/**
 * A message table's layout as this migration creates it: the registry's own specs
 * (src/application-server/registry/tables.ts) have the same tables and key columns — their
 * tests run on the migrated schema — but are not imported, so that this migration never changes.
 */
function layout<Desc extends DescMessage>(
  table: string,
  schema: Desc,
  keyColumns: readonly string[],
): MessageTableSpec<Desc> {
  return { table, schema, keyColumns, key: () => [], indexes: [] };
}

/**
 * The Application Server's tables: `as_end_devices` (its part of each end device, keyed by
 * application and device ID; AppSKeys wrapped with a KEK inside the message bytes) and
 * `as_links` (each application's link, keyed by application ID).
 */
export const migration0012ApplicationServer: Migration = {
  name: "0012-application-server",
  async up(db, engine) {
    await messageTableMigration(
      layout("as_end_devices", EndDeviceSchema, ["application_id", "device_id"]),
    )(db, engine);
    await messageTableMigration(
      layout("as_links", SetApplicationLinkRequestSchema, ["application_id"]),
    )(db, engine);
  },
};
