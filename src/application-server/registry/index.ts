/**
 * The Application Server's storage, built once per process: the device and link registries on
 * the database, AppSKeys wrapped at rest with `as.device_kek_label` (or the key vault's default).
 */

import { AtRestKeys } from "../../key-vault/at-rest-keys.ts";
import type { KeyVault } from "../../key-vault/key-vault.ts";
import type { Database } from "../../storage/index.ts";
import { MessageStore } from "../../storage/message-store/index.ts";
import { errNoKek } from "../errors.ts";
import { SqlAsDeviceRegistry } from "./device-registry.ts";
import { SqlAsLinkRegistry } from "./link-registry.ts";
import { asDeviceTable, asLinkTable } from "./tables.ts";

export { AtRestKeys } from "../../key-vault/at-rest-keys.ts";
export { type RewrapOptions, SqlAsDeviceRegistry } from "./device-registry.ts";
export { applicationServerFields } from "./fields.ts";
export { SqlAsLinkRegistry, type UpdatableLinkRegistry } from "./link-registry.ts";
export { asDeviceTable, asLinkTable } from "./tables.ts";

export interface ApplicationServerRegistries {
  devices: SqlAsDeviceRegistry;
  links: SqlAsLinkRegistry;
  /** The KEK label AppSKeys are wrapped with at rest. */
  atRestLabel: string;
}

/** The registries; throws `no_kek` when the at-rest KEK is not in the key vault. */
export function createApplicationServerRegistries(options: {
  database: Database;
  keyVault: KeyVault;
  /** `as.device_kek_label`; empty: the key vault's default. */
  deviceKekLabel: string;
  now?: () => number;
}): ApplicationServerRegistries {
  const keys = new AtRestKeys(options.keyVault, options.deviceKekLabel, (label) =>
    errNoKek.create({ label }),
  );
  return {
    devices: new SqlAsDeviceRegistry({
      store: new MessageStore(options.database.db, asDeviceTable),
      keys,
      ...(options.now ? { now: options.now } : {}),
    }),
    links: new SqlAsLinkRegistry(new MessageStore(options.database.db, asLinkTable)),
    atRestLabel: keys.label,
  };
}
