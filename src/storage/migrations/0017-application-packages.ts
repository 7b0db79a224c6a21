import { create, toBinary } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  ApplicationPackageAssociationSchema,
  ApplicationPackageDefaultAssociationSchema,
} from "../../gen/ttn/lorawan/v3/applicationserver_packages_pb.js";
import { messageTableMigration } from "../message-store/spec.ts";
import type { Migration, UntypedDatabase } from "./migration.ts";

/**
 * The Application Server's application packages: `as_package_associations` (per application,
 * device and FPort) and `as_package_default_associations` (per application and FPort), one
 * message each; FPorts as three-digit text. The layout is written out here rather than imported
 * from the registry (src/application-server/packages/tables.ts), so that this migration never
 * changes.
 *
 * Until this migration the storage integration stored every application's messages; from now
 * on only those of applications and devices associated with `storage-integration`. So that an
 * upgraded install keeps storing, every application with stored messages gets a default
 * association with `storage-integration` on its default FPort (200).
 */
export const migration0017ApplicationPackages: Migration = {
  name: "0017-application-packages",
  async up(db, engine) {
    await messageTableMigration({
      table: "as_package_associations",
      schema: ApplicationPackageAssociationSchema,
      keyColumns: ["application_id", "device_id", "f_port"],
      key: () => [],
      indexes: [],
    })(db, engine);
    await messageTableMigration({
      table: "as_package_default_associations",
      schema: ApplicationPackageDefaultAssociationSchema,
      keyColumns: ["application_id", "f_port"],
      key: () => [],
      indexes: [],
    })(db, engine);
    await keepStoring(db, Date.now());
  },
};

const storagePackage = "storage-integration";
const storageFPort = 200;
// Rows per insert: well below the bound-parameter limits of both engines.
const chunk = 200;

/** A default association with the storage integration for every application with stored messages. */
async function keepStoring(db: UntypedDatabase, nowMs: number): Promise<void> {
  const applications: { application_id: string }[] = await db
    .selectFrom("as_stored_application_ups")
    .select("application_id")
    .distinct()
    .execute();
  const at = timestampFromMs(nowMs);
  const rows = applications.map(({ application_id }) => ({
    application_id,
    f_port: String(storageFPort),
    message: toBinary(
      ApplicationPackageDefaultAssociationSchema,
      create(ApplicationPackageDefaultAssociationSchema, {
        ids: { applicationIds: { applicationId: application_id }, fPort: storageFPort },
        createdAt: at,
        updatedAt: at,
        packageName: storagePackage,
      }),
    ),
  }));
  for (let from = 0; from < rows.length; from += chunk)
    await db
      .insertInto("as_package_default_associations")
      .values(rows.slice(from, from + chunk))
      .execute();
}
