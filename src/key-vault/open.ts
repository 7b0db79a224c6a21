import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Logger } from "../log/logger.ts";
import type { KeyVaultConfig } from "./config.ts";
import { errUnknownKey } from "./errors.ts";
import { createKeyFile, isExposed, type KeyFile, readKeyFile } from "./key-file.ts";
import type { KeyVault } from "./key-vault.ts";
import { StaticKeyVault } from "./static-key-vault.ts";

/** The embedded default's key file in the data directory. */
export function keyFilePath(dataDir: string): string {
  return resolve(join(dataDir, "key-vault.json"));
}

export interface OpenKeyVaultOptions {
  section: KeyVaultConfig;
  dataDir: string;
  logger: Logger;
  /** Whether instances share the database (PostgreSQL): then every one needs the same keys. */
  sharedDatabase?: boolean;
}

/**
 * The process's key vault: the keys of `key_vault.keys`, plus those of the data directory's
 * key file when it exists (so secrets stored under the embedded default still decrypt after
 * keys are configured). Without configured keys the key file is the vault; on the first start
 * it is created with one random key, and the log says so.
 */
export async function openKeyVault(options: OpenKeyVaultOptions): Promise<KeyVault> {
  const { section, logger } = options;
  const file = keyFilePath(options.dataDir);
  const configured = new Map(
    Object.entries(section.key_vault.keys).map(([label, hex]) => [
      label,
      new Uint8Array(Buffer.from(hex, "hex")),
    ]),
  );
  let keyFile: KeyFile | undefined = await readKeyFile(file);
  if (!keyFile && configured.size === 0) {
    await mkdir(options.dataDir, { recursive: true });
    const made = await createKeyFile(file);
    keyFile = made.keyFile;
    if (made.created) {
      logger.warn(
        { file, label: keyFile.defaultLabel },
        "created a key encryption key for secrets at rest; back it up (secrets stored under it cannot be read without it) or configure key_vault.keys",
      );
    }
  }
  if (keyFile && (await isExposed(file)))
    logger.warn({ file }, "the key vault file can be read by other users: chmod 600 it");

  const keys = new Map(keyFile?.keys ?? []);
  for (const [label, key] of configured) keys.set(label, key);
  const defaultLabel =
    section.key_vault.default_label ||
    (configured.size > 0 ? (configured.keys().next().value as string) : keyFile?.defaultLabel);
  if (!defaultLabel || !keys.has(defaultLabel))
    throw errUnknownKey.create({ label: defaultLabel ?? "" });
  if (configured.size === 0 && options.sharedDatabase) {
    logger.warn(
      { file },
      "secrets are encrypted with this instance's own key file: configure the same key_vault.keys on every instance sharing the database",
    );
  }
  logger.info({ labels: [...keys.keys()], default: defaultLabel }, "key vault ready");
  return new StaticKeyVault(keys, defaultLabel);
}
