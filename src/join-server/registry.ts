/**
 * The Join Server's storage: its part of each end device (root keys, nonces, where session keys
 * go) and the keys of recent sessions. Keys are stored wrapped (`KeyEnvelope.encrypted_key`
 * and `kek_label`, never `key`) with the KEK `js.device_kek_label`; implementations wrap and
 * unwrap, callers see plain keys in `KeyEnvelope.key`. Every change is atomic (`update`).
 */
import type { EndDevice } from "../gen/ttn/lorawan/v3/end_device_pb.js";
import type { SessionKeys } from "../gen/ttn/lorawan/v3/keys_pb.js";

/** A device's application and device IDs. */
export interface DeviceKey {
  applicationId: string;
  deviceId: string;
}

/**
 * Computes a device's new state from its current one (root keys in plain): the device to
 * store, or `null` to delete it. Throwing aborts the change and nothing is written.
 */
export type DeviceChange = (
  current: EndDevice | undefined,
) => EndDevice | null | Promise<EndDevice | null>;

export interface JsDeviceRegistry {
  /** The device, root keys in plain; `undefined` when there is none. */
  get(key: DeviceKey): Promise<EndDevice | undefined>;
  /** The device with this JoinEUI and DevEUI (display order, 8 bytes each), root keys in plain. */
  getByEuis(joinEui: Uint8Array, devEui: Uint8Array): Promise<EndDevice | undefined>;
  /** Devices with this DevEUI, any JoinEUI (rejoin-requests of types 0 and 2 carry none). */
  findByDevEui(devEui: Uint8Array): Promise<EndDevice[]>;
  /**
   * Changes the device atomically: `change` sees the stored device and its result is written
   * before this resolves (durable: it survives kill -9 once resolved). Resolves to what was
   * stored (`undefined` when deleted or nothing changed from none). A JoinEUI/DevEUI pair
   * belongs to one device: taking another's throws the store's `index_value_taken`.
   */
  update(key: DeviceKey, change: DeviceChange): Promise<EndDevice | undefined>;
  /** {@link update} of the device with these EUIs; throws `errDeviceNotFound` when none. */
  updateByEuis(joinEui: Uint8Array, devEui: Uint8Array, change: DeviceChange): Promise<EndDevice>;
  /** Deletes devices of one application, all or none; unknown IDs are skipped. */
  deleteMany(applicationId: string, deviceIds: readonly string[]): Promise<DeviceKey[]>;
  /**
   * Re-wraps every stored key that is not wrapped with the current at-rest KEK (after a
   * rotation of `js.device_kek_label` or the key vault's default); resolves to how many
   * records changed.
   */
  rewrap(): Promise<number>;
}

export interface JsSessionKeyRegistry {
  /**
   * Stores the keys of a new session of a device (plain keys in, wrapped at rest), keeping
   * the latest `js.session_key_history` sessions of the device. `keys.session_key_id` is set.
   */
  put(joinEui: Uint8Array, devEui: Uint8Array, keys: SessionKeys): Promise<void>;
  /** The keys of a session in plain; throws `errSessionKeysNotFound`. */
  get(joinEui: Uint8Array, devEui: Uint8Array, sessionKeyId: Uint8Array): Promise<SessionKeys>;
  /** Forgets every session of a device (when it is deleted). */
  deleteDevice(joinEui: Uint8Array, devEui: Uint8Array): Promise<void>;
}
