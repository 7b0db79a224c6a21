/**
 * Checkpoints of a SQLite database off the main thread. In WAL mode a commit only appends to
 * the log (no fsync with synchronous=NORMAL); SQLite's automatic checkpoint then copies the log
 * into the database file and fsyncs it inside whichever commit crosses its threshold — on the
 * main thread, stalling everything for up to tens of milliseconds and costing most of a busy
 * writer's commit time. With the checkpointer the main connection's automatic checkpoints are
 * off and a worker thread with a connection of its own checkpoints every interval. Durability
 * is the same: a committed transaction is in the log either way. If the worker fails, the
 * connection's automatic checkpoints are turned back on (so the log cannot grow without end).
 */
import { Worker } from "node:worker_threads";
import type BetterSqlite3 from "better-sqlite3";
import type { Logger } from "../log/logger.ts";
import type { CheckpointReport, CheckpointWorkerData } from "./sqlite-checkpoint-worker.ts";

/** SQLite's own default: a checkpoint once the log has this many pages. */
const AUTOMATIC_CHECKPOINT_PAGES = 1000;

export interface SqliteCheckpointerOptions {
  file: string;
  /** The main connection: its automatic checkpoints are turned off while the worker runs. */
  connection: BetterSqlite3.Database;
  /** How often the worker checkpoints (ms, default 200). */
  intervalMs?: number;
  logger?: Logger;
  /** Told every checkpoint's result (tests, metrics). */
  onReport?: (report: CheckpointReport) => void;
}

export class SqliteCheckpointer {
  readonly #worker: Worker;
  readonly #exited: Promise<void>;
  #failed = false;

  constructor(options: SqliteCheckpointerOptions) {
    const { connection, logger } = options;
    connection.pragma("wal_autocheckpoint = 0");
    const data: CheckpointWorkerData = {
      file: options.file,
      intervalMs: options.intervalMs ?? 200,
    };
    this.#worker = new Worker(new URL("./sqlite-checkpoint-worker.ts", import.meta.url), {
      workerData: data,
    });
    // Checkpoints must not keep a process alive that has nothing else to do.
    this.#worker.unref();
    const fail = (reason: string) => {
      if (this.#failed) return;
      this.#failed = true;
      if (connection.open) connection.pragma(`wal_autocheckpoint = ${AUTOMATIC_CHECKPOINT_PAGES}`);
      logger?.warn(
        { reason, file: options.file },
        "the SQLite checkpoint worker failed: the database checkpoints on the main thread",
      );
    };
    this.#worker.on("message", (report: CheckpointReport) => {
      options.onReport?.(report);
      if (report.kind === "failed") fail(report.reason);
    });
    this.#worker.on("error", (error) => fail(error.message));
    this.#exited = new Promise((resolve) => this.#worker.once("exit", () => resolve()));
  }

  /** Stops the worker (its connection closed) before the main connection closes. */
  async close(): Promise<void> {
    // Waited for now: the process must stay up until the worker's connection is closed.
    this.#worker.ref();
    this.#worker.postMessage("stop");
    const stopped = await Promise.race([
      this.#exited.then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 5_000).unref()),
    ]);
    if (!stopped) await this.#worker.terminate();
  }
}
