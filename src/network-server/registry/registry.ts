/**
 * The Network Server's storage of end devices: its part of each device (MAC settings, sessions,
 * MAC state). Session keys are stored wrapped with the KEK `ns.device_kek_label`;
 * implementations wrap and unwrap, callers see plain keys in `KeyEnvelope.key`. Every change
 * is atomic (`update`).
 */
import type { EndDevice } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import type { OutboxMessage } from "./outbox.ts";

/** A device's application and device IDs. */
export interface DeviceKey {
  applicationId: string;
  deviceId: string;
}

/**
 * Computes a device's new state from its current one (session keys in plain): the device to
 * store, or `null` to delete it. Throwing aborts the change and nothing is written. `current`
 * is the change's own; returned, it becomes the registry's (it is what callers and caches get,
 * without a copy): not to be changed afterwards. Messages taken from elsewhere are not changed.
 */
export type DeviceChange = (
  current: EndDevice | undefined,
) => EndDevice | null | Promise<EndDevice | null>;

/**
 * One change of {@link NsDeviceRegistry.updateMany}. `outbox`, called once the change's device
 * is written, gives messages for the Application Server that are written in the same
 * transaction (the outbox, see outbox.ts): they exist exactly when the change does.
 */
export interface DeviceUpdate {
  key: DeviceKey;
  change: DeviceChange;
  outbox?: (() => readonly OutboxMessage[]) | undefined;
}

export interface NsDeviceRegistry {
  /** The device, session keys in plain; `undefined` when there is none. */
  get(key: DeviceKey): Promise<EndDevice | undefined>;
  /**
   * Devices whose session or pending session has this DevAddr (4 bytes), session keys in
   * plain: the candidates of an uplink, to be told apart by MIC.
   */
  rangeByDevAddr(devAddr: Uint8Array): Promise<EndDevice[]>;
  /**
   * Changes the device atomically: `change` sees the stored device and its result is written
   * before this resolves (durable once resolved). Resolves to what was stored (`undefined`
   * when deleted). A JoinEUI/DevEUI pair belongs to one device: taking another's throws the
   * store's `index_value_taken`.
   */
  update(key: DeviceKey, change: DeviceChange): Promise<EndDevice | undefined>;
  /**
   * Changes many devices in one transaction (a group commit): each change sees its device as
   * stored (or as the previous change of the same key left it). A change that throws aborts
   * the whole transaction: callers that batch unrelated work catch inside their changes.
   * Resolves, per change, to what was stored (`undefined` when deleted or absent).
   */
  updateMany(changes: readonly DeviceUpdate[]): Promise<(EndDevice | undefined)[]>;
  /** The device that joins with this JoinEUI and DevEUI (`supports_join`), session keys in plain. */
  getByEuis(joinEui: Uint8Array, devEui: Uint8Array): Promise<EndDevice | undefined>;
  /** Deletes devices of one application, all or none; unknown IDs are skipped. */
  deleteMany(applicationId: string, deviceIds: readonly string[]): Promise<DeviceKey[]>;
}

/**
 * Where a device's sessions are addressed: what an in-memory DevAddr index holds of it. DevAddrs
 * are 4 bytes; absent when the device has no (pending) session.
 */
export interface DeviceAddresses {
  key: DeviceKey;
  devAddr?: Uint8Array;
  pendingDevAddr?: Uint8Array;
  /** When the stored device last changed (ms since the epoch; 0 when unknown). */
  updatedAtMs: number;
}

/** A registry that can be walked cheaply to build a DevAddr index. */
export interface DevAddrScanner {
  /**
   * Every device's key and DevAddrs, in key order, read in batches by key; session keys are
   * not unwrapped. Devices written during the walk may be seen before or after their change.
   */
  scanAddresses(options?: { batchSize?: number }): AsyncIterable<DeviceAddresses>;
}
