import type { ApiRegistry } from "../../api/registry.ts";
import type { RightsFetcher } from "../../auth/rights-fetcher.ts";
import { ApplicationUpStorage } from "../../gen/ttn/lorawan/v3/applicationserver_integrations_storage_pb.js";
import type { Logger } from "../../log/logger.ts";
import type { Registry } from "../../metrics/registry.ts";
import type { Database } from "../../storage/index.ts";
import type { ApplicationUpSink } from "../traffic.ts";
import { type StorageMetrics, storageMetrics } from "./metrics.ts";
import { startRetention, sweepExpired } from "./retention.ts";
import { applicationUpStorageService } from "./service.ts";
import { type StorageSink, storageSink } from "./sink.ts";

/** The `as.storage.*` settings, in milliseconds. */
export interface StorageSettings {
  /** `as.storage.retention` (default 30 days): how long messages are kept. */
  retentionMs: number;
  /** `as.storage.sweep_interval` (default 1 h): how often expired messages are deleted. */
  sweepIntervalMs?: number;
  /** `as.storage.commit_interval` (default 5 ms): how long a batch collects messages. */
  commitIntervalMs?: number;
  /** `as.storage.max_batch` (default 200): most messages one transaction writes. */
  maxBatch?: number;
  /** Rows one retention delete removes (default 1000). */
  sweepBatch?: number;
}

export interface StorageOptions {
  database: Database;
  rights: RightsFetcher;
  metrics: Registry;
  logger: Logger;
  settings: StorageSettings;
  now?: () => number;
  /** Whether a device's messages are stored (see `StorageSinkOptions.stores`); absent: all. */
  stores?: (applicationId: string, deviceId: string) => boolean | Promise<boolean>;
}

/** The storage integration as the Application Server wires it. */
export interface Storage {
  /** Give it every ApplicationUp (see `ApplicationUpSink`): the kept ones are committed. */
  sink: ApplicationUpSink;
  metrics: StorageMetrics;
  /** Registers `ApplicationUpStorage` on the API (before the HTTP server starts). */
  registerServices(api: ApiRegistry): void;
  /** Starts the retention sweep. */
  start(): void;
  /** Stops the sweep and writes the messages still in a batch. */
  stop(): Promise<void>;
  /** Deletes expired messages now; returns how many (tests, operators). */
  sweep(): Promise<number>;
}

/** Builds the storage integration: table `as_stored_application_ups` (migration 0016). */
export function createStorage(options: StorageOptions): Storage {
  const { settings, logger } = options;
  const db = options.database.db;
  const metrics = storageMetrics(options.metrics);
  const now = options.now ?? Date.now;
  const sink: StorageSink = storageSink({
    db,
    metrics,
    commitIntervalMs: settings.commitIntervalMs ?? 5,
    maxBatch: settings.maxBatch ?? 200,
    now,
    ...(options.stores ? { stores: options.stores } : {}),
  });
  const retention = {
    db,
    metrics,
    logger,
    retentionMs: settings.retentionMs,
    batchSize: settings.sweepBatch ?? 1000,
    now,
  };
  let sweeper: { stop(): Promise<void> } | undefined;
  return {
    sink,
    metrics,
    registerServices(api) {
      api.register(
        ApplicationUpStorage,
        applicationUpStorageService({ db, rights: options.rights, now }),
      );
    },
    start() {
      sweeper ??= startRetention({
        ...retention,
        intervalMs: settings.sweepIntervalMs ?? 3_600_000,
      });
    },
    async stop() {
      await sweeper?.stop();
      sweeper = undefined;
      await sink.close();
    },
    sweep: () => sweepExpired(retention),
  };
}
