/**
 * The Join Server's storage, built once per process: the device and session key registries on
 * the database, keys wrapped at rest with `js.device_kek_label` (or the key vault's default).
 */

import { AtRestKeys } from "../../key-vault/at-rest-keys.ts";
import type { KeyVault } from "../../key-vault/key-vault.ts";
import type { Database } from "../../storage/index.ts";
import { MessageStore } from "../../storage/message-store/index.ts";
import type { JoinServerConfig } from "../config.ts";
import { errNoKek } from "../errors.ts";
import { SqlJsDeviceRegistry } from "./device-registry.ts";
import { SqlJsSessionKeyRegistry } from "./session-key-registry.ts";
import { jsDeviceTable, jsSessionKeyTable } from "./tables.ts";

export { AtRestKeys } from "../../key-vault/at-rest-keys.ts";
export { type RewrapOptions, SqlJsDeviceRegistry } from "./device-registry.ts";
export { isJoinServerPath, joinServerFields } from "./fields.ts";
export { SqlJsSessionKeyRegistry } from "./session-key-registry.ts";
export { euisValue, jsDeviceTable, jsSessionKeyTable } from "./tables.ts";

export interface JoinServerRegistries {
  devices: SqlJsDeviceRegistry;
  sessionKeys: SqlJsSessionKeyRegistry;
  /** The KEK label keys are wrapped with at rest. */
  atRestLabel: string;
}

/** The registries; throws `no_kek` when the at-rest KEK is not in the key vault. */
export function createJoinServerRegistries(options: {
  database: Database;
  keyVault: KeyVault;
  config: JoinServerConfig["js"];
}): JoinServerRegistries {
  const { database, keyVault, config } = options;
  const keys = new AtRestKeys(keyVault, config.device_kek_label, (label) =>
    errNoKek.create({ label, receiver: "Join Server's storage" }),
  );
  const sessionKeys = new SqlJsSessionKeyRegistry({
    store: new MessageStore(database.db, jsSessionKeyTable),
    keys,
    history: config.session_key_history,
  });
  const devices = new SqlJsDeviceRegistry({
    store: new MessageStore(database.db, jsDeviceTable),
    keys,
    alsoRewrap: [sessionKeys],
  });
  return { devices, sessionKeys, atRestLabel: keys.label };
}
