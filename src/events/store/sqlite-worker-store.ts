import { Worker } from "node:worker_threads";
import BetterSqlite3 from "better-sqlite3";
import type { StackEvent } from "../event.ts";
import { ulidFloor } from "../ulid.ts";
import { eventBytes } from "../wire.ts";
import { errHistoryUnavailable, errHistoryWriterStopped } from "./errors.ts";
import type { EventStore, HistoryQuery, Retention } from "./event-store.ts";
import { GroupCommit } from "./group-commit.ts";
import { packHistoryBatch } from "./history-batch.ts";
import { indexKeysOf } from "./index-keys.ts";
import {
  type HistoryRow,
  indexedHistory,
  type PeriodicPrune,
  prunePeriodically,
} from "./indexed-history.ts";
import type { StoreMonitor } from "./monitor.ts";
import type { HistoryReply, HistoryRequest, HistoryWorkerData } from "./sqlite-history-protocol.ts";

export interface SqliteWorkerEventStoreOptions {
  /** The history's own SQLite file (see `historyFileOf`), or a promise of it. */
  file: string | Promise<string>;
  retention: Retention;
  monitor: StoreMonitor;
  /** How long an event waits for others before its batch is posted. Default 10 ms. */
  flushIntervalMs?: number;
  /** Events per batch (one message, one transaction) at most. Default 500. */
  maxBatch?: number;
  /** Events waiting or being written at most; more are dropped and counted. Default 20,000. */
  maxPending?: number;
  /** How often what is past the retention is deleted; 0: never (tests). Default 1 minute. */
  pruneIntervalMs?: number;
  now?: () => number;
  /** The writer thread's module; tests substitute one that fails. */
  workerUrl?: URL;
}

const writerModule = new URL("./sqlite-history-worker.ts", import.meta.url);

type Pending = { resolve: (count: number) => void; reject: (error: Error) => void };

/**
 * The {@link EventStore} of the embedded (SQLite) program, its writes off the main thread: a
 * worker thread (`sqlite-history-worker.ts`) owns the history's own SQLite file and writes the
 * batches this side packs (event bytes and index keys in one transferred buffer per batch), and
 * prunes when this side's timer asks. Reads run here, on a connection of their own to the same
 * file: in WAL mode a reader never waits for the writer, and a read is a few indexed rows. A
 * writer thread that fails or stops is logged once; history writes are then dropped and counted
 * while the process goes on.
 */
