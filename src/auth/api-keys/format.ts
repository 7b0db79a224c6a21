import { randomBytes } from "node:crypto";
import { base32Length, encodeBase32 } from "./base32.ts";
import { errMalformedApiKey } from "./errors.ts";

// The Things Stack's tokens are `<type>.<id>.<secret>`, every part RFC 4648 base32 without
// padding. The type is the base32 of a three-letter word: "key" for API keys, which gives
// the familiar `NNSXS`. The ID has 24 random bytes, the secret 32.

/** The first part of every API key: base32 of "key". */
export const apiKeyPrefix = encodeBase32(new TextEncoder().encode("key"));

/** Random bytes in an API key ID (192 bits). */
export const apiKeyIdBytes = 24;
/** Random bytes in an API key secret (256 bits). */
export const apiKeySecretBytes = 32;
/** Characters in an API key ID: 39. */
export const apiKeyIdLength = base32Length(apiKeyIdBytes);
/** Characters in an API key secret: 52. */
export const apiKeySecretLength = base32Length(apiKeySecretBytes);

/** An API key: its public ID (stored, listed), secret (only hashed) and the full token. */
export interface ApiKey {
  readonly id: string;
  readonly secret: string;
  /** `NNSXS.<id>.<secret>`, shown to the user once at creation. */
  readonly token: string;
}

/** Joins an ID and a secret into the bearer token. */
export function formatApiKey(id: string, secret: string): string {
  return `${apiKeyPrefix}.${id}.${secret}`;
}

/** Generates a new API key from crypto-random bytes. */
export function generateApiKey(): ApiKey {
  const id = encodeBase32(randomBytes(apiKeyIdBytes));
  const secret = encodeBase32(randomBytes(apiKeySecretBytes));
  return { id, secret, token: formatApiKey(id, secret) };
}

const idPattern = new RegExp(`^[A-Z2-7]{${apiKeyIdLength}}$`);
const secretPattern = new RegExp(`^[A-Z2-7]{${apiKeySecretLength}}$`);

/**
 * Splits a bearer token into the key ID and secret. Throws `malformed_api_key`
 * (unauthenticated) unless it is `NNSXS.` + 39 + `.` + 52 upper-case base32 characters. The
 * error never echoes the token: it may be a real secret pasted in the wrong place.
 */
export function parseApiKey(token: string): { id: string; secret: string } {
  const parts = token.split(".");
  const [prefix, id, secret] = parts;
  if (
    parts.length !== 3 ||
    prefix !== apiKeyPrefix ||
    id === undefined ||
    secret === undefined ||
    !idPattern.test(id) ||
    !secretPattern.test(secret)
  ) {
    throw errMalformedApiKey.create();
  }
  return { id, secret };
}

/** Whether `token` looks like an API key (as opposed to an OAuth token), by its prefix. */
export function isApiKeyToken(token: string): boolean {
  return token.startsWith(`${apiKeyPrefix}.`);
}
