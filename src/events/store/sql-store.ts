import { setImmediate as nextTurn } from "node:timers/promises";
import type { Kysely } from "kysely";
import type { Database } from "../../storage/database.ts";
import { inTransaction } from "../../storage/transaction.ts";
import type { StackEvent } from "../event.ts";
import { ulidCeiling, ulidFloor } from "../ulid.ts";
import { eventBytes } from "../wire.ts";
import type { EventStore, HistoryQuery, Retention } from "./event-store.ts";
import { GroupCommit } from "./group-commit.ts";
import { indexKeysOf } from "./index-keys.ts";
import { indexedHistory, type PeriodicPrune, prunePeriodically } from "./indexed-history.ts";
import type { StoreMonitor } from "./monitor.ts";
import { TouchedKeys } from "./touched-keys.ts";

/** A row of `events` (migration 0008): one stored event. */
export interface EventsTable {
  /** The event's ULID. */
  unique_id: string;
  /** `ttn.lorawan.v3.Event` protobuf bytes. */
  payload: Uint8Array;
}

/** A row of `event_index`: the event is one of the key's (an entity or a correlation id). */
export interface EventIndexTable {
  key: string;
  unique_id: string;
}

type Schema = { events: EventsTable; event_index: EventIndexTable };

export interface SqlEventStoreOptions {
  database: Database;
  retention: Retention;
  monitor: StoreMonitor;
  /** How long an event waits for others before its batch is written. Default 10 ms. */
  flushIntervalMs?: number;
  /**
   * Events per batch (one transaction) at most. Default 50 on SQLite, whose writes hold the
   * event loop (about 7 ms for 50 uplink-like events), and 500 on PostgreSQL.
   */
  maxBatch?: number;
  /** Events waiting at most; more are dropped and counted. Default 20,000. */
  maxPending?: number;
  /** How often what is past the retention is deleted; 0: never (tests). Default 1 minute. */
  pruneIntervalMs?: number;
  now?: () => number;
}

/** Rows per insert statement (well below either engine's limit of bound parameters). */
const rowsPerInsert = 400;
/**
 * Rows per delete statement when pruning, by engine: each is short, and the event loop runs
 * between (a SQLite statement holds it while it runs).
 */
const rowsPerDelete = { sqlite: 500, postgres: 2000 } as const;
const defaultMaxBatch = { sqlite: 50, postgres: 500 } as const;
/** Keys trimmed to their count per transaction when pruning. */
const keysPerTrim = 200;

/**
 * The {@link EventStore} in the project's SQL database (SQLite embedded, PostgreSQL at scale).
 * Published events are written by group commit: one transaction per batch, inserting the events
 * and their index rows with a few multi-row statements. Reads see only what the retention keeps
 * (by the ULID range of the time to live, and the newest of each key by count), so pruning can
 * lag; it runs in the background in short statements: a range delete for the time to live, and
 * a trim to its count of each key that got at least that many rows since the last run. On
 * SQLite every statement holds the event loop while it runs, so batches are small and pruning
 * yields between statements.
 */
export class SqlEventStore implements EventStore {
  readonly #db: Kysely<Schema>;
  readonly #rowsPerDelete: number;
  readonly #retention: Retention;
  readonly #monitor: StoreMonitor;
  readonly #now: () => number;
  readonly #commit: GroupCommit<StackEvent>;
  /** Keys written to since the last prune. */
  readonly #touched: TouchedKeys;
  readonly #pruner: PeriodicPrune;
  readonly #reads: Pick<EventStore, "history" | "related">;
  #closed = false;

