import type { StoreContext } from "./database.ts";
import { errEndDeviceEuisTaken, errNotFound } from "./errors.ts";
import { Registry } from "./registry.ts";
import type {
  EndDevice,
  EndDeviceFields,
  EntityChange,
  EntityStore,
  GetOptions,
  ListOptions,
  Page,
} from "./types.ts";

/** An end device's key: its application and its device ID within it. */
export interface EndDeviceKey {
  applicationId: string;
  deviceId: string;
}

/**
 * The Identity Server's part of end devices. As in The Things Stack, end devices are not
 * soft-deleted: `delete` removes the device and its EUIs are free again at once.
 */
export interface EndDeviceStore {
  /** already_exists when the device ID is taken in the application or (joinEui, devEui) is. */
  create(key: EndDeviceKey, fields: EndDeviceFields): Promise<EndDevice>;
  get(
    key: EndDeviceKey,
    options?: Omit<GetOptions<EndDeviceFields>, "includeDeleted">,
  ): Promise<EndDevice>;
  /** The device registered with this JoinEUI and DevEUI; not_found when none. */
  getByEuis(
    joinEui: string,
    devEui: string,
    options?: Omit<GetOptions<EndDeviceFields>, "includeDeleted">,
  ): Promise<EndDevice>;
  /** The devices of one application; `ids` filters by device ID. */
  list(
    applicationId: string,
    options?: Omit<ListOptions, "includeDeleted">,
  ): Promise<Page<EndDevice>>;
  /** Changes the device atomically; see {@link EntityStore.update}. */
  update(key: EndDeviceKey, change: EntityChange<EndDeviceFields, EndDevice>): Promise<EndDevice>;
  update(
    key: EndDeviceKey,
    patch: EndDeviceFields,
    fieldMask: readonly (keyof EndDeviceFields)[],
  ): Promise<EndDevice>;
  /** Removes the device. */
  delete(key: EndDeviceKey): Promise<void>;
}

export function createEndDeviceStore(context: StoreContext): EndDeviceStore {
  const registry = new Registry<EndDeviceKey, EndDeviceFields, EndDevice>(context, {
    kind: "end device",
    table: "end_devices",
    keyColumns: ["application_id", "device_id"],
    keyFields: ["applicationId", "deviceId"],
    keyValues: (key) => [key.applicationId, key.deviceId],
    describe: (key) => `${key.deviceId} of application ${key.applicationId}`,
    columns: [
      { field: "name", column: "name" },
      { field: "description", column: "description" },
      { field: "joinEui", column: "join_eui", eui: true },
      { field: "devEui", column: "dev_eui", eui: true },
    ],
    dateFields: [],
    softDelete: false,
    clash: (constraint, _key, fields) =>
      constraint.includes("dev_eui")
        ? errEndDeviceEuisTaken.create({
            join_eui: String(fields.joinEui).toUpperCase(),
            dev_eui: String(fields.devEui).toUpperCase(),
          })
        : undefined,
  });
  return {
    create: (key, fields) => registry.create(key, fields),
    get: (key, options) => registry.get(key, { ...options, includeDeleted: false }),
    async getByEuis(joinEui, devEui, options) {
      const row = await context.db
        .selectFrom("end_devices")
        .select(["application_id", "device_id"])
        .where("join_eui", "=", joinEui.toUpperCase())
        .where("dev_eui", "=", devEui.toUpperCase())
        .executeTakeFirst();
      if (!row)
        throw errNotFound.create({
          kind: "end device",
          id: `with JoinEUI ${joinEui.toUpperCase()} and DevEUI ${devEui.toUpperCase()}`,
        });
      return registry.get({ applicationId: row.application_id, deviceId: row.device_id }, options);
    },
    list: (applicationId, options = {}) =>
      registry.listWhere({ application_id: applicationId }, options),
    update: registry.update.bind(registry) as EndDeviceStore["update"],
    delete: (key) => registry.purge(key),
  };
}
