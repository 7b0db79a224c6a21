import type { Logger } from "../../log/logger.ts";
import type { StorageMetrics } from "./metrics.ts";
import { type AnyDatabase, deleteStoredUpsBefore } from "./store.ts";

export interface RetentionOptions {
  db: AnyDatabase;
  metrics: StorageMetrics;
  logger: Logger;
  /** How long messages are kept (`as.storage.retention`). */
  retentionMs: number;
  /** Rows one delete removes: each is a short transaction, so writers get their turns. */
  batchSize: number;
  now: () => number;
}

/**
 * Deletes the messages older than the retention period, `batchSize` rows per statement, until
 * none is left; yields to the event loop between statements (SQLite runs on the main thread).
 * Returns how many it deleted.
 */
export async function sweepExpired(options: RetentionOptions): Promise<number> {
  const cutoff = options.now() - options.retentionMs;
  let total = 0;
  for (;;) {
    const deleted = await deleteStoredUpsBefore(options.db, cutoff, options.batchSize);
    total += deleted;
    options.metrics.expired.inc(deleted);
    if (deleted < options.batchSize) break;
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (total > 0) options.logger.debug({ deleted: total }, "expired stored application messages");
  return total;
}

/** Runs the sweep every `intervalMs` (and once at start); `stop` waits for a running sweep. */
export function startRetention(options: RetentionOptions & { intervalMs: number }): {
  stop(): Promise<void>;
} {
  let running: Promise<unknown> | undefined;
  let stopped = false;
  const sweep = () => {
    if (running || stopped) return;
    running = sweepExpired(options)
      .catch((error: unknown) =>
        options.logger.warn({ err: error }, "storage retention sweep failed"),
      )
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(sweep, options.intervalMs);
  timer.unref();
  sweep();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