  constructor(options: SqlEventStoreOptions) {
    this.#db = options.database.db.withTables<Schema>() as unknown as Kysely<Schema>;
    const engine = options.database.engine;
    this.#rowsPerDelete = rowsPerDelete[engine];
    this.#retention = options.retention;
    this.#touched = new TouchedKeys(options.retention);
    this.#monitor = options.monitor;
    this.#now = options.now ?? Date.now;
    this.#commit = new GroupCommit({
      write: (batch) => this.#write(batch),
      intervalMs: options.flushIntervalMs ?? 10,
      maxBatch: options.maxBatch ?? defaultMaxBatch[engine],
      maxPending: options.maxPending ?? 20_000,
      onFailure: (error, count) => this.#monitor.dropped("failed", count, error),
      onDrop: (count) => this.#monitor.dropped("overflow", count),
    });
    this.#pruner = prunePeriodically(
      options.pruneIntervalMs ?? 60_000,
      () => this.prune(),
      this.#monitor,
    );
    this.#reads = indexedHistory({
      retention: this.#retention,
      monitor: this.#monitor,
      flush: () => this.flush(),
      newest: (key, limit, afterMs) => this.#newest(key, limit, afterMs),
    });
  }

  add(event: StackEvent): void {
    if (!this.#closed) this.#commit.add(event);
  }

  flush(): Promise<void> {
    return this.#commit.flush();
  }

  history(query: HistoryQuery): Promise<StackEvent[]> {
    return this.#reads.history(query);
  }

  related(correlationId: string): Promise<StackEvent[]> {
    return this.#reads.related(correlationId);
  }

  /**
   * Deletes what the retention no longer keeps: events older than the time to live, and the
   * index rows of each key written to since the last run beyond its newest `count`. Returns the
   * rows deleted.
   */
  async prune(): Promise<number> {
    const cutoff = ulidFloor(this.#now() - this.#retention.ttlMs);
    let deleted = 0;
    for (const table of ["event_index", "events"] as const) {
      for (;;) {
        const result = await this.#db
          .deleteFrom(table)
          .where("unique_id", "in", (db) =>
            db
              .selectFrom(table)
              .select("unique_id")
              .where("unique_id", "<", cutoff)
              .orderBy("unique_id")
              .limit(this.#rowsPerDelete),
          )
          .executeTakeFirst();
        const count = Number(result.numDeletedRows);
        deleted += count;
        if (count < this.#rowsPerDelete) break;
        await nextTurn();
      }
    }
    const touched = this.#touched.takeOverCount();
    for (let start = 0; start < touched.length; start += keysPerTrim) {
      const keys = touched.slice(start, start + keysPerTrim);
      deleted += await inTransaction(this.#db, async (trx) => {
        let count = 0;
        for (const [key, keep] of keys) {
          const result = await trx
            .deleteFrom("event_index")
            .where("key", "=", key)
            .where("unique_id", "<", (db) =>
              db
                .selectFrom("event_index")
                .select("unique_id")
                .where("key", "=", key)
                .orderBy("unique_id", "desc")
                .limit(1)
                .offset(keep - 1),
            )
            .executeTakeFirst();
          count += Number(result.numDeletedRows);
        }
        return count;
      });
      await nextTurn();
    }
    return deleted;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const pruned = this.#pruner.stop();
    await this.#commit.close();
    await pruned;
  }

  async #write(batch: StackEvent[]): Promise<void> {
    const events: EventsTable[] = [];
    const index: EventIndexTable[] = [];
    const touched: string[] = [];
    for (const event of batch) {
      events.push({ unique_id: event.uniqueId, payload: eventBytes(event) });
      const { entities, correlations } = indexKeysOf(event);
      for (const key of entities) {
        index.push({ key, unique_id: event.uniqueId });
        touched.push(key);
      }
      for (const key of correlations) {
        index.push({ key, unique_id: event.uniqueId });
        touched.push(key);
      }
    }
    await inTransaction(this.#db, async (trx) => {
      for (let start = 0; start < events.length; start += rowsPerInsert) {
        await trx
          .insertInto("events")
          .values(events.slice(start, start + rowsPerInsert))
          .onConflict((conflict) => conflict.column("unique_id").doNothing())
          .execute();
      }
      for (let start = 0; start < index.length; start += rowsPerInsert) {
        await trx
          .insertInto("event_index")
          .values(index.slice(start, start + rowsPerInsert))
          .onConflict((conflict) => conflict.columns(["key", "unique_id"]).doNothing())
          .execute();
      }
    });
    for (const key of touched) this.#touched.add(key);
    this.#monitor.stored(batch.length);
  }

  /** The newest rows of a key within the retention (and after `afterMs`), newest first. */
  #newest(
    key: string,
    limit: number,
    afterMs: number | undefined,
  ): Promise<{ unique_id: string; payload: Uint8Array }[]> {
    const oldest = ulidFloor(this.#now() - this.#retention.ttlMs);
    let query = this.#db
      .selectFrom("event_index as i")
      .innerJoin("events as e", "e.unique_id", "i.unique_id")
      .select(["e.unique_id", "e.payload"])
      .where("i.key", "=", key)
      .where("i.unique_id", ">=", oldest);
    if (afterMs !== undefined) query = query.where("i.unique_id", ">", ulidCeiling(afterMs));
    return query.orderBy("i.unique_id", "desc").limit(limit).execute();
  }
}
