export { encodeBase32 } from "./base32.ts";
export { errMalformedApiKey } from "./errors.ts";
export {
  type ApiKey,
  apiKeyIdBytes,
  apiKeyIdLength,
  apiKeyPrefix,
  apiKeySecretBytes,
  apiKeySecretLength,
  formatApiKey,
  generateApiKey,
  isApiKeyToken,
  parseApiKey,
} from "./format.ts";
export { apiKeyHashNeedsUpgrade, hashApiKeySecret, verifyApiKeySecret } from "./hash.ts";