export class SqliteWorkerEventStore implements EventStore {
  readonly #retention: Retention;
  readonly #monitor: StoreMonitor;
  readonly #now: () => number;
  readonly #commit: GroupCommit<StackEvent>;
  readonly #started: Promise<void>;
  readonly #pruner: PeriodicPrune;
  readonly #reads: Pick<EventStore, "history" | "related">;
  #worker: Worker | undefined;
  #reader: { connection: BetterSqlite3.Database; newest: BetterSqlite3.Statement } | undefined;
  /** Why the writer is not available (failed start, crash, unexpected exit). */
  #stopped: Error | undefined;
  #requests = new Map<number, Pending>();
  #nextId = 1;
  #starting = true;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(options: SqliteWorkerEventStoreOptions) {
    this.#retention = options.retention;
    this.#monitor = options.monitor;
    this.#now = options.now ?? Date.now;
    this.#commit = new GroupCommit({
      write: (batch) => this.#write(batch),
      intervalMs: options.flushIntervalMs ?? 10,
      maxBatch: options.maxBatch ?? 500,
      maxPending: options.maxPending ?? 20_000,
      onFailure: (error, count) => this.#monitor.dropped("failed", count, error),
      onDrop: (count) => this.#monitor.dropped("overflow", count),
    });
    this.#started = this.#start(options.file, options.workerUrl ?? writerModule);
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
   * Deletes, in the writer thread, what the retention no longer keeps now (the same rules as
   * `SqlEventStore.prune`). Returns the rows deleted.
   */
  async prune(): Promise<number> {
    await this.#started;
    return this.#request({ type: "prune", id: 0, nowMs: this.#now() });
  }

  /** Writes what was added, then ends the writer thread and closes the read connection. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    const pruned = this.#pruner.stop();
    await this.#commit.close();
    await pruned;
    await this.#started;
    const worker = this.#worker;
    if (worker && !this.#stopped) {
      try {
        await this.#request({ type: "close", id: 0 });
      } catch {
        // Stopped meanwhile: already logged.
      }
    }
    this.#stopped ??= errHistoryWriterStopped.create({ reason: "closed" });
    // The writer has closed its file (or failed): ending the thread now loses nothing.
    await worker?.terminate();
    this.#reader?.connection.close();
    this.#reader = undefined;
  }

  async #start(file: string | Promise<string>, module: URL): Promise<void> {
    try {
      const path = await file;
      const worker = new Worker(module, {
        workerData: { file: path, retention: this.#retention } satisfies HistoryWorkerData,
      });
      this.#worker = worker;
      this.#holdProcess();
      const ready = new Promise<void>((resolve, reject) => {
        worker.on("message", (reply: HistoryReply) => {
          if (reply.type === "ready") resolve();
          else this.#answer(reply);
        });
        worker.on("error", (error) => {
          reject(error);
          this.#stop(error);
        });
        worker.on("exit", (code) => {
          const error = errHistoryWriterStopped.create({ reason: `exit code ${code}` });
          reject(error);
          this.#stop(error);
        });
      });
      await ready;
      // A WAL reader waits only in rare cases (a file being recovered): briefly, on this thread.
      const connection = new BetterSqlite3(path, { fileMustExist: true, timeout: 250 });
      this.#reader = {
        connection,
        // The newest rows of a key from a ULID on (the time to live and `after` in one bound):
        // one range of the index's primary key.
        newest: connection.prepare(
          "select e.unique_id, e.payload from event_index i join events e on e.unique_id = i.unique_id where i.key = ? and i.unique_id >= ? order by i.unique_id desc limit ?",
        ),
      };
    } catch (error) {
      this.#stop(error);
    } finally {
      this.#starting = false;
      this.#holdProcess();
    }
  }

  async #write(batch: StackEvent[]): Promise<void> {
    await this.#started;
    if (this.#stopped) {
      // Reported once when the writer stopped; each batch since only counts.
      this.#monitor.dropped("failed", batch.length);
      return;
    }
    const buffer = packHistoryBatch(
      batch.map((event) => {
        const { entities, correlations } = indexKeysOf(event);
        return {
          uniqueId: event.uniqueId,
          payload: eventBytes(event),
          keys: [...entities, ...correlations],
        };
      }),
    );
    const count = await this.#request({ type: "write", id: 0, batch: buffer }, [buffer]);
    this.#monitor.stored(count);
  }

  /** Posts a request (its `id` set here) and resolves with the worker's count. */
  #request(request: HistoryRequest, transfer: ArrayBuffer[] = []): Promise<number> {
    const worker = this.#worker;
    if (this.#stopped || !worker)
      return Promise.reject(
        this.#stopped ?? errHistoryUnavailable.create({ reason: "no writer thread" }),
      );
    const id = this.#nextId++;
    const answered = new Promise<number>((resolve, reject) => {
      this.#requests.set(id, { resolve, reject });
    });
    this.#holdProcess();
    worker.postMessage({ ...request, id }, transfer);
    return answered;
  }

  #answer(reply: Exclude<HistoryReply, { type: "ready" }>): void {
    const pending = this.#requests.get(reply.id);
    if (!pending) return;
    this.#requests.delete(reply.id);
    this.#holdProcess();
    if (reply.type === "done") pending.resolve(reply.count);
    else pending.reject(errHistoryUnavailable.create({ reason: reply.message }));
  }

  /** The writer is gone: logged once, and every request waiting for it fails. */
  #stop(error: unknown): void {
    if (this.#stopped) return;
    this.#stopped =
      error instanceof Error ? error : errHistoryWriterStopped.create({ reason: String(error) });
    if (!this.#closed) this.#monitor.failed("history writer", error);
    const waiting = [...this.#requests.values()];
    this.#requests.clear();
    for (const pending of waiting) pending.reject(this.#stopped);
    this.#holdProcess();
  }

  /**
   * The thread keeps the process alive only while something waits for it, so that an idle
   * store never holds up an exit, and an awaited flush never finds the loop empty.
   */
  #holdProcess(): void {
    const worker = this.#worker;
    if (!worker) return;
    if (!this.#stopped && (this.#starting || this.#requests.size > 0)) worker.ref();
    else worker.unref();
  }

  /** The newest rows of a key within the retention (and after `afterMs`), newest first. */
  async #newest(key: string, limit: number, afterMs: number | undefined): Promise<HistoryRow[]> {
    await this.#started;
    const reader = this.#reader;
    if (!reader)
      throw errHistoryUnavailable.create({ reason: this.#stopped?.message ?? "not open" });
    let fromMs = this.#now() - this.#retention.ttlMs;
    if (afterMs !== undefined) fromMs = Math.max(fromMs, Math.floor(afterMs) + 1);
    return reader.newest.all(key, ulidFloor(fromMs), limit) as HistoryRow[];
  }
}
