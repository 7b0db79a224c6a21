import { errorNamespace } from "../errors/index.ts";

const errors = errorNamespace("key-vault");

export const errUnknownKey = errors.failedPrecondition(
  "unknown_key",
  "no key encryption key labelled `{label}` is configured (key_vault.keys)",
);
export const errDecrypt = errors.dataLoss(
  "decrypt",
  "the secret encrypted under `{label}` cannot be decrypted (wrong key or altered data)",
);
export const errMalformedSecret = errors.dataLoss(
  "malformed_secret",
  "the secret encrypted under `{label}` is not in a known format",
);
export const errKeyFile = errors.failedPrecondition(
  "key_file",
  "the key vault file {file} cannot be used: {reason}",
);
