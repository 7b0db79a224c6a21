import { type DescMessage, fromBinary, type MessageShape, toBinary } from "@bufbuild/protobuf";
import { type Kysely, type RawBuilder, sql } from "kysely";
import { errAlreadyExists, translateDatabaseError } from "../errors.ts";
import { lockRows } from "../locking.ts";
import type { UntypedDatabase } from "../migrations/migration.ts";
import { inTransaction } from "../transaction.ts";
import {
  errIndexValueTaken,
  errInvalidKey,
  errKeyChanged,
  errKeyTaken,
  errNotFound,
  errUnknownIndex,
} from "./errors.ts";
import { applyFieldMask, checkFieldMask } from "./field-mask.ts";
import {
  checkMessageTableSpec,
  indexName,
  type MessageIndex,
  type MessageKey,
  type MessageTableSpec,
  messageColumn,
} from "./spec.ts";

/** Options of a read: only the fields a field mask selects (see `applyFieldMask`). */
export interface ReadOptions {
  fieldMask?: readonly string[];
}

export interface ListOptions extends ReadOptions {
  /** At most this many records; 0 or absent: all. */
  limit?: number;
  /** 1-based page number; absent: 1. */
  page?: number;
}

export interface ScanOptions extends ReadOptions {
  /** Records read per query; default 500. */
  batchSize?: number;
}

/** Options of {@link MessageStore.scanRows}. */
export interface RowScanOptions<C extends string = string> {
  /** Index columns to read beside the key (see the spec's `indexes`). */
  columns?: readonly C[];
  /** Records read per query; default 500. */
  batchSize?: number;
  /**
   * Only the first this many bytes of each message: enough for fields written near its start
   * (protobuf-es writes fields by number), and far less to read for large messages. Absent (or
   * not finite): the whole message.
   */
  messagePrefix?: number;
}

/** A record as stored, not decoded: its key, chosen index values and encoded message. */
export interface StoredRow<C extends string = string> {
  key: MessageKey;
  /** The chosen index columns' values; `undefined` where the record has none. */
  columns: Record<C, string | undefined>;
  /** The encoded message (or its first `messagePrefix` bytes). */
  message: Uint8Array;
}

/** One page of a list, and how many records match in all pages. */
export interface Page<M> {
  items: M[];
  total: number;
}

/**
 * Computes a record's new state from its current message (`undefined`: no record): the message
 * to write, or `null` to delete the record (nothing, when there is none). The current message
 * is the caller's to change and return. Throwing aborts the update. Keep it short: the records
 * stay locked while it runs (on SQLite, the whole database).
 */
export type MessageChange<M> = (
  current: M | undefined,
  key: MessageKey,
) => M | null | Promise<M | null>;

type Row = Record<string, unknown>;

/** A record's state while an update runs: what was stored, and what will be written. */
interface Pending<M> {
  key: MessageKey;
  existed: boolean;
  next: M | null;
}

// Keys and rows per statement: well below the bound-parameter limits of both engines.
const CHUNK = 500;
// An update that finds no record and inserts one can lose the race to a concurrent insert of
// the same key; it is then run again and finds the record.
const INSERT_RACE_ATTEMPTS = 3;

/**
 * A registry of protobuf messages in one table (see {@link MessageTableSpec}): reads by key,
 * by index and by scope, and atomic updates — the rows an update reads stay locked until it
 * has written (`lockRows`: FOR UPDATE on PostgreSQL, IMMEDIATE transactions on SQLite).
 */
export class MessageStore<Desc extends DescMessage> {
  readonly spec: MessageTableSpec<Desc>;
  readonly #db: UntypedDatabase;
  readonly #indexes: ReadonlyMap<string, MessageIndex<MessageShape<Desc>>>;

  // biome-ignore lint/suspicious/noExplicitAny: a registry's table is not in the typed schema
  constructor(db: Kysely<any>, spec: MessageTableSpec<Desc>) {
    checkMessageTableSpec(spec);
    this.spec = spec;
    this.#db = db;
    this.#indexes = new Map(spec.indexes.map((index) => [index.column, index]));
  }

  /** The database handle (or transaction) the store works on, for writes that go with its own. */
  get db(): UntypedDatabase {
    return this.#db;
  }

