import type { ApplicationLink } from "../gen/ttn/lorawan/v3/applicationserver_pb.js";
import type { EndDevice } from "../gen/ttn/lorawan/v3/end_device_pb.js";

/**
 * The Application Server's storage: its part of each end device (`ids`, `version_ids`,
 * `formatters`, `session` and `pending_session` with the AppSKey, `skip_payload_crypto_override`,
 * `locations`, `attributes`) and each application's link (default formatters, payload crypto).
 * AppSKeys are stored wrapped with the KEK `as.device_kek_label`; implementations wrap and
 * unwrap, callers see plain keys in `KeyEnvelope.key`. Every change is atomic (`update`) and
 * durable once it resolves (it survives kill -9).
 */

/** A device's application and device IDs. */
export interface DeviceKey {
  applicationId: string;
  deviceId: string;
}

/**
 * Computes a device's new state from its current one (AppSKeys in plain): the device to store,
 * or `null` to delete it. Throwing aborts the change and nothing is written.
 */
export type DeviceChange = (
  current: EndDevice | undefined,
) => EndDevice | null | Promise<EndDevice | null>;

export interface AsDeviceRegistry {
  /** The device, AppSKeys in plain; `undefined` when there is none. */
  get(key: DeviceKey): Promise<EndDevice | undefined>;
  /**
   * Changes the device atomically: `change` sees the stored device and its result is written
   * before this resolves. Resolves to what was stored (`undefined` when deleted).
   */
  update(key: DeviceKey, change: DeviceChange): Promise<EndDevice | undefined>;
  /** Deletes devices of one application, all or none; unknown IDs are skipped. */
  deleteMany(applicationId: string, deviceIds: readonly string[]): Promise<DeviceKey[]>;
  /** Re-wraps every AppSKey not wrapped with the current at-rest KEK; resolves to how many records changed. */
  rewrap(): Promise<number>;
}

export interface AsLinkRegistry {
  /** The application's link; `undefined` when none was set. */
  get(applicationId: string): Promise<ApplicationLink | undefined>;
  /** Stores the application's link (whole message), durable once resolved. */
  set(applicationId: string, link: ApplicationLink): Promise<ApplicationLink>;
  /** Forgets the application's link; true when there was one. */
  delete(applicationId: string): Promise<boolean>;
}
