import {
  ApplicationPackageAssociationSchema,
  ApplicationPackageDefaultAssociationSchema,
} from "../../gen/ttn/lorawan/v3/applicationserver_packages_pb.js";
import type { MessageTableSpec } from "../../storage/message-store/index.ts";

/**
 * An FPort as a key column: three digits, so that the text order of keys (how the message
 * store lists) is FPort order, as The Things Stack lists associations.
 */
export function fPortKey(fPort: number): string {
  return String(fPort).padStart(3, "0");
}

/** Associations (migration 0017): one message per application, device and FPort. */
export const associationTable: MessageTableSpec<typeof ApplicationPackageAssociationSchema> = {
  table: "as_package_associations",
  schema: ApplicationPackageAssociationSchema,
  keyColumns: ["application_id", "device_id", "f_port"],
  key: (association) => {
    const ids = association.ids;
    return [
      ids?.endDeviceIds?.applicationIds?.applicationId ?? "",
      ids?.endDeviceIds?.deviceId ?? "",
      fPortKey(ids?.fPort ?? 0),
    ];
  },
  indexes: [],
};

/** Default associations (migration 0017): one message per application and FPort. */
export const defaultAssociationTable: MessageTableSpec<
  typeof ApplicationPackageDefaultAssociationSchema
> = {
  table: "as_package_default_associations",
  schema: ApplicationPackageDefaultAssociationSchema,
  keyColumns: ["application_id", "f_port"],
  key: (association) => [
    association.ids?.applicationIds?.applicationId ?? "",
    fPortKey(association.ids?.fPort ?? 0),
  ],
  indexes: [],
};