  /** The same store on another handle: a transaction that other stores write in too. */
  // biome-ignore lint/suspicious/noExplicitAny: as the constructor
  withDatabase(db: Kysely<any>): MessageStore<Desc> {
    return new MessageStore(db, this.spec);
  }

  /** Runs `work` with this store bound to one transaction (or the caller's, when in one). */
  transact<T>(work: (store: MessageStore<Desc>) => Promise<T>): Promise<T> {
    return inTransaction(this.#db, (trx) => work(this.withDatabase(trx)));
  }

  /** The record's message; not_found when there is none. */
  async get(key: MessageKey, options: ReadOptions = {}): Promise<MessageShape<Desc>> {
    this.#checkKey(key);
    this.#checkMask(options);
    const row = await this.#whereKeys(this.#selectMessages(this.#db), [key]).executeTakeFirst();
    if (!row) throw errNotFound.create({ table: this.spec.table, key: describeKey(key) });
    return this.#decode(row, options);
  }

  /** The records whose index column has `value`, in key order (at most one for a unique index). */
  async find(
    column: string,
    value: string,
    options: ReadOptions & { limit?: number } = {},
  ): Promise<MessageShape<Desc>[]> {
    if (!this.#indexes.has(column))
      throw errUnknownIndex.create({ table: this.spec.table, index: column });
    this.#checkMask(options);
    let query = this.#orderByKey(this.#selectMessages(this.#db).where(column, "=", value));
    if (options.limit && options.limit > 0) query = query.limit(Math.floor(options.limit));
    const rows = await query.execute();
    return rows.map((row: Row) => this.#decode(row, options));
  }

  /** Stores a new record; key_taken when its key is, index_value_taken naming a unique index. */
  async create(message: MessageShape<Desc>): Promise<MessageShape<Desc>> {
    const key = this.spec.key(message);
    this.#checkKey(key);
    try {
      await this.#db.insertInto(this.spec.table).values(this.#row(message)).execute();
    } catch (error) {
      throw this.#translate(error, [message], [message]);
    }
    return message;
  }

  /**
   * Changes one record atomically: `change` gets its current message, which no other update
   * can change until this one is written, and returns the new message or `null` (delete).
   * Returns what was written (`undefined`: no record now). The returned message must keep the
   * key (key_changed otherwise).
   */
  async update(
    key: MessageKey,
    change: MessageChange<MessageShape<Desc>>,
  ): Promise<MessageShape<Desc> | undefined> {
    const [result] = await this.updateMany([key], change);
    return result;
  }

  /**
   * Changes many records in one transaction (a group commit): locks them in key order, calls
   * `change` for each key in the order given (a repeated key sees the previous result) and
   * writes them with a few multi-row statements. Returns, for each of `keys`, its record's
   * final state (`undefined`: no record).
   */
  async updateMany(
    keys: readonly MessageKey[],
    change: MessageChange<MessageShape<Desc>>,
  ): Promise<(MessageShape<Desc> | undefined)[]> {
    for (const key of keys) this.#checkKey(key);
    if (keys.length === 0) return [];
    for (let attempt = 1; ; attempt++) {
      let pending: Pending<MessageShape<Desc>>[] = [];
      try {
        return await inTransaction(this.#db, async (trx) => {
          pending = await this.#lockAndChange(trx, keys, change);
          await this.#write(trx, pending);
          const byKey = new Map(pending.map((record) => [keyString(record.key), record]));
          return keys.map((key) => byKey.get(keyString(key))?.next ?? undefined);
        });
      } catch (error) {
        const inserted = pending.filter((record) => !record.existed && record.next !== null);
        const written = pending.filter((record) => record.next !== null);
        const translated = this.#translate(
          error,
          inserted.map((record) => record.next as MessageShape<Desc>),
          written.map((record) => record.next as MessageShape<Desc>),
        );
        const retry =
          errKeyTaken.matches(translated) &&
          inserted.length > 0 &&
          !this.#db.isTransaction &&
          attempt < INSERT_RACE_ATTEMPTS;
        if (!retry) throw translated;
      }
    }
  }

  /** Removes the record; not_found when there is none. */
  async delete(key: MessageKey): Promise<void> {
    this.#checkKey(key);
    const result = await this.#whereKeys(this.#db.deleteFrom(this.spec.table), [
      key,
    ]).executeTakeFirst();
    if (Number(result.numDeletedRows) === 0)
      throw errNotFound.create({ table: this.spec.table, key: describeKey(key) });
  }

  /** The records under `scope` (a prefix of the key: `["app1"]`), in key order, a page at a time. */
  async list(scope: MessageKey, options: ListOptions = {}): Promise<Page<MessageShape<Desc>>> {
    this.#checkScope(scope);
    this.#checkMask(options);
    const counted = await this.#whereScope(this.#db.selectFrom(this.spec.table), scope)
      .select((eb) => eb.fn.countAll().as("count"))
      .executeTakeFirstOrThrow();
    let rows = this.#orderByKey(this.#whereScope(this.#selectMessages(this.#db), scope));
    const limit = options.limit && options.limit > 0 ? Math.floor(options.limit) : undefined;
    if (limit !== undefined) {
      const page = options.page && options.page > 1 ? Math.floor(options.page) : 1;
      rows = rows.limit(limit).offset((page - 1) * limit);
    }
    const items = (await rows.execute()).map((row: Row) => this.#decode(row, options));
    return { items, total: Number(counted.count) };
  }

  /**
   * Every record under `scope`, in key order, read in batches by key (not by offset), so that
   * a large registry can be walked (to build an in-memory index) while it is being written.
   */
  async *scan(
    scope: MessageKey = [],
    options: ScanOptions = {},
  ): AsyncGenerator<MessageShape<Desc>> {
    this.#checkMask(options);
    for await (const row of this.scanRows(scope, { batchSize: options.batchSize }))
      yield this.#decodeBytes(row.message, options);
  }

  /**
   * Every record under `scope` as stored, without decoding its message, in key order, read in
   * batches by key as {@link scan} reads: for walks that need only a record's key, index
   * columns and a few fields of its message (read from the bytes, see wire-fields.ts).
   */
  async *scanRows<C extends string = never>(
    scope: MessageKey = [],
    options: RowScanOptions<C> = {},
  ): AsyncGenerator<StoredRow<C>> {
    this.#checkScope(scope);
    const columns = options.columns ?? [];
    for (const column of columns)
      if (!this.#indexes.has(column))
        throw errUnknownIndex.create({ table: this.spec.table, index: column });
    const prefix = options.messagePrefix;
    const message =
      prefix === undefined || !Number.isFinite(prefix)
        ? sql.ref(messageColumn)
        : // substr counts bytes of a blob (SQLite) and of a bytea (PostgreSQL) alike.
          sql`substr(${sql.ref(messageColumn)}, 1, ${sql.lit(Math.max(0, Math.floor(prefix)))})`;
    const batchSize = Math.max(1, Math.floor(options.batchSize ?? CHUNK));
    const keyColumns = this.spec.keyColumns;
    let after: MessageKey | undefined;
    for (;;) {
      let query = this.#whereScope(
        this.#db
          .selectFrom(this.spec.table)
          .select([...keyColumns, ...columns, message.as(messageColumn)]),
        scope,
      );
      if (after) query = query.where(this.#keyTuple(), ">", this.#tuple(after));
      const rows: Row[] = await this.#orderByKey(query).limit(batchSize).execute();
      for (const row of rows) {
        const values = {} as Record<C, string | undefined>;
        for (const column of columns) {
          const value = row[column];
          values[column] = value === null || value === undefined ? undefined : String(value);
        }
        yield {
          key: keyColumns.map((column) => String(row[column])),
          columns: values,
          message: plainBytes(row[messageColumn]),
        };
      }
      if (rows.length < batchSize) return;
      const last = rows[rows.length - 1] as Row;
      after = keyColumns.map((column) => String(last[column]));
    }
  }

  /** Reads and locks the records of `keys`, and computes their new state. */
  async #lockAndChange(
    trx: UntypedDatabase,
    keys: readonly MessageKey[],
    change: MessageChange<MessageShape<Desc>>,
  ): Promise<Pending<MessageShape<Desc>>[]> {
    const unique = uniqueKeys(keys);
    const stored = new Map<string, MessageShape<Desc>>();
    for (const chunk of chunks(unique)) {
      // Locked in key order, so that two updates of overlapping records cannot deadlock.
      const query = this.#orderByKey(this.#whereKeys(this.#selectMessages(trx), chunk));
      for (const row of await lockRows(trx, query, "update").execute()) {
        const key = this.spec.keyColumns.map((column) => String(row[column]));
        stored.set(keyString(key), this.#decode(row, {}));
      }
    }
    const pending = unique.map((key) => {
      const current = stored.get(keyString(key));
      return { key, existed: current !== undefined, next: current ?? null };
    });
    const byKey = new Map(pending.map((record) => [keyString(record.key), record]));
    for (const key of keys) {
      const record = byKey.get(keyString(key)) as Pending<MessageShape<Desc>>;
      const next = await change(record.next ?? undefined, key);
      if (next !== null) {
        const newKey = this.spec.key(next);
        if (keyString(newKey) !== keyString(key))
          throw errKeyChanged.create({
            table: this.spec.table,
            key: describeKey(key),
            new_key: describeKey(newKey),
          });
      }
      record.next = next;
    }
    return pending;
  }

  /** Writes the new states: one statement per kind of write and chunk. */
  async #write(
    trx: UntypedDatabase,
    pending: readonly Pending<MessageShape<Desc>>[],
  ): Promise<void> {
    const spec = this.spec;
    const updated: Row[] = [];
    const inserted: Row[] = [];
    const deleted: MessageKey[] = [];
    for (const record of pending) {
      if (record.next !== null) (record.existed ? updated : inserted).push(this.#row(record.next));
      else if (record.existed) deleted.push(record.key);
    }
    for (const chunk of chunks(deleted))
      await this.#whereKeys(trx.deleteFrom(spec.table), chunk).execute();
    for (const chunk of chunks(updated)) {
      // The records exist and are locked: the conflict branch is the update.
      await trx
        .insertInto(spec.table)
        .values(chunk)
        .onConflict((conflict) =>
          conflict
            .columns([...spec.keyColumns])
            .doUpdateSet((eb) =>
              Object.fromEntries(
                [messageColumn, ...spec.indexes.map((index) => index.column)].map((column) => [
                  column,
                  eb.ref(`excluded.${column}`),
                ]),
              ),
            ),
        )
        .execute();
    }
    for (const chunk of chunks(inserted)) await trx.insertInto(spec.table).values(chunk).execute();
  }

  #row(message: MessageShape<Desc>): Row {
    const row: Row = {};
    const key = this.spec.key(message);
    this.spec.keyColumns.forEach((column, i) => {
      row[column] = key[i];
    });
    for (const index of this.spec.indexes) row[index.column] = index.value(message) ?? null;
    const bytes = toBinary(this.spec.schema, message);
    // better-sqlite3 binds Buffers (not plain Uint8Arrays); this one shares the bytes.
    row[messageColumn] = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return row;
  }

  #decode(row: Row, options: ReadOptions): MessageShape<Desc> {
    return this.#decodeBytes(plainBytes(row[messageColumn]), options);
  }

  #decodeBytes(bytes: Uint8Array, options: ReadOptions): MessageShape<Desc> {
    const message = fromBinary(this.spec.schema, bytes);
    return options.fieldMask
      ? applyFieldMask(this.spec.schema, message, options.fieldMask)
      : message;
  }

  #selectMessages(db: UntypedDatabase) {
    return db.selectFrom(this.spec.table).select([...this.spec.keyColumns, messageColumn]);
  }

  // biome-ignore lint/suspicious/noExplicitAny: select and delete builders alike
  #whereKeys<Q extends { where: (...args: any[]) => Q }>(query: Q, keys: readonly MessageKey[]): Q {
    const columns = this.spec.keyColumns;
    if (keys.length === 1) {
      const key = keys[0] as MessageKey;
      return columns.reduce((built, column, i) => built.where(column, "=", key[i]), query);
    }
    return query.where(
      this.#keyTuple(),
      "in",
      sql`(${sql.join(keys.map((key) => this.#tuple(key)))})`,
    );
  }

  // biome-ignore lint/suspicious/noExplicitAny: select builders of any shape
  #whereScope<Q extends { where: (...args: any[]) => Q }>(query: Q, scope: MessageKey): Q {
    return scope.reduce(
      (built, value, i) => built.where(this.spec.keyColumns[i] as string, "=", value),
      query,
    );
  }

  // biome-ignore lint/suspicious/noExplicitAny: select builders of any shape
  #orderByKey<Q extends { orderBy: (...args: any[]) => Q }>(query: Q): Q {
    return this.spec.keyColumns.reduce((built, column) => built.orderBy(column, "asc"), query);
  }

  #keyTuple(): RawBuilder<unknown> {
    return sql`(${sql.join(this.spec.keyColumns.map((column) => sql.ref(column)))})`;
  }

  #tuple(key: MessageKey): RawBuilder<unknown> {
    return sql`(${sql.join(key.map((value) => sql.val(value)))})`;
  }

  #checkKey(key: MessageKey): void {
    const columns = this.spec.keyColumns;
    if (key.length !== columns.length || key.some((value) => typeof value !== "string"))
      throw errInvalidKey.create({
        table: this.spec.table,
        key: describeKey(key),
        columns: columns.join(", "),
      });
  }

  #checkScope(scope: MessageKey): void {
    const columns = this.spec.keyColumns;
    if (scope.length > columns.length || scope.some((value) => typeof value !== "string"))
      throw errInvalidKey.create({
        table: this.spec.table,
        key: describeKey(scope),
        columns: columns.join(", "),
      });
  }

  #checkMask(options: ReadOptions): void {
    if (options.fieldMask) checkFieldMask(this.spec.schema, options.fieldMask);
  }

  /**
   * The typed error for a unique clash of a statement that inserted `inserted` and wrote
   * `written` (inserted or changed): the index the engine names (PostgreSQL names the index,
   * SQLite its column) with the clashing value, or else the key.
   */
  #translate(
    error: unknown,
    inserted: readonly MessageShape<Desc>[],
    written: readonly MessageShape<Desc>[],
  ): unknown {
    const translated = translateDatabaseError(error);
    if (!errAlreadyExists.matches(translated)) return translated;
    const table = this.spec.table;
    const constraint = String(translated.attributes.constraint);
    const index = this.spec.indexes.find(
      ({ column }) =>
        constraint === indexName(table, column) || constraint === `${table}.${column}`,
    );
    if (!index) return errKeyTaken.create({ table, key: this.#describeOne(inserted) }, error);
    // In a batch the engine does not say which record clashed: name the candidates.
    const candidates = written.filter((message) => index.value(message) !== undefined);
    const value =
      candidates.length === 1
        ? index.value(candidates[0] as MessageShape<Desc>)
        : `(one of ${candidates.map((message) => index.value(message)).join(", ")})`;
    return errIndexValueTaken.create(
      { table, key: this.#describeOne(candidates), index: index.column, value },
      error,
    );
  }

  #describeOne(messages: readonly MessageShape<Desc>[]): string {
    if (messages.length === 1) return describeKey(this.spec.key(messages[0] as MessageShape<Desc>));
    return `(one of ${messages.map((message) => describeKey(this.spec.key(message))).join(", ")})`;
  }
}

/**
 * A plain Uint8Array view of a bytes column (the drivers give Buffers): decoded from it, bytes
 * fields are Uint8Arrays, not Buffers.
 */
function plainBytes(stored: unknown): Uint8Array {
  const bytes = stored as Uint8Array;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function describeKey(key: MessageKey): string {
  return key.join("/");
}

// Key values are joined with a character that IDs and hex cannot hold.
function keyString(key: MessageKey): string {
  return key.join("\u0000");
}

function uniqueKeys(keys: readonly MessageKey[]): MessageKey[] {
  const seen = new Map<string, MessageKey>();
  for (const key of keys) if (!seen.has(keyString(key))) seen.set(keyString(key), key);
  return [...seen.values()];
}

function chunks<T>(items: readonly T[]): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) result.push(items.slice(i, i + CHUNK));
  return result;
}
