/**
 * The devices' last-seen times for the Identity Server (`EndDeviceRegistry.BatchUpdateLastSeen`,
 * the cluster call The Things Stack uses): the uplink path notes (application, device, time) in
 * memory — newest time wins, no await, no allocation beyond a new device's map entry — and a
 * timer sends what was noted every `flushIntervalMs`, in calls of at most `maxBatch` devices.
 * A failed call keeps its devices for the next flush (a newer time noted meanwhile wins). At
 * most `maxPending` devices wait; past that the earliest noted are dropped and counted. `stop`
 * flushes once more.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  type BatchUpdateEndDeviceLastSeenRequest,
  BatchUpdateEndDeviceLastSeenRequestSchema,
} from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import type { Logger } from "../../log/logger.ts";
import type { LastSeenMetrics } from "./metrics.ts";

/** The part of the Identity Server's `EndDeviceRegistry` client the reporter calls. */
export interface LastSeenRegistry {
  batchUpdateLastSeen(
    request: BatchUpdateEndDeviceLastSeenRequest,
    options: { timeoutMs: number },
  ): Promise<unknown>;
}

/** What the uplink path calls. */
export interface LastSeenNotes {
  /** The device was seen at `atMs` (an accepted uplink or join). Never waits, never throws. */
  seen(applicationId: string, deviceId: string, atMs: number): void;
}

export interface LastSeenReporter extends LastSeenNotes {
  start(): void;
  /** Sends what is noted now (after the flush in progress, if any). */
  flush(): Promise<void>;
  /** Stops the timer and flushes once more. */
  stop(): Promise<void>;
  /** Devices waiting for a flush. */
  readonly pending: number;
}

export interface LastSeenReporterOptions {
  /** The Identity Server's registry, looked up per flush (`cluster.peer("is")`). */
  registry: () => LastSeenRegistry;
  flushIntervalMs: number;
  /** Devices waiting at most; the earliest noted beyond it are dropped (counted). */
  maxPending: number;
  /** Devices per call at most (the Identity Server takes 1000). */
  maxBatch?: number;
  /** How long one call may take. Default: the flush interval, at least 5 s. */
  callTimeoutMs?: number;
  metrics: LastSeenMetrics;
  logger: Logger;
}

/** Application ID → device ID → last-seen time (ms). Insertion order is noting order. */
type Pending = Map<string, Map<string, number>>;

export function createLastSeenReporter(options: LastSeenReporterOptions): LastSeenReporter {
  const { metrics, logger, maxPending } = options;
  const maxBatch = options.maxBatch ?? 1000;
  const callTimeoutMs = options.callTimeoutMs ?? Math.max(options.flushIntervalMs, 5000);
  let pending: Pending = new Map();
  let size = 0;
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> | undefined;
  // One warning per outage, not one per flush.
  let failing = false;

  /** Drops the earliest noted device (the first of the first application). */
  function dropEarliest(): void {
    for (const [applicationId, devices] of pending) {
      for (const deviceId of devices.keys()) {
        devices.delete(deviceId);
        if (devices.size === 0) pending.delete(applicationId);
        size--;
        metrics.dropped.inc();
        return;
      }
      pending.delete(applicationId);
    }
  }

  function note(target: Pending, applicationId: string, deviceId: string, atMs: number): void {
    const devices = target.get(applicationId);
    const known = devices?.get(deviceId);
    if (known !== undefined) {
      if (atMs > known) devices?.set(deviceId, atMs);
      return;
    }
    if (target === pending) {
      if (size >= maxPending) dropEarliest();
      size++;
    }
    // Looked up again: dropping may have removed the application's map.
    let into = target.get(applicationId);
    if (into === undefined) {
      into = new Map();
      target.set(applicationId, into);
    }
    into.set(deviceId, atMs);
  }

  async function send(batch: Pending): Promise<void> {
    const updates: { applicationId: string; deviceId: string; atMs: number }[] = [];
    for (const [applicationId, devices] of batch)
      for (const [deviceId, atMs] of devices) updates.push({ applicationId, deviceId, atMs });
    for (let from = 0; from < updates.length; from += maxBatch) {
      const chunk = updates.slice(from, from + maxBatch);
      try {
        await options.registry().batchUpdateLastSeen(
          create(BatchUpdateEndDeviceLastSeenRequestSchema, {
            updates: chunk.map((update) => ({
              ids: {
                applicationIds: { applicationId: update.applicationId },
                deviceId: update.deviceId,
              },
              lastSeenAt: timestampFromMs(update.atMs),
            })),
          }),
          { timeoutMs: callTimeoutMs },
        );
        metrics.reported.inc(chunk.length);
      } catch (error) {
        metrics.failures.inc();
        if (!failing)
          logger.warn(
            { err: error, devices: updates.length - from },
            "last-seen times not sent to the Identity Server; kept for the next flush",
          );
        failing = true;
        keep(updates.slice(from));
        return;
      }
    }
    if (failing) logger.info("last-seen times reach the Identity Server again");
    failing = false;
  }

  /**
   * Puts unsent devices back before those noted since (which keep their newer times), so that
   * the earliest noted are still the first dropped.
   */
  function keep(
    unsent: readonly { applicationId: string; deviceId: string; atMs: number }[],
  ): void {
    const merged: Pending = new Map();
    for (const update of unsent) note(merged, update.applicationId, update.deviceId, update.atMs);
    for (const [applicationId, devices] of pending)
      for (const [deviceId, atMs] of devices) note(merged, applicationId, deviceId, atMs);
    let count = 0;
    for (const devices of merged.values()) count += devices.size;
    pending = merged;
    size = count;
    while (size > maxPending) dropEarliest();
  }

  function flushOnce(): Promise<void> {
    if (size === 0) return Promise.resolve();
    const batch = pending;
    pending = new Map();
    size = 0;
    return send(batch);
  }

  const reporter: LastSeenReporter = {
    seen(applicationId, deviceId, atMs) {
      note(pending, applicationId, deviceId, atMs);
    },
    get pending() {
      return size;
    },
    flush() {
      const previous = flushing ?? Promise.resolve();
      const next = previous.then(flushOnce);
      flushing = next;
      void next.finally(() => {
        if (flushing === next) flushing = undefined;
      });
      return next;
    },
    start() {
      if (timer) return;
      timer = setInterval(() => {
        // A flush still in progress is not joined by another: the next tick sends what is new.
        if (!flushing) void reporter.flush();
      }, options.flushIntervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await reporter.flush();
    },
  };
  return reporter;
}
