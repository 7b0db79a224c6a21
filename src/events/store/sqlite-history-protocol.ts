/** Messages between the SQLite event store (main thread) and its history worker thread. */
import type { Retention } from "./event-store.ts";

/** What the worker is started with (`workerData`). */
export interface HistoryWorkerData {
  file: string;
  retention: Retention;
}

/** A request to the worker; answered once, by `id`, in the order sent. */
export type HistoryRequest =
  | { type: "write"; id: number; batch: ArrayBuffer }
  | { type: "prune"; id: number; nowMs: number }
  | { type: "close"; id: number };

/** The worker's messages: ready once the file is set up, then one answer per request. */
export type HistoryReply =
  | { type: "ready" }
  | { type: "done"; id: number; count: number }
  | { type: "failed"; id: number; message: string };
