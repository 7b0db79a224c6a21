import { type ExpressionBuilder, sql } from "kysely";
import { errAlreadyExists, translateDatabaseError } from "../../storage/errors.ts";
import type { UntypedDatabase } from "../../storage/migrations/migration.ts";
import type { UserBookmarksTable } from "../../storage/schema.ts";
import { inTransaction, pageWindow, type StoreContext, timestamp } from "./database.ts";
import { entityExists, entityTables } from "./entity-tables.ts";
import { errNotFound } from "./errors.ts";
import type { Page, PageOptions } from "./types.ts";
import { errBookmarkExists } from "./user-data-errors.ts";

/** The kinds of entity a user can bookmark. */
export type BookmarkKind =
  | "application"
  | "client"
  | "end_device"
  | "gateway"
  | "organization"
  | "user";

/** A bookmarked entity: an end device is its application's ID and its own `deviceId`. */
export interface BookmarkEntityRef {
  kind: BookmarkKind;
  id: string;
  deviceId?: string;
}

export interface Bookmark {
  userId: string;
  entity: BookmarkEntityRef;
  createdAt: Date;
}

/** What a list orders by (ties broken by kind and ID). */
export type BookmarkOrderField = "userId" | "entityKind" | "entityId" | "createdAt";

export interface BookmarkListOptions extends PageOptions {
  /** Only these kinds; absent or empty: all. */
  kinds?: readonly BookmarkKind[];
  /** The bookmarks of soft-deleted entities instead of live ones. */
  deleted?: boolean;
  order?: { field: BookmarkOrderField; descending?: boolean };
}

export interface BookmarkStore {
  /**
   * Bookmarks an entity for a user. not_found when the user or the entity is missing or
   * deleted; `bookmark_exists` when it is bookmarked already.
   */
  create(userId: string, entity: BookmarkEntityRef): Promise<Bookmark>;
  /**
   * A user's bookmarks of entities that exist: live ones, or with `deleted` those of
   * soft-deleted entities (restorable). Bookmarks of purged entities are gone with them.
   */
  list(userId: string, options?: BookmarkListOptions): Promise<Page<Bookmark>>;
  /** not_found when the entity is not bookmarked. */
  delete(userId: string, entity: BookmarkEntityRef): Promise<void>;
  /** Deletes the bookmarks of these entities together; ones that do not exist are skipped. */
  deleteMany(userId: string, entities: readonly BookmarkEntityRef[]): Promise<number>;
}

const orderColumns: Record<BookmarkOrderField, string> = {
  userId: "b.user_id",
  entityKind: "b.entity_kind",
  entityId: "b.entity_id",
  createdAt: "b.created_at",
};

// biome-ignore lint/suspicious/noExplicitAny: tables whose names are data
type AnyBuilder = ExpressionBuilder<any, any>;

/** Whether the bookmarked entity of the row `b` exists, live or (with `deleted`) soft-deleted. */
function entityState(eb: AnyBuilder, kind: BookmarkKind, deleted: boolean) {
  const state = deleted ? "is not" : "is";
  if (kind === "end_device") {
    return eb.exists(
      eb
        .selectFrom("end_devices as e")
        .select(sql.lit(1).as("one"))
        .whereRef("e.application_id", "=", "b.entity_id")
        .whereRef("e.device_id", "=", "b.device_id")
        .where("e.deleted_at", state, null),
    );
  }
  const { table, column } = entityTables[kind];
  return eb.exists(
    eb
      .selectFrom(`${table} as e`)
      .select(sql.lit(1).as("one"))
      .whereRef(`e.${column}`, "=", "b.entity_id")
      .where("e.deleted_at", state, null),
  );
}

const allKinds: readonly BookmarkKind[] = [
  "application",
  "client",
  "end_device",
  "gateway",
  "organization",
  "user",
];

