import type { Kysely } from "kysely";
import type {
  ApplicationPackageAssociation,
  ApplicationPackageDefaultAssociation,
} from "../../gen/ttn/lorawan/v3/applicationserver_packages_pb.js";
import { errNotFound, MessageStore, type Page } from "../../storage/message-store/index.ts";
import { associationTable, defaultAssociationTable, fPortKey } from "./tables.ts";

/** An end device's association on an FPort. */
export interface AssociationKey {
  applicationId: string;
  deviceId: string;
  fPort: number;
}

/** An application's default association on an FPort. */
export interface DefaultAssociationKey {
  applicationId: string;
  fPort: number;
}

/** A page of a list: `limit` 0 is every record. */
export interface PageRequest {
  limit: number;
  page: number;
}

/**
 * Computes a record's new state from its stored one: the record to store, or `null` to delete
 * it. Throwing aborts the change and nothing is written.
 */
export type Change<M> = (current: M | undefined) => M | null | Promise<M | null>;

/** Where a package is turned on in one application. */
export interface PackageActivation {
  /** The application has a default association with the package (on any FPort). */
  application: boolean;
  /** The end devices with an association with the package (on any FPort). */
  devices: ReadonlySet<string>;
}

/**
 * The application packages' associations (per end device and FPort) and default associations
 * (per application and FPort). Every change is atomic and durable once it resolves.
 */
export interface PackageRegistry {
  getAssociation(key: AssociationKey): Promise<ApplicationPackageAssociation | undefined>;
  /** The end device's associations in FPort order. */
  listAssociations(
    device: { applicationId: string; deviceId: string },
    page: PageRequest,
  ): Promise<Page<ApplicationPackageAssociation>>;
  updateAssociation(
    key: AssociationKey,
    change: Change<ApplicationPackageAssociation>,
  ): Promise<ApplicationPackageAssociation | undefined>;
  getDefaultAssociation(
    key: DefaultAssociationKey,
  ): Promise<ApplicationPackageDefaultAssociation | undefined>;
  /** The application's default associations in FPort order. */
  listDefaultAssociations(
    applicationId: string,
    page: PageRequest,
  ): Promise<Page<ApplicationPackageDefaultAssociation>>;
  updateDefaultAssociation(
    key: DefaultAssociationKey,
    change: Change<ApplicationPackageDefaultAssociation>,
  ): Promise<ApplicationPackageDefaultAssociation | undefined>;
  /** Where `packageName` is turned on in the application (two reads). */
  activation(applicationId: string, packageName: string): Promise<PackageActivation>;
  /** Deletes the end device's associations; resolves to how many there were. */
  deleteDevice(applicationId: string, deviceId: string): Promise<number>;
  /** Deletes every association and default association of the application; resolves to how many. */
  deleteApplication(applicationId: string): Promise<number>;
}

async function orUndefined<M>(read: Promise<M>): Promise<M | undefined> {
  try {
    return await read;
  } catch (error) {
    if (errNotFound.matches(error)) return undefined;
    throw error;
  }
}

/**
 * {@link PackageRegistry} on the project's database (tables `as_package_associations` and
 * `as_package_default_associations`, SQLite or PostgreSQL).
 */
export class SqlPackageRegistry implements PackageRegistry {
  readonly #associations: MessageStore<typeof associationTable.schema>;
  readonly #defaults: MessageStore<typeof defaultAssociationTable.schema>;

  // biome-ignore lint/suspicious/noExplicitAny: a registry's table is not in the typed schema
  constructor(db: Kysely<any>) {
    this.#associations = new MessageStore(db, associationTable);
    this.#defaults = new MessageStore(db, defaultAssociationTable);
  }

  getAssociation(key: AssociationKey) {
    return orUndefined(this.#associations.get(associationKey(key)));
  }

  listAssociations(device: { applicationId: string; deviceId: string }, page: PageRequest) {
    return this.#associations.list([device.applicationId, device.deviceId], page);
  }

  updateAssociation(key: AssociationKey, change: Change<ApplicationPackageAssociation>) {
    return this.#associations.update(associationKey(key), (current) => change(current));
  }

  getDefaultAssociation(key: DefaultAssociationKey) {
    return orUndefined(this.#defaults.get(defaultKey(key)));
  }

  listDefaultAssociations(applicationId: string, page: PageRequest) {
    return this.#defaults.list([applicationId], page);
  }

  updateDefaultAssociation(
    key: DefaultAssociationKey,
    change: Change<ApplicationPackageDefaultAssociation>,
  ) {
    return this.#defaults.update(defaultKey(key), (current) => change(current));
  }

  async activation(applicationId: string, packageName: string): Promise<PackageActivation> {
    const [defaults, associations] = await Promise.all([
      this.#defaults.list([applicationId]),
      this.#associations.list([applicationId]),
    ]);
    return {
      application: defaults.items.some((item) => item.packageName === packageName),
      devices: new Set(
        associations.items
          .filter((item) => item.packageName === packageName)
          .map((item) => item.ids?.endDeviceIds?.deviceId ?? ""),
      ),
    };
  }

  async deleteDevice(applicationId: string, deviceId: string): Promise<number> {
    const result = await this.#associations.db
      .deleteFrom(associationTable.table)
      .where("application_id", "=", applicationId)
      .where("device_id", "=", deviceId)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async deleteApplication(applicationId: string): Promise<number> {
    let deleted = 0;
    for (const table of [associationTable.table, defaultAssociationTable.table]) {
      const result = await this.#associations.db
        .deleteFrom(table)
        .where("application_id", "=", applicationId)
        .executeTakeFirst();
      deleted += Number(result.numDeletedRows);
    }
    return deleted;
  }
}

function associationKey(key: AssociationKey): string[] {
  return [key.applicationId, key.deviceId, fPortKey(key.fPort)];
}

function defaultKey(key: DefaultAssociationKey): string[] {
  return [key.applicationId, fPortKey(key.fPort)];
}
