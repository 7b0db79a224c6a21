import { Counter, Histogram, type Registry } from "prom-client";

/** What the storage integration did. */
export interface StorageMetrics {
  /** Messages written. */
  stored: Counter;
  /** Transactions that wrote a batch, and how many messages each held. */
  batchSize: Histogram;
  /** Messages deleted by the retention sweep. */
  expired: Counter;
  /** Messages not stored: their device has no association with `storage-integration`. */
  skipped: Counter;
}

export function storageMetrics(registry: Registry): StorageMetrics {
  const registers = [registry];
  return {
    stored: new Counter({
      name: "lorastack_as_storage_messages_stored_total",
      help: "Application messages written to the storage integration",
      registers,
    }),
    batchSize: new Histogram({
      name: "lorastack_as_storage_batch_messages",
      help: "Messages per storage transaction (group commit)",
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
      registers,
    }),
    expired: new Counter({
      name: "lorastack_as_storage_messages_expired_total",
      help: "Stored application messages deleted after the retention period",
      registers,
    }),
    skipped: new Counter({
      name: "lorastack_as_storage_messages_skipped_total",
      help: "Application messages not stored: neither the device nor its application is associated with storage-integration",
      registers,
    }),
  };
}