export function createBookmarkStore(context: StoreContext): BookmarkStore {
  const db = context.db;
  const matching = (eb: AnyBuilder, entity: BookmarkEntityRef) =>
    eb.and([
      eb("entity_kind", "=", entity.kind),
      eb("entity_id", "=", entity.id),
      eb("device_id", "=", entity.deviceId ?? ""),
    ]);

  return {
    async create(userId, entity) {
      const row: UserBookmarksTable = {
        user_id: userId,
        entity_kind: entity.kind,
        entity_id: entity.id,
        device_id: entity.kind === "end_device" ? (entity.deviceId ?? "") : "",
        created_at: timestamp(context.now()),
      };
      try {
        await inTransaction(db, async (trx) => {
          if (!(await entityExists(trx, "user", userId, "share")))
            throw errNotFound.create({ kind: "user", id: userId });
          if (!(await bookmarkedEntityExists(trx, entity)))
            throw errNotFound.create(describe(entity));
          await trx.insertInto("user_bookmarks").values(row).execute();
        });
      } catch (error) {
        const translated = translateDatabaseError(error);
        if (errAlreadyExists.matches(translated))
          throw errBookmarkExists.create(
            { entity_kind: words(entity.kind), entity_id: describe(entity).id },
            error,
          );
        throw translated;
      }
      return toBookmark(row);
    },

    async list(userId, options = {}) {
      const kinds = options.kinds && options.kinds.length > 0 ? options.kinds : allKinds;
      const base = db
        .selectFrom("user_bookmarks as b")
        .where("b.user_id", "=", userId)
        .where((eb) =>
          eb.or(
            kinds.map((kind) =>
              eb.and([
                eb("b.entity_kind", "=", kind),
                entityState(eb, kind, options.deleted === true),
              ]),
            ),
          ),
        );
      const counted = await base
        .select((eb) => eb.fn.countAll().as("count"))
        .executeTakeFirstOrThrow();
      const direction = options.order?.descending ? "desc" : "asc";
      let query = base
        .selectAll("b")
        .orderBy(orderColumns[options.order?.field ?? "createdAt"], direction)
        .orderBy("b.entity_kind", direction)
        .orderBy("b.entity_id", direction)
        .orderBy("b.device_id", direction);
      const window = pageWindow(options);
      if (window.limit !== undefined) query = query.limit(window.limit).offset(window.offset);
      const rows = (await query.execute()) as UserBookmarksTable[];
      return { items: rows.map(toBookmark), total: Number(counted.count) };
    },

    async delete(userId, entity) {
      const result = await db
        .deleteFrom("user_bookmarks")
        .where("user_id", "=", userId)
        .where((eb) => matching(eb, entity))
        .executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) {
        const { kind, id } = describe(entity);
        throw errNotFound.create({ kind: `bookmark of ${kind}`, id });
      }
    },

    async deleteMany(userId, entities) {
      if (entities.length === 0) return 0;
      const result = await db
        .deleteFrom("user_bookmarks")
        .where("user_id", "=", userId)
        .where((eb) => eb.or(entities.map((entity) => matching(eb, entity))))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

async function bookmarkedEntityExists(
  db: UntypedDatabase,
  entity: BookmarkEntityRef,
): Promise<boolean> {
  if (entity.kind !== "end_device") return entityExists(db, entity.kind, entity.id);
  const row = await db
    .selectFrom("end_devices")
    .select("device_id")
    .where("application_id", "=", entity.id)
    .where("device_id", "=", entity.deviceId ?? "")
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  return row !== undefined;
}

function words(kind: BookmarkKind): string {
  return kind === "end_device" ? "end device" : kind;
}

function describe(entity: BookmarkEntityRef): { kind: string; id: string } {
  return entity.kind === "end_device"
    ? { kind: "end device", id: `${entity.deviceId ?? ""} of application ${entity.id}` }
    : { kind: words(entity.kind), id: entity.id };
}

function toBookmark(row: UserBookmarksTable): Bookmark {
  const entity: BookmarkEntityRef = { kind: row.entity_kind as BookmarkKind, id: row.entity_id };
  if (row.entity_kind === "end_device") entity.deviceId = row.device_id;
  return { userId: row.user_id, entity, createdAt: new Date(row.created_at) };
}
