/**
 * Where the Network Server's uplink, join and downlink paths read and change end devices. The
 * registry (src/network-server/registry/) is the durable truth; a store may keep devices and a
 * DevAddr index in memory and batch changes, as long as a resolved `commit` is durable and no
 * change overwrites another.
 */
import type { EndDevice } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import type { OutboxMessage } from "../registry/outbox.ts";
import type { DeviceChange, DeviceKey, NsDeviceRegistry } from "../registry/registry.ts";

/** What goes with a device change. */
export interface CommitOptions {
  /**
   * Messages for the Application Server written in the change's transaction (the outbox),
   * asked for once the change succeeded: they are durable exactly when the change is.
   */
  outbox?: () => readonly OutboxMessage[];
}

export interface NsDeviceStore {
  /**
   * Devices whose session or pending session has this DevAddr (4 bytes), session keys in plain:
   * the candidates of a data uplink. Callers must not change them (they may be shared).
   */
  candidates(devAddr: Uint8Array): Promise<readonly EndDevice[]>;
  /** The device (callers must not change it), or `undefined`. */
  get(key: DeviceKey): Promise<EndDevice | undefined>;
  /** The device that joins with this JoinEUI and DevEUI, or `undefined`. */
  getByEuis(joinEui: Uint8Array, devEui: Uint8Array): Promise<EndDevice | undefined>;
  /**
   * Changes the device atomically, as {@link NsDeviceRegistry.update}: `change` gets the stored
   * device (its own copy, to change and return) and resolves once the result is durable. A
   * change that throws rejects with its error and writes nothing of it.
   */
  commit(
    key: DeviceKey,
    change: DeviceChange,
    options?: CommitOptions,
  ): Promise<EndDevice | undefined>;
  /**
   * A device was changed past this store (by the registry's services): whatever is kept of it
   * is dropped, here and on every other instance.
   */
  changed(key: DeviceKey): void;
}

/**
 * The store without memory: every read and change goes to the registry. Correct on any number
 * of instances; the cached store is the fast one.
 */
export function registryDeviceStore(registry: NsDeviceRegistry): NsDeviceStore {
  return {
    candidates: (devAddr) => registry.rangeByDevAddr(devAddr),
    get: (key) => registry.get(key),
    getByEuis: (joinEui, devEui) => registry.getByEuis(joinEui, devEui),
    commit: async (key, change, options) => {
      const [device] = await registry.updateMany([{ key, change, outbox: options?.outbox }]);
      return device;
    },
    changed: () => {},
  };
}
