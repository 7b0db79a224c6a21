import { type Expression, type SqlBool, sql } from "kysely";
import { engineOf } from "../../storage/locking.ts";
import { pageWindow, type StoreContext, timestamp } from "./database.ts";
import { errEndDeviceEuisTaken, errLastSeenBatchTooLarge, errNotFound } from "./errors.ts";
import { Registry } from "./registry.ts";
import { contains, jsonText } from "./text-match.ts";
import type {
  EndDevice,
  EndDeviceFields,
  EntityChange,
  EntityStore,
  GetOptions,
  ListOptions,
  Page,
  PageOptions,
} from "./types.ts";

/** An end device's key: its application and its device ID within it. */
export interface EndDeviceKey {
  applicationId: string;
  deviceId: string;
}

/**
 * Conditions on the end devices of an application, all of which hold. Texts match as
 * case-insensitive substrings.
 */
export interface EndDeviceFilter {
  /** The device ID, name, description, DevEUI or JoinEUI contains it. */
  query?: string;
  idContains?: string;
  nameContains?: string;
  descriptionContains?: string;
  /** Attribute key → a substring of its value (the attribute must be set). */
  attributesContain?: Readonly<Record<string, string>>;
  /** Hexadecimal digits. */
  devEuiContains?: string;
  joinEuiContains?: string;
  /** Updated at or after this time. */
  updatedSince?: Date;
}

/** What end devices are ordered by; ties are broken by device ID. */
export type EndDeviceOrderField =
  | "id"
  | "name"
  | "description"
  | "devEui"
  | "joinEui"
  | "createdAt"
  | "updatedAt"
  | "lastSeenAt";

/** One device's last-seen time, for {@link EndDeviceStore.batchUpdateLastSeen}. */
export interface EndDeviceLastSeen extends EndDeviceKey {
  lastSeenAt: Date;
}

/** Devices in one {@link EndDeviceStore.batchUpdateLastSeen} call at most (one statement). */
export const maxLastSeenBatch = 1000;

export interface EndDeviceFindOptions extends PageOptions {
  order?: { field: EndDeviceOrderField; descending?: boolean };
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
  /** The devices of one application that match `filter`, filtered, ordered and paged in SQL. */
  find(
    applicationId: string,
    filter: EndDeviceFilter,
    options?: EndDeviceFindOptions,
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
  /**
   * Sets the devices' `lastSeenAt` in one statement, forward only: a device keeps a later time
   * it already has. Unknown devices are skipped; a device named twice gets its latest time;
   * `updatedAt` does not change. At most {@link maxLastSeenBatch} devices (invalid_argument).
   */
  batchUpdateLastSeen(updates: readonly EndDeviceLastSeen[]): Promise<void>;
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
      { field: "lastSeenAt", column: "last_seen_at", date: true },
    ],
    dateFields: [],
    readOnlyFields: ["lastSeenAt"],
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
    async find(applicationId, filter, options = {}) {
      const engine = engineOf(context.db);
      const conditions = filterConditions(engine, filter);
      const query = context.db
        .selectFrom("end_devices")
        .where("application_id", "=", applicationId)
        .where((eb) => eb.and(conditions));
      const direction = options.order?.descending ? "desc" : "asc";
      const window = pageWindow(options);
      const count = async () =>
        Number(
          (await query.select((eb) => eb.fn.countAll().as("count")).executeTakeFirstOrThrow())
            .count,
        );
      // A substring search scans the application's devices whatever the page: one pass then
      // yields the page and the number of matches (a window count). Without one, counting
      // apart is cheaper than a window over every device.
      const scans =
        [
          filter.query,
          filter.idContains,
          filter.nameContains,
          filter.descriptionContains,
          filter.devEuiContains,
          filter.joinEuiContains,
        ].some(Boolean) || Object.keys(filter.attributesContain ?? {}).length > 0;
      let keys = query.select(
        scans ? ["device_id", sql<string>`count(*) over ()`.as("total")] : ["device_id"],
      );
      // As in The Things Stack, devices never seen come last in either direction.
      if (options.order?.field === "lastSeenAt")
        keys = keys.orderBy(sql`case when last_seen_at is null then 1 else 0 end`);
      keys = keys
        .orderBy(orderExpression(options.order?.field ?? "id"), direction)
        .orderBy("device_id", direction);
      if (window.limit !== undefined) keys = keys.limit(window.limit).offset(window.offset);
      const rows: { device_id: string; total?: number | string }[] = await keys.execute();
      const ids = rows.map((row) => row.device_id);
      const total =
        scans && rows.length > 0
          ? Number(rows[0]?.total)
          : scans && window.offset === 0
            ? 0
            : await count();
      // The page's devices are read by key, through the registry that knows their shape.
      const found =
        ids.length === 0
          ? []
          : (await registry.listWhere({ application_id: applicationId }, { ids })).items;
      const byId = new Map(found.map((device) => [device.deviceId, device]));
      const items = ids.flatMap((id) => byId.get(id) ?? []);
      return { items, total };
    },
    update: registry.update.bind(registry) as EndDeviceStore["update"],
    delete: (key) => registry.purge(key),
    async batchUpdateLastSeen(updates) {
      if (updates.length > maxLastSeenBatch)
        throw errLastSeenBatchTooLarge.create({ count: updates.length, max: maxLastSeenBatch });
      // One row per device, its latest time; sorted by key so that concurrent batches (one per
      // Network Server) lock rows in the same order.
      const latest = new Map<string, EndDeviceLastSeen>();
      for (const update of updates) {
        const id = `${update.applicationId}\n${update.deviceId}`;
        const known = latest.get(id);
        if (!known || known.lastSeenAt < update.lastSeenAt) latest.set(id, update);
      }
      if (latest.size === 0) return;
      const rows = [...latest.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(
          ([, update]) =>
            sql`(${update.applicationId}, ${update.deviceId}, ${timestamp(update.lastSeenAt)})`,
        );
      await sql`with updates (application_id, device_id, last_seen_at) as (values ${sql.join(rows)})
        update end_devices set last_seen_at = updates.last_seen_at
        from updates
        where end_devices.application_id = updates.application_id
          and end_devices.device_id = updates.device_id
          and (end_devices.last_seen_at is null or end_devices.last_seen_at < updates.last_seen_at)`.execute(
        context.db,
      );
    },
  };
}

