import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { sql } from "kysely";
import type { DatabaseEngine } from "../engine.ts";
import { bytesType, type UntypedDatabase } from "../migrations/migration.ts";

/** A record's key: one value per key column, in the order of `keyColumns`. */
export type MessageKey = readonly string[];

/** A column a registry looks its messages up by, declared as data. */
export interface MessageIndex<M> {
  /** The column (and, in errors, the index's name): `dev_addr`. */
  column: string;
  /** The value to find the message by (hex for EUIs and addresses); `undefined`: none. */
  value(message: M): string | undefined;
  /** At most one record per value (records without a value never clash). */
  unique: boolean;
}

/**
 * One registry's table: the protobuf message itself in binary, the key columns and the index
 * columns it is looked up by. A registry declares this once; the store and the migration
 * (see {@link messageTableMigration}) are built from it.
 */
export interface MessageTableSpec<Desc extends DescMessage> {
  table: string;
  schema: Desc;
  /** The primary key's columns, outermost scope first (`application_id`, `device_id`). */
  keyColumns: readonly string[];
  /** The message's key, one value per key column. */
  key(message: MessageShape<Desc>): MessageKey;
  indexes: readonly MessageIndex<MessageShape<Desc>>[];
}

/** The column that holds the encoded message. */
export const messageColumn = "message";

const identifier = /^[a-z][a-z0-9_]*$/;
// PostgreSQL truncates longer identifiers, which would make two index names the same.
const MAX_IDENTIFIER_LENGTH = 63;

/** The name of the primary key constraint (PostgreSQL names clashes with it). */
export function primaryKeyName(table: string): string {
  return `${table}_pkey`;
}

/** The name of an index column's index. */
export function indexName(table: string, column: string): string {
  return `${table}_${column}_index`;
}

/**
 * Checks that a spec's names are plain SQL identifiers that do not collide (they go into SQL
 * as identifiers, and into index names); throws an Error naming the problem. A programming
 * error, found when the registry is built, not at run time.
 */
export function checkMessageTableSpec<Desc extends DescMessage>(
  spec: MessageTableSpec<Desc>,
): void {
  const names = [spec.table, ...spec.keyColumns, ...spec.indexes.map((index) => index.column)];
  for (const name of names) {
    if (!identifier.test(name)) throw new Error(`${spec.table}: ${name} is not a plain identifier`);
  }
  for (const index of spec.indexes) {
    const name = indexName(spec.table, index.column);
    if (name.length > MAX_IDENTIFIER_LENGTH) throw new Error(`index name ${name} is too long`);
  }
  const columns = [...spec.keyColumns, ...spec.indexes.map((index) => index.column), messageColumn];
  const repeated = columns.find((column, i) => columns.indexOf(column) !== i);
  if (repeated) throw new Error(`${spec.table}: column ${repeated} is declared twice`);
  if (spec.keyColumns.length === 0) throw new Error(`${spec.table}: no key columns`);
}

/**
 * The schema change that creates a registry's table and its indexes, for the migration that
 * introduces the registry: `{ name: "0005-ns-devices", up: messageTableMigration(spec) }`.
 * Key and index columns are text; the message is bytes (`bytesType`).
 */
export function messageTableMigration<Desc extends DescMessage>(
  spec: MessageTableSpec<Desc>,
): (db: UntypedDatabase, engine: DatabaseEngine) => Promise<void> {
  checkMessageTableSpec(spec);
  return async (db, engine) => {
    // Keys and index values compare byte by byte on both engines (PostgreSQL's default
    // collation would order keys by locale, differently from SQLite, and more slowly).
    const textType = engine === "postgres" ? sql`text collate "C"` : sql`text`;
    let table = db.schema.createTable(spec.table);
    for (const column of spec.keyColumns)
      table = table.addColumn(column, textType, (col) => col.notNull());
    for (const index of spec.indexes) table = table.addColumn(index.column, textType);
    table = table
      .addColumn(messageColumn, bytesType(engine), (col) => col.notNull())
      .addPrimaryKeyConstraint(primaryKeyName(spec.table), [...spec.keyColumns] as never);
    await table.execute();
    for (const index of spec.indexes) {
      let create = db.schema
        .createIndex(indexName(spec.table, index.column))
        .on(spec.table)
        .column(index.column);
      if (index.unique) create = create.unique();
      await create.execute();
    }
  };
}
