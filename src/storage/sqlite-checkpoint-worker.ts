/**
 * The worker thread that checkpoints a SQLite database's write-ahead log (see
 * sqlite-checkpointer.ts): its own connection to the file, a PASSIVE checkpoint every interval
 * (never waits for or blocks the writer), and the file's fsync, all off the main thread.
 */
import { parentPort, workerData } from "node:worker_threads";
import BetterSqlite3 from "better-sqlite3";

/** What the main thread passes. */
export interface CheckpointWorkerData {
  file: string;
  intervalMs: number;
}

/** Messages to the main thread: each checkpoint's result, or why the worker gave up. */
export type CheckpointReport =
  | { kind: "checkpointed"; walPages: number; checkpointedPages: number }
  | { kind: "failed"; reason: string };

const { file, intervalMs } = workerData as CheckpointWorkerData;
const post = (report: CheckpointReport) => parentPort?.postMessage(report);

let connection: BetterSqlite3.Database | undefined;
try {
  // No busy waiting: a checkpoint that meets a lock simply does less, and the next goes on.
  connection = new BetterSqlite3(file, { timeout: 0 });
} catch (error) {
  post({ kind: "failed", reason: (error as Error).message });
}

const timer = setInterval(() => {
  if (!connection) return;
  try {
    const [row] = connection.pragma("wal_checkpoint(PASSIVE)") as {
      busy: number;
      log: number;
      checkpointed: number;
    }[];
    if (row && row.log > 0)
      post({ kind: "checkpointed", walPages: row.log, checkpointedPages: row.checkpointed });
  } catch (error) {
    clearInterval(timer);
    post({ kind: "failed", reason: (error as Error).message });
  }
}, intervalMs);

parentPort?.on("message", (message: unknown) => {
  if (message !== "stop") return;
  clearInterval(timer);
  connection?.close();
  connection = undefined;
  parentPort?.close();
});
