/**
 * The Network Server's storage, built once per process: the device registry on the database,
 * session keys wrapped at rest with `ns.device_kek_label` (or the key vault's default).
 */
import type { KeyVault } from "../../key-vault/key-vault.ts";
import type { Database } from "../../storage/index.ts";
import { MessageStore } from "../../storage/message-store/index.ts";
import type { NetworkServerConfig } from "../config.ts";
import { AtRestKeys } from "./at-rest.ts";
import { SqlNsDeviceRegistry } from "./device-registry.ts";
import { nsDeviceTable } from "./tables.ts";

export { AtRestKeys } from "./at-rest.ts";
export { type RewrapOptions, SqlNsDeviceRegistry } from "./device-registry.ts";
export { isNetworkServerPath, networkServerFields } from "./fields.ts";
export {
  type OutboxMessage,
  readOutbox,
  removeFromOutbox,
  type StoredOutboxMessage,
  writeOutbox,
} from "./outbox.ts";
export type {
  DevAddrScanner,
  DeviceAddresses,
  DeviceChange,
  DeviceKey,
  DeviceUpdate,
  NsDeviceRegistry,
} from "./registry.ts";
export { euisValue, nsDeviceTable } from "./tables.ts";

export interface NetworkServerRegistries {
  devices: SqlNsDeviceRegistry;
  /** The KEK label session keys are wrapped with at rest. */
  atRestLabel: string;
}

/** The registries; throws `no_kek` when the at-rest KEK is not in the key vault. */
export function createNetworkServerRegistries(options: {
  database: Database;
  keyVault: KeyVault;
  config: Pick<NetworkServerConfig["ns"], "device_kek_label">;
}): NetworkServerRegistries {
  const keys = new AtRestKeys(options.keyVault, options.config.device_kek_label);
  const devices = new SqlNsDeviceRegistry({
    store: new MessageStore(options.database.db, nsDeviceTable),
    keys,
  });
  return { devices, atRestLabel: keys.label };
}
