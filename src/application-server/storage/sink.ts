import type { ApplicationUp } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import { inTransaction } from "../../storage/index.ts";
import type { ApplicationUpSink } from "../traffic.ts";
import { type GroupCommit, groupCommit } from "./group-commit.ts";
import type { StorageMetrics } from "./metrics.ts";
import { type AnyDatabase, writeStoredUps } from "./store.ts";
import { storedTypeOf } from "./types.ts";

export interface StorageSinkOptions {
  db: AnyDatabase;
  metrics: StorageMetrics;
  /** How long a batch collects messages before it is written (`as.storage.commit_interval`). */
  commitIntervalMs: number;
  /** Most messages one transaction writes (`as.storage.max_batch`). */
  maxBatch: number;
  now: () => number;
  /**
   * Whether the device's messages are stored (its application or itself is associated with
   * `storage-integration`): a boolean when known in memory, a promise when it must be read.
   * Absent: every message is.
   */
  stores?: (applicationId: string, deviceId: string) => boolean | Promise<boolean>;
}

/** The storage's sink with its group commit, which `close` drains. */
export interface StorageSink extends ApplicationUpSink {
  close(): Promise<void>;
}

/**
 * The storage's `ApplicationUpSink`: each kept message joins a batch written in one
 * transaction; `handle` resolves once its batch is committed. Messages the storage does not
 * keep (their type, or a device without the storage integration) resolve at once.
 */
export function storageSink(options: StorageSinkOptions): StorageSink {
  const { db, metrics } = options;
  const batches: GroupCommit<ApplicationUp> = groupCommit({
    intervalMs: options.commitIntervalMs,
    maxBatch: options.maxBatch,
    async write(ups) {
      const written = await inTransaction(db, (trx) => writeStoredUps(trx, ups, options.now()));
      metrics.stored.inc(written);
      metrics.batchSize.observe(written);
    },
  });
  return {
    name: "storage",
    async handle(up) {
      if (storedTypeOf(up) === undefined) return;
      if (options.stores) {
        const ids = up.endDeviceIds;
        const decided = options.stores(
          ids?.applicationIds?.applicationId ?? "",
          ids?.deviceId ?? "",
        );
        // Known in memory (the common case): no await, no extra turn of the event loop.
        if (!(typeof decided === "boolean" ? decided : await decided)) {
          options.metrics.skipped.inc();
          return;
        }
      }
      await batches.add(up);
    },
    close: () => batches.close(),
  };
}