type Engine = ReturnType<typeof engineOf>;

function filterConditions(engine: Engine, filter: EndDeviceFilter): Expression<SqlBool>[] {
  const conditions: Expression<SqlBool>[] = [];
  const column = (name: string) => sql.ref(name);
  const description = column("description");
  if (filter.query) {
    const text = filter.query;
    const euiText = text.toUpperCase();
    conditions.push(
      sql<SqlBool>`(${sql.join(
        [
          contains(engine, column("device_id"), text),
          contains(engine, column("name"), text),
          contains(engine, description, text),
          contains(engine, column("dev_eui"), euiText),
          contains(engine, column("join_eui"), euiText),
        ],
        sql` or `,
      )})`,
    );
  }
  if (filter.idContains) conditions.push(contains(engine, column("device_id"), filter.idContains));
  if (filter.nameContains) conditions.push(contains(engine, column("name"), filter.nameContains));
  if (filter.descriptionContains)
    conditions.push(contains(engine, description, filter.descriptionContains));
  for (const [key, value] of Object.entries(filter.attributesContain ?? {}))
    conditions.push(contains(engine, jsonText(engine, ["attributes", key]), value));
  if (filter.devEuiContains)
    conditions.push(contains(engine, column("dev_eui"), filter.devEuiContains.toUpperCase()));
  if (filter.joinEuiContains)
    conditions.push(contains(engine, column("join_eui"), filter.joinEuiContains.toUpperCase()));
  if (filter.updatedSince)
    conditions.push(sql<SqlBool>`updated_at >= ${timestamp(filter.updatedSince)}`);
  return conditions;
}

/** The SQL a field orders by; an absent value sorts as "" on both engines. */
function orderExpression(field: EndDeviceOrderField) {
  const orders: Record<EndDeviceOrderField, Expression<unknown>> = {
    id: sql.ref("device_id"),
    name: sql`coalesce(name, '')`,
    description: sql`coalesce(description, '')`,
    devEui: sql`coalesce(dev_eui, '')`,
    joinEui: sql`coalesce(join_eui, '')`,
    createdAt: sql.ref("created_at"),
    updatedAt: sql.ref("updated_at"),
    lastSeenAt: sql.ref("last_seen_at"),
  };
  return orders[field];
}
