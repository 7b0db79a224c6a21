export { type KeyVaultConfig, keyVaultConfig } from "./config.ts";
export { errDecrypt, errKeyFile, errMalformedSecret, errUnknownKey } from "./errors.ts";
export type { KeyEnvelope, KeyVault, Secret } from "./key-vault.ts";
export { keyFilePath, type OpenKeyVaultOptions, openKeyVault } from "./open.ts";
export { ephemeralKeyVault, StaticKeyVault } from "./static-key-vault.ts";
