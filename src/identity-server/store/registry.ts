import { type RawBuilder, sql } from "kysely";
import type { DefinedError } from "../../errors/index.ts";
import { errAlreadyExists, translateDatabaseError } from "../../storage/errors.ts";
import { lockRows, type RowLock } from "../../storage/locking.ts";
import type { UntypedDatabase } from "../../storage/migrations/migration.ts";
import { changed, inTransaction, pageWindow, type StoreContext, timestamp } from "./database.ts";
import { errFieldNotUpdatable, errIdTaken, errNotDeleted, errNotFound } from "./errors.ts";
import { memberEntityIdsQuery } from "./memberships.ts";
import { contains, jsonText } from "./text-match.ts";
import type {
  EntityChange,
  EntityStore,
  GetOptions,
  ListOptions,
  MemberOf,
  Page,
  SearchFilter,
} from "./types.ts";

/** A domain field kept in its own column instead of the JSON `data`. */
export interface FieldColumn {
  field: string;
  column: string;
  /** EUIs are stored upper-case. */
  eui?: boolean;
  /** A timestamp column (RFC 3339 text), a `Date` in the entity. */
  date?: boolean;
}

/** What makes one registry table different from another. */
export interface RegistrySpec<K> {
  /** The entity kind in words, for errors: `user`, `end device`. */
  kind: string;
  table: string;
  /** Primary key columns, and the domain fields they hold, in the same order. */
  keyColumns: readonly string[];
  keyFields: readonly string[];
  keyValues(key: K): readonly string[];
  /** The key in words, for errors. */
  describe(key: K): string;
  /** Fields with their own column (besides the key). */
  columns: readonly FieldColumn[];
  /** JSON fields that hold dates. */
  dateFields: readonly string[];
  /** Fields that create and update never write (written by the store's own methods). */
  readOnlyFields?: readonly string[];
  /** Soft delete (deleted_at) or, when false, delete removes the row. */
  softDelete: boolean;
  /** Fields besides ID, name and description that a search's `query` matches (a gateway's EUI). */
  queryFields?: readonly string[];
  /** Runs in the create's transaction before the insert (the shared account namespace). */
  beforeCreate?(trx: UntypedDatabase, key: K, createdAt: string): Promise<void>;
  /** Runs in the purge's (or hard delete's) transaction after the row is removed. */
  removeDependents?(trx: UntypedDatabase, key: K): Promise<void>;
  /**
   * A typed error for a unique violation, by the clashing constraint (SQLite names columns,
   * PostgreSQL the constraint, whose name holds the columns); `undefined`: the key clashed.
   */
  clash?(constraint: string, key: K, fields: Record<string, unknown>): DefinedError | undefined;
}

type Row = Record<string, unknown>;
const timestampFields = new Set(["createdAt", "updatedAt", "deletedAt"]);

/** One Identity Server registry over a table of key columns, indexed columns and JSON data. */
export class Registry<K, F extends object, E> implements EntityStore<K, F, E> {
  readonly #context: StoreContext;
  readonly #spec: RegistrySpec<K>;
  readonly #columnByField: Map<string, FieldColumn>;

  constructor(context: StoreContext, spec: RegistrySpec<K>) {
    this.#context = context;
    this.#spec = spec;
    this.#columnByField = new Map(spec.columns.map((column) => [column.field, column]));
  }

