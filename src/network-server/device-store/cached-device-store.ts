/**
 * The fast {@link NsDeviceStore} of the uplink hot path: a complete DevAddr index and a bounded
 * cache of decoded devices in memory, kept consistent across instances through PubSub, and
 * changes written by group commit.
 */
import { randomUUID } from "node:crypto";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { Registry } from "prom-client";
import type { PubSub, Topic, Unsubscribe } from "../../cluster/pubsub.ts";
import type { EndDevice } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import type { Logger } from "../../log/logger.ts";
import type { DevAddrScanner, DeviceKey, NsDeviceRegistry } from "../registry/registry.ts";
import {
  DevAddrIndex,
  devAddrNumber,
  deviceKeyString,
  type SessionAddresses,
} from "./dev-addr-index.ts";
import { DeviceCache } from "./device-cache.ts";
import type { CommitOptions, NsDeviceStore } from "./device-store.ts";
import { type CommittedBatch, GroupCommit } from "./group-commit.ts";
import { type DeviceStoreMetrics, deviceStoreMetrics } from "./metrics.ts";
import { type DeviceSyncMessage, deviceSyncCodec, deviceSyncTopic } from "./sync-message.ts";

export interface CachedDeviceStoreOptions {
  registry: NsDeviceRegistry & DevAddrScanner;
  pubsub: PubSub;
  logger: Logger;
  /** Where the store's metrics are registered; none: not exported. */
  metrics?: Registry;
  /** How long a change waits for others to share its transaction (default 2 ms). */
  intervalMs?: number;
  /** Changes per transaction at most (default 1000). */
  maxBatch?: number;
  /** How often the DevAddr index is rebuilt from the registry (default 5 minutes; 0: never). */
  resyncIntervalMs?: number;
  /** Decoded devices kept in memory at most (default 100,000). */
  maxCachedDevices?: number;
  /** This instance's id in sync messages (default a random UUID). */
  instanceId?: string;
  /** Devices read per query when the registry is scanned (default 1000). */
  scanBatchSize?: number;
}

export interface CachedDeviceStore extends NsDeviceStore {
  /** Builds the DevAddr index (a scan of the registry) and starts listening and resyncing. */
  start(): Promise<void>;
  /** Writes the changes still queued, then stops; commits after this reject. */
  stop(): Promise<void>;
  /**
   * Rebuilds the index from the registry and drops cached devices that changed there since
   * they were cached (what a lost sync message left stale). Runs every `resyncIntervalMs`.
   */
  resync(): Promise<void>;
  /** Group-commit transactions written so far. */
  readonly transactions: number;
}

export const cachedDeviceStoreDefaults = {
  intervalMs: 2,
  maxBatch: 1000,
  resyncIntervalMs: 5 * 60_000,
  maxCachedDevices: 100_000,
  scanBatchSize: 1000,
};

/** A read of the registry in flight: made stale by any change of its device meanwhile. */
interface Flight {
  stale: boolean;
}

const addressesOf = (device: EndDevice): SessionAddresses => ({
  devAddr: device.session?.devAddr,
  pendingDevAddr: device.pendingSession?.devAddr,
});

const updatedAtMs = (device: EndDevice): number =>
  device.updatedAt ? timestampMs(device.updatedAt) : 0;

// A refresh after `changed` that raced with another change reads again, this many times.
const REFRESH_ATTEMPTS = 3;

export function createCachedDeviceStore(options: CachedDeviceStoreOptions): CachedDeviceStore {
  return new CachedStore(options);
}

