import { Counter, Gauge, type Registry } from "prom-client";

/** The cached device store's metrics. */
export interface DeviceStoreMetrics {
  /** Candidate lookups by result: `unknown` (answered by the index alone), `hit`, `miss`. */
  lookups: Counter<"result">;
  /** Group-commit transactions by result (`ok`, `failed`). */
  batches: Counter<"result">;
  /** Changes written through group commit. */
  commits: Counter;
  /** Sync messages by what happened: `published`, `applied`, `failed` (a lookup after `changed`). */
  syncs: Counter<"result">;
  /** Full re-scans of the registry. */
  resyncs: Counter<"result">;
  indexedDevices: Gauge;
  cachedDevices: Gauge;
}

export function deviceStoreMetrics(registry: Registry): DeviceStoreMetrics {
  const registers = [registry];
  return {
    lookups: new Counter({
      name: "lorastack_ns_device_store_lookups_total",
      help: "DevAddr lookups by result: unknown (index only), hit or miss of the device cache",
      labelNames: ["result"],
      registers,
    }),
    batches: new Counter({
      name: "lorastack_ns_device_store_batches_total",
      help: "Group-commit transactions by result",
      labelNames: ["result"],
      registers,
    }),
    commits: new Counter({
      name: "lorastack_ns_device_store_commits_total",
      help: "Device changes written through group commit",
      registers,
    }),
    syncs: new Counter({
      name: "lorastack_ns_device_store_syncs_total",
      help: "Device change messages between instances, by result",
      labelNames: ["result"],
      registers,
    }),
    resyncs: new Counter({
      name: "lorastack_ns_device_store_resyncs_total",
      help: "Re-scans of the registry that rebuild the DevAddr index, by result",
      labelNames: ["result"],
      registers,
    }),
    indexedDevices: new Gauge({
      name: "lorastack_ns_device_store_indexed_devices",
      help: "Devices in the in-memory DevAddr index",
      registers,
    }),
    cachedDevices: new Gauge({
      name: "lorastack_ns_device_store_cached_devices",
      help: "Decoded devices in the in-memory cache",
      registers,
    }),
  };
}
