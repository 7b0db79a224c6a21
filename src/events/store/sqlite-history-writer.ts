/**
 * The writes of the SQLite event history, run by the history worker thread
 * (`sqlite-history-worker.ts`): its own SQLite file, prepared statements of better-sqlite3
 * (cached, multi-row), one transaction per batch, and the pruning of what the retention no
 * longer keeps. Nothing here touches the main thread's event loop.
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import BetterSqlite3 from "better-sqlite3";
import { ulidFloor } from "../ulid.ts";
import type { Retention } from "./event-store.ts";
import type { HistoryRecord } from "./history-batch.ts";
import { TouchedKeys } from "./touched-keys.ts";

/** `pragma user_version` of a history file whose tables migration 0008 made. */
const schemaVersion = 1;
/**
 * Rows per insert statement: one prepared statement per row count up to this. Multi-row
 * statements wrote about 1.5 times as many events per second as one row per statement
 * (uplink-like events, 5 index rows each); 16, 32 and 64 were alike within the noise.
 */
const rowsPerInsert = 32;
/**
 * Rows per delete statement when pruning; batches that arrive meanwhile are written between
 * statements (they wait in the thread's queue, not on the main thread).
 */
const rowsPerDelete = 5_000;
/** Keys trimmed to their count per transaction when pruning. */
const keysPerTrim = 500;

type Statement = BetterSqlite3.Statement<unknown[]>;

/**
 * Creates the history tables in the file when it has none (migration 0008's definitions, run
 * once through Kysely on a connection of its own) and sets WAL. Resolves when done. Kysely and
 * the migration are loaded only then: a thread that finds its file ready starts faster.
 */
export async function prepareHistoryFile(file: string): Promise<void> {
  const connection = new BetterSqlite3(file, { timeout: 5000 });
  connection.pragma("journal_mode = WAL");
  const version = connection.pragma("user_version", { simple: true }) as number;
  if (version >= schemaVersion) {
    connection.close();
    return;
  }
  const [{ Kysely, SqliteDialect }, { migration0008Events }] = await Promise.all([
    import("kysely"),
    import("../../storage/migrations/0008-events.ts"),
  ]);
  // Kysely's destroy closes the connection.
  const db = new Kysely<never>({ dialect: new SqliteDialect({ database: connection }) });
  try {
    await db.transaction().execute(async (trx) => {
      await migration0008Events.up(trx, "sqlite");
    });
    connection.pragma(`user_version = ${schemaVersion}`);
  } finally {
    await db.destroy();
  }
}

/** Writes batches of events into a history file that {@link prepareHistoryFile} set up. */
export class SqliteHistoryWriter {
  readonly #connection: BetterSqlite3.Database;
  readonly #retention: Retention;
  readonly #insertEvents = new Map<number, Statement>();
  readonly #insertIndex = new Map<number, Statement>();
  readonly #deleteOldIndex: Statement;
  readonly #deleteOldEvents: Statement;
  readonly #trimKey: Statement;
  readonly #writeBatch: (records: readonly HistoryRecord[]) => void;
  /** Keys written to since the last prune. */
  readonly #touched: TouchedKeys;

  constructor(file: string, retention: Retention) {
    this.#connection = new BetterSqlite3(file, { timeout: 5000, fileMustExist: true });
    // WAL: the main thread's reads never wait for this writer. synchronous=NORMAL: a commit
    // survives a crash of the process; history is short-lived, so no fsync per batch.
    this.#connection.pragma("journal_mode = WAL");
    this.#connection.pragma("synchronous = NORMAL");
    this.#retention = retention;
    this.#touched = new TouchedKeys(retention);
    const olderThan = (table: string) =>
      this.#connection.prepare(
        `delete from ${table} where unique_id in (select unique_id from ${table} where unique_id < ? order by unique_id limit ${rowsPerDelete})`,
      );
    this.#deleteOldIndex = olderThan("event_index");
    this.#deleteOldEvents = olderThan("events");
    this.#trimKey = this.#connection.prepare(
      "delete from event_index where key = ? and unique_id < (select unique_id from event_index where key = ? order by unique_id desc limit 1 offset ?)",
    );
    this.#writeBatch = this.#connection.transaction((records: readonly HistoryRecord[]) =>
      this.#insert(records),
    );
  }

  /** Writes the events and their index rows in one transaction; an event stored twice is kept once. */
  write(records: readonly HistoryRecord[]): void {
    this.#writeBatch(records);
    for (const record of records) {
      for (const key of record.keys) this.#touched.add(key);
    }
  }

  /**
   * Deletes what the retention no longer keeps at `nowMs`: events older than the time to live,
   * and the index rows of each key written to since the last run beyond its newest count.
   * Yields between statements so that batches are written meanwhile. Returns the rows deleted.
   */
  async prune(nowMs: number): Promise<number> {
    const cutoff = ulidFloor(nowMs - this.#retention.ttlMs);
    let deleted = 0;
    for (const statement of [this.#deleteOldIndex, this.#deleteOldEvents]) {
      for (;;) {
        const count = statement.run(cutoff).changes;
        deleted += count;
        if (count < rowsPerDelete) break;
        await nextTurn();
      }
    }
    const touched = this.#touched.takeOverCount();
    const trim = this.#connection.transaction((keys: typeof touched) => {
      let count = 0;
      for (const [key, keep] of keys) count += this.#trimKey.run(key, key, keep - 1).changes;
      return count;
    });
    for (let start = 0; start < touched.length; start += keysPerTrim) {
      deleted += trim(touched.slice(start, start + keysPerTrim));
      await nextTurn();
    }
    return deleted;
  }

  close(): void {
    this.#connection.close();
  }

  #insert(records: readonly HistoryRecord[]): void {
    const events: unknown[] = [];
    const index: unknown[] = [];
    for (const record of records) {
      events.push(record.uniqueId, record.payload);
      for (const key of record.keys) index.push(key, record.uniqueId);
    }
    this.#insertRows(events, this.#insertEvents, "events (unique_id, payload)");
    this.#insertRows(index, this.#insertIndex, "event_index (key, unique_id)");
  }

  /** Inserts pairs of values, `rowsPerInsert` rows per statement. */
  #insertRows(values: unknown[], cache: Map<number, Statement>, into: string): void {
    const rows = values.length / 2;
    for (let start = 0; start < rows; start += rowsPerInsert) {
      const count = Math.min(rowsPerInsert, rows - start);
      let statement = cache.get(count);
      if (!statement) {
        const placeholders = new Array<string>(count).fill("(?, ?)").join(", ");
        statement = this.#connection.prepare(
          `insert or ignore into ${into} values ${placeholders}`,
        );
        cache.set(count, statement);
      }
      statement.run(
        count === rows && start === 0 ? values : values.slice(start * 2, (start + count) * 2),
      );
    }
  }
}