  async create(key: K, fields: F): Promise<E> {
    const spec = this.#spec;
    const now = timestamp(this.#context.now());
    const values: Row = { ...this.#keyRow(key), data: "{}" };
    const data: Row = {};
    for (const [field, value] of Object.entries(fields as Row)) {
      if (
        spec.keyFields.includes(field) ||
        timestampFields.has(field) ||
        spec.readOnlyFields?.includes(field) ||
        value === undefined
      )
        continue;
      const column = this.#columnByField.get(field);
      if (column) values[column.column] = this.#columnValue(column, value);
      else data[field] = value;
    }
    Object.assign(values, {
      data: JSON.stringify(data),
      created_at: now,
      updated_at: now,
      deleted_at: null,
    });
    try {
      await inTransaction(this.#context.db, async (trx) => {
        await spec.beforeCreate?.(trx, key, now);
        await trx.insertInto(spec.table).values(values).execute();
      });
    } catch (error) {
      throw this.#translate(error, key, fields as Row);
    }
    return this.#toEntity(values);
  }

  async get(key: K, options: GetOptions<F> = {}): Promise<E> {
    const row = await this.#row(this.#context.db, key, options.includeDeleted ?? false);
    if (!row) throw this.#notFound(key);
    return this.#toEntity(row, options.fieldMask as readonly string[] | undefined);
  }

  list(options: ListOptions = {}): Promise<Page<E>> {
    return this.listWhere({}, options);
  }

  /** Lists within a scope of column values (the end devices of one application). */
  async listWhere(scope: Record<string, string>, options: ListOptions): Promise<Page<E>> {
    const spec = this.#spec;
    if (options.ids && options.ids.length === 0) return { items: [], total: 0 };
    const idColumn = this.#idColumn();
    let query = this.#context.db.selectFrom(spec.table);
    for (const [column, value] of Object.entries(scope)) query = query.where(column, "=", value);
    if (spec.softDelete && options.onlyDeleted) query = query.where("deleted_at", "is not", null);
    else if (spec.softDelete && !options.includeDeleted)
      query = query.where("deleted_at", "is", null);
    if (options.ids) query = query.where(idColumn, "in", [...options.ids]);
    if (options.updatedSince)
      query = query.where("updated_at", ">=", timestamp(options.updatedSince));
    if (options.collaboratorOf) {
      const { kind, account } = options.collaboratorOf;
      query = query.where(idColumn, "in", memberEntityIdsQuery(this.#context.db, kind, account));
    }
    if (options.excludeIds?.length)
      query = query.where(idColumn, "not in", [...options.excludeIds]);
    if (options.memberOf) query = query.where(idColumn, "in", this.#memberIds(options.memberOf));
    if (options.search) query = this.#searched(query, options.search);

    const counted = await query
      .select((eb) => eb.fn.countAll().as("count"))
      .executeTakeFirstOrThrow();
    const total = Number(counted.count);

    const direction = options.order?.descending ? "desc" : "asc";
    let rows = query.selectAll();
    switch (options.order?.field ?? "id") {
      case "name":
        // NULLs sort differently on the two engines; an absent name sorts as "".
        rows = rows.orderBy(sql`coalesce(name, '')`, direction);
        break;
      case "createdAt":
        rows = rows.orderBy("created_at", direction);
        break;
      case "updatedAt":
        rows = rows.orderBy("updated_at", direction);
        break;
    }
    for (const column of spec.keyColumns) rows = rows.orderBy(column, direction);
    const window = pageWindow(options);
    if (window.limit !== undefined) rows = rows.limit(window.limit).offset(window.offset);
    const items = (await rows.execute()).map((row: Row) => this.#toEntity(row));
    return { items, total };
  }

  #idColumn(): string {
    return this.#spec.keyColumns[this.#spec.keyColumns.length - 1] as string;
  }

  /**
   * The IDs of the entities the account is a member of with one of the rights: directly, and
   * for a user through organizations (see `MemberOf`). Rights are stored as a JSON array of
   * names, so a right is `"NAME"` in its text.
   */
  #memberIds(memberOf: MemberOf) {
    const db = this.#context.db;
    // The kind in words is also how memberships name it (`application`, `gateway`, ...).
    const kind = this.#spec.kind;
    const { account, anyOf } = memberOf;
    const holds = (column: string) =>
      sql<boolean>`(${sql.join(
        anyOf.map((right) => sql`${sql.ref(column)} like ${`%${JSON.stringify(right)}%`}`),
        sql` or `,
      )})`;
    if (anyOf.length === 0)
      return db.selectFrom("memberships").select("entity_id").where(sql<boolean>`1 = 0`);
    const direct = db
      .selectFrom("memberships")
      .select("entity_id")
      .where("entity_kind", "=", kind)
      .where("account_kind", "=", account.kind)
      .where("account_id", "=", account.id)
      .where(holds("rights"));
    if (account.kind !== "user" || kind === "organization") return direct;
    const throughOrganizations = db
      .selectFrom("memberships as member")
      .innerJoin("organizations", "organizations.organization_id", "member.entity_id")
      .innerJoin("memberships as grant", (join) =>
        join
          .onRef("grant.account_id", "=", "member.entity_id")
          .on("grant.account_kind", "=", "organization"),
      )
      .select("grant.entity_id")
      .where("member.account_kind", "=", "user")
      .where("member.account_id", "=", account.id)
      .where("member.entity_kind", "=", "organization")
      .where("organizations.deleted_at", "is", null)
      .where("grant.entity_kind", "=", kind)
      .where(holds("member.rights"))
      .where(holds("grant.rights"));
    return direct.union(throughOrganizations);
  }

  /** The conditions of a search (see `SearchFilter`). */
  // biome-ignore lint/suspicious/noExplicitAny: a select builder over any registry table
  #searched<Q extends { where: (...args: any[]) => Q }>(query: Q, search: SearchFilter): Q {
    let result = query;
    for (const [field, part] of Object.entries(search.contains ?? {}))
      if (part) result = result.where(contains(this.#context.engine, this.#fieldText(field), part));
    if (search.query) {
      const fields = search.queryFields ?? [
        this.#spec.keyFields.at(-1) as string,
        "name",
        "description",
        ...(this.#spec.queryFields ?? []),
      ];
      const part = search.query;
      result = result.where(
        sql<boolean>`(${sql.join(
          fields.map((field) => contains(this.#context.engine, this.#fieldText(field), part)),
          sql` or `,
        )})`,
      );
    }
    for (const [key, part] of Object.entries(search.attributesContain ?? {})) {
      const value = jsonText(this.#context.engine, ["attributes", key]);
      result = result
        .where(sql<boolean>`${value} is not null`)
        .where(contains(this.#context.engine, value, part));
    }
    for (const { field, values, absent } of search.oneOf ?? []) {
      if (values.length === 0) continue;
      const text = this.#fieldText(field);
      const value = absent === undefined ? text : sql`coalesce(${text}, ${absent})`;
      result = result.where(sql<boolean>`${value} in (${sql.join(values.map((v) => sql`${v}`))})`);
    }
    return result;
  }

  /** A domain field as SQL text: its key or own column, or its value in the JSON `data`. */
  #fieldText(field: string): RawBuilder<string | null> {
    const keyIndex = this.#spec.keyFields.indexOf(field);
    if (keyIndex >= 0) return sql`${sql.ref(this.#spec.keyColumns[keyIndex] as string)}`;
    const column = this.#columnByField.get(field);
    if (column) return sql`${sql.ref(column.column)}`;
    return jsonText(this.#context.engine, [field]);
  }

  update(key: K, change: EntityChange<F, E>): Promise<E>;
  update(key: K, patch: F, fieldMask: readonly (keyof F)[]): Promise<E>;
  async update(
    key: K,
    patchOrChange: F | EntityChange<F, E>,
    fieldMask?: readonly (keyof F)[],
  ): Promise<E> {
    if (typeof patchOrChange === "function") return this.#change(key, patchOrChange);
    const patch = patchOrChange as Row;
    const fields = (fieldMask ?? []) as readonly string[];
    // Checked before touching the database, so a bad mask fails the same way on every engine.
    for (const field of fields) this.#checkUpdatable(field);
    const changes = Object.fromEntries(fields.map((field) => [field, patch[field]]));
    return this.#change(key, () => changes as F);
  }

  /**
   * Reads the entity with its row locked (see `lockRows`), lets `change` compute the changes
   * from it, and writes them in the same transaction: two concurrent changes of one entity
   * take turns instead of one overwriting the other's fields.
   */
  async #change(key: K, change: EntityChange<F, E>): Promise<E> {
    const spec = this.#spec;
    // What the entity would be, so that a clash names every part of a composite unique key.
    let merged: Row = {};
    try {
      return await inTransaction(this.#context.db, async (trx) => {
        const row = await this.#row(trx, key, false, "update");
        if (!row) throw this.#notFound(key);
        const current = this.#toEntity(row);
        const changes = (await change(current)) as Row;
        merged = { ...(current as Row) };
        const data = JSON.parse(String(row.data)) as Row;
        const set: Row = {};
        for (const [field, value] of Object.entries(changes)) {
          this.#checkUpdatable(field);
          merged[field] = value;
          const column = this.#columnByField.get(field);
          if (column)
            set[column.column] = value === undefined ? null : this.#columnValue(column, value);
          else if (value === undefined) delete data[field];
          else data[field] = value;
        }
        set.data = JSON.stringify(data);
        set.updated_at = timestamp(this.#context.now());
        await this.#whereKey(trx.updateTable(spec.table).set(set), key).execute();
        return this.#toEntity({ ...row, ...set });
      });
    } catch (error) {
      throw this.#translate(error, key, merged);
    }
  }

  #checkUpdatable(field: string): void {
    const spec = this.#spec;
    if (
      spec.keyFields.includes(field) ||
      timestampFields.has(field) ||
      spec.readOnlyFields?.includes(field)
    )
      throw errFieldNotUpdatable.create({ field, kind: this.#spec.kind });
  }

  async delete(key: K): Promise<void> {
    const spec = this.#spec;
    if (!spec.softDelete) return this.purge(key);
    const result = await this.#whereKey(
      this.#context.db
        .updateTable(spec.table)
        .set({ deleted_at: timestamp(this.#context.now()) })
        .where("deleted_at", "is", null),
      key,
    ).executeTakeFirst();
    if (changed(result) === 0) throw this.#notFound(key);
  }

  async restore(key: K): Promise<void> {
    const spec = this.#spec;
    const result = await this.#whereKey(
      this.#context.db
        .updateTable(spec.table)
        .set({ deleted_at: null })
        .where("deleted_at", "is not", null),
      key,
    ).executeTakeFirst();
    if (changed(result) > 0) return;
    if (await this.#row(this.#context.db, key, true))
      throw errNotDeleted.create({ kind: spec.kind, id: spec.describe(key) });
    throw this.#notFound(key);
  }

  async purge(key: K): Promise<void> {
    const spec = this.#spec;
    await inTransaction(this.#context.db, async (trx) => {
      const result = await this.#whereKey(trx.deleteFrom(spec.table), key).executeTakeFirst();
      if (changed(result) === 0) throw this.#notFound(key);
      await spec.removeDependents?.(trx, key);
    });
  }

  /** The row of `key`, soft-deleted or not as asked. */
  async #row(
    db: UntypedDatabase,
    key: K,
    includeDeleted: boolean,
    lock?: RowLock,
  ): Promise<Row | undefined> {
    let query = this.#whereKey(db.selectFrom(this.#spec.table).selectAll(), key);
    if (this.#spec.softDelete && !includeDeleted) query = query.where("deleted_at", "is", null);
    if (lock) query = lockRows(db, query, lock);
    return query.executeTakeFirst();
  }

  // biome-ignore lint/suspicious/noExplicitAny: select, update and delete builders alike
  #whereKey<Q extends { where: (...args: any[]) => Q }>(query: Q, key: K): Q {
    const values = this.#spec.keyValues(key);
    return this.#spec.keyColumns.reduce(
      (built, column, index) => built.where(column, "=", values[index]),
      query,
    );
  }

  #keyRow(key: K): Row {
    const values = this.#spec.keyValues(key);
    return Object.fromEntries(this.#spec.keyColumns.map((column, i) => [column, values[i]]));
  }

  #columnValue(column: FieldColumn, value: unknown): unknown {
    if (column.date && value instanceof Date) return timestamp(value);
    return column.eui && typeof value === "string" ? value.toUpperCase() : value;
  }

  #toEntity(row: Row, fieldMask?: readonly string[]): E {
    const spec = this.#spec;
    const wanted = fieldMask ? new Set(fieldMask) : undefined;
    const entity: Row = {};
    spec.keyColumns.forEach((column, index) => {
      entity[spec.keyFields[index] as string] = row[column];
    });
    for (const { field, column, date } of spec.columns) {
      if (row[column] !== null && row[column] !== undefined && (!wanted || wanted.has(field)))
        entity[field] = date ? new Date(String(row[column])) : row[column];
    }
    const data = JSON.parse(String(row.data)) as Row;
    for (const [field, value] of Object.entries(data)) {
      if (wanted && !wanted.has(field)) continue;
      entity[field] = spec.dateFields.includes(field) ? new Date(String(value)) : value;
    }
    entity.createdAt = new Date(String(row.created_at));
    entity.updatedAt = new Date(String(row.updated_at));
    if (row.deleted_at) entity.deletedAt = new Date(String(row.deleted_at));
    return entity as E;
  }

  #notFound(key: K): DefinedError {
    return errNotFound.create({ kind: this.#spec.kind, id: this.#spec.describe(key) });
  }

  #translate(error: unknown, key: K, fields: Row): unknown {
    const translated = translateDatabaseError(error);
    if (!errAlreadyExists.matches(translated)) return translated;
    const constraint = String(translated.attributes.constraint);
    return (
      this.#spec.clash?.(constraint, key, fields) ??
      errIdTaken.create({ kind: this.#spec.kind, id: this.#spec.describe(key) }, error)
    );
  }
}