class CachedStore implements CachedDeviceStore {
  readonly #registry: NsDeviceRegistry & DevAddrScanner;
  readonly #logger: Logger;
  readonly #metrics: DeviceStoreMetrics;
  readonly #instanceId: string;
  readonly #topic: Topic<DeviceSyncMessage>;
  readonly #resyncIntervalMs: number;
  readonly #scanBatchSize: number;
  readonly #cache: DeviceCache;
  readonly #commits: GroupCommit;
  #index = new DevAddrIndex();
  readonly #loads = new Map<string, Promise<EndDevice | undefined>>();
  readonly #flights = new Map<string, Set<Flight>>();
  /** While a resync scans: the index changes made meanwhile, to lay over what it read. */
  #touched: Map<string, { key: DeviceKey; addresses: SessionAddresses | undefined }> | undefined;
  #resyncing: Promise<void> | undefined;
  #unsubscribe: Unsubscribe | undefined;
  #unsubscribeGap: Unsubscribe | undefined;
  readonly #pubsub: PubSub;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: CachedDeviceStoreOptions) {
    const settings = { ...cachedDeviceStoreDefaults, ...definedOnly(options) };
    this.#registry = options.registry;
    this.#logger = options.logger;
    this.#metrics = deviceStoreMetrics(options.metrics ?? new Registry());
    this.#instanceId = options.instanceId ?? randomUUID();
    this.#pubsub = options.pubsub;
    this.#topic = options.pubsub.topic(deviceSyncTopic, deviceSyncCodec);
    this.#resyncIntervalMs = settings.resyncIntervalMs;
    this.#scanBatchSize = settings.scanBatchSize;
    this.#cache = new DeviceCache(settings.maxCachedDevices);
    this.#commits = new GroupCommit({
      registry: options.registry,
      intervalMs: settings.intervalMs,
      maxBatch: Math.max(1, settings.maxBatch),
      onCommitted: (batch) => this.#committed(batch),
      onFailed: (keys) => {
        // The transaction may or may not have committed (a lost connection): read again.
        const unique = new Map(keys.map((key) => [deviceKeyString(key), key]));
        this.#metrics.batches.inc({ result: "failed" });
        for (const key of unique.values()) this.changed(key);
      },
    });
  }

  get transactions(): number {
    return this.#commits.transactions;
  }

  async start(): Promise<void> {
    // Listening first: what other instances change during the first scan is laid over it.
    this.#unsubscribe ??= this.#topic.subscribe((message) => this.#received(message));
    // Sync messages of other instances may be lost in a PubSub gap (Redis restarted or out
    // of reach): read the registry again then rather than at the next periodic resync.
    this.#unsubscribeGap ??= this.#pubsub.onGap?.(() => {
      this.#logger.info("device sync messages may be missing: resyncing the DevAddr index");
      this.resync().catch((error: unknown) =>
        this.#logger.warn({ err: error }, "resync after a pubsub gap failed"),
      );
    });
    await this.resync();
    if (this.#resyncIntervalMs > 0 && !this.#timer) {
      this.#timer = setInterval(() => {
        this.resync().catch(() => {});
      }, this.#resyncIntervalMs);
      this.#timer.unref();
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#commits.stop();
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#unsubscribeGap?.();
    this.#unsubscribeGap = undefined;
    await this.#resyncing?.catch(() => {});
  }

  async candidates(devAddr: Uint8Array): Promise<readonly EndDevice[]> {
    const address = devAddrNumber(devAddr);
    const keys = address === undefined ? [] : this.#index.lookup(devAddr);
    if (keys.length === 0) {
      this.#metrics.lookups.inc({ result: "unknown" });
      return [];
    }
    const devices = await Promise.all(keys.map((key) => this.get(key)));
    // The index may be behind a change another instance made: the device decides.
    return devices.filter(
      (device): device is EndDevice =>
        device !== undefined &&
        (devAddrNumber(device.session?.devAddr) === address ||
          devAddrNumber(device.pendingSession?.devAddr) === address),
    );
  }

  async get(key: DeviceKey): Promise<EndDevice | undefined> {
    const id = deviceKeyString(key);
    const cached = this.#cache.get(id);
    if (cached) {
      this.#metrics.lookups.inc({ result: "hit" });
      return cached;
    }
    this.#metrics.lookups.inc({ result: "miss" });
    return this.#loads.get(id) ?? this.#load(key, id);
  }

  getByEuis(joinEui: Uint8Array, devEui: Uint8Array): Promise<EndDevice | undefined> {
    // Joins are not the hot path, and the EUIs are not indexed here.
    return this.#registry.getByEuis(joinEui, devEui);
  }

  commit(
    key: DeviceKey,
    change: Parameters<NsDeviceStore["commit"]>[1],
    options?: CommitOptions,
  ): Promise<EndDevice | undefined> {
    return this.#commits.commit(key, change, options?.outbox);
  }

  changed(key: DeviceKey): void {
    const id = deviceKeyString(key);
    this.#forget(id);
    void this.#refresh(key, id, REFRESH_ATTEMPTS);
  }

  resync(): Promise<void> {
    this.#resyncing ??= this.#scan().finally(() => {
      this.#resyncing = undefined;
    });
    return this.#resyncing;
  }

  /** One `get` of the registry for a device not cached, shared by concurrent callers. */
  async #load(key: DeviceKey, id: string): Promise<EndDevice | undefined> {
    const flight = this.#fly(id);
    const loading = this.#registry.get(key).then((device) => {
      if (!flight.stale) {
        if (device) this.#cache.set(id, device);
        this.#setIndex(key, device && addressesOf(device));
      }
      return device;
    });
    this.#loads.set(id, loading);
    try {
      return await loading;
    } finally {
      this.#land(id, flight);
      if (this.#loads.get(id) === loading) this.#loads.delete(id);
    }
  }

  /** Reads a device changed past this store and tells every instance its addresses. */
  async #refresh(key: DeviceKey, id: string, attempts: number): Promise<void> {
    const flight = this.#fly(id);
    let device: EndDevice | undefined;
    try {
      device = await this.#registry.get(key);
    } catch (error) {
      this.#metrics.syncs.inc({ result: "failed" });
      this.#logger.warn({ err: error, device: key }, "changed device could not be read");
      return;
    } finally {
      this.#land(id, flight);
    }
    // Another change came in meanwhile: what was read may be older than it.
    if (flight.stale && attempts > 1) return this.#refresh(key, id, attempts - 1);
    const addresses = device && addressesOf(device);
    this.#setIndex(key, addresses);
    this.#publish(key, addresses);
  }

  #committed(batch: CommittedBatch): void {
    // The last result of each device is its state now.
    const last = new Map<string, { key: DeviceKey; device: EndDevice | undefined }>();
    batch.keys.forEach((key, i) => {
      last.set(deviceKeyString(key), { key, device: batch.results[i] });
    });
    this.#metrics.batches.inc({ result: "ok" });
    this.#metrics.commits.inc(batch.keys.length);
    for (const [id, { key, device }] of last) {
      this.#forget(id);
      if (device) this.#cache.set(id, device);
      const addresses = device && addressesOf(device);
      this.#setIndex(key, addresses);
      this.#publish(key, addresses);
    }
    this.#metrics.cachedDevices.set(this.#cache.size);
  }

  #received(message: DeviceSyncMessage): void {
    if (message.instanceId === this.#instanceId) return;
    const id = deviceKeyString(message.key);
    this.#forget(id);
    this.#setIndex(message.key, message);
    this.#metrics.syncs.inc({ result: "applied" });
  }

  #publish(key: DeviceKey, addresses: SessionAddresses | undefined): void {
    this.#topic.publish({ instanceId: this.#instanceId, key, ...addresses });
    this.#metrics.syncs.inc({ result: "published" });
  }

  /** Drops the cached copy and makes reads in flight of the device stale. */
  #forget(id: string): void {
    this.#cache.delete(id);
    this.#loads.delete(id);
    for (const flight of this.#flights.get(id) ?? []) flight.stale = true;
  }

  #fly(id: string): Flight {
    const flight = { stale: false };
    let flights = this.#flights.get(id);
    if (!flights) {
      flights = new Set();
      this.#flights.set(id, flights);
    }
    flights.add(flight);
    return flight;
  }

  #land(id: string, flight: Flight): void {
    const flights = this.#flights.get(id);
    flights?.delete(flight);
    if (flights?.size === 0) this.#flights.delete(id);
  }

  #setIndex(key: DeviceKey, addresses: SessionAddresses | undefined): void {
    this.#index.set(key, addresses ?? {});
    this.#touched?.set(deviceKeyString(key), { key, addresses });
    this.#metrics.indexedDevices.set(this.#index.size);
  }

  async #scan(): Promise<void> {
    const fresh = new DevAddrIndex();
    const touched = new Map<string, { key: DeviceKey; addresses: SessionAddresses | undefined }>();
    this.#touched = touched;
    // Cached devices not seen in the scan were deleted past this store.
    const unseen = new Set([...this.#cache.entries()].map(([id]) => id));
    try {
      for await (const stored of this.#registry.scanAddresses({ batchSize: this.#scanBatchSize })) {
        fresh.set(stored.key, stored);
        const id = deviceKeyString(stored.key);
        unseen.delete(id);
        const cached = this.#cache.peek(id);
        if (cached && !touched.has(id) && updatedAtMs(cached) !== stored.updatedAtMs)
          this.#cache.delete(id);
      }
    } catch (error) {
      this.#metrics.resyncs.inc({ result: "failed" });
      this.#logger.error({ err: error }, "device index resync failed");
      throw error;
    } finally {
      this.#touched = undefined;
    }
    for (const { key, addresses } of touched.values()) fresh.set(key, addresses ?? {});
    for (const id of unseen) if (!touched.has(id)) this.#cache.delete(id);
    this.#index = fresh;
    this.#metrics.resyncs.inc({ result: "ok" });
    this.#metrics.indexedDevices.set(fresh.size);
    this.#metrics.cachedDevices.set(this.#cache.size);
  }
}

/** The options that are set (so that an explicit `undefined` keeps the default). */
function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}
