import {
  apiKeyHashNeedsUpgrade,
  hashApiKeySecret,
  parseApiKey,
  verifyApiKeySecret,
} from "./api-keys/index.ts";
import type { AccessLookup, Caller } from "./caller.ts";
import { errTokenExpired, errUnknownToken, errUnsupportedAuthorization } from "./errors.ts";
import { parseRights } from "./rights/index.ts";

/**
 * The caller of a request from its `Authorization` header, or `undefined` when it has none.
 * API keys (`NNSXS.<id>.<secret>`) are checked against their stored hash and expiry; every
 * failure is the same `unknown_token` so a caller cannot probe which part was wrong. Other
 * bearer tokens are OAuth access tokens, resolved by `lookup.accessToken` when there is one.
 */
export async function authenticate(
  authorization: string | null | undefined,
  lookup: AccessLookup,
  now: Date = new Date(),
): Promise<Caller | undefined> {
  if (authorization === null || authorization === undefined || authorization === "")
    return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match) throw errUnsupportedAuthorization.create();
  const token = match[1] as string;
  if (token.startsWith("NNSXS.")) return authenticateApiKey(token, lookup, now);
  if (lookup.accessToken) return authenticateAccessToken(token, lookup, now);
  throw errUnknownToken.create();
}

/** An OAuth access token: the user it was issued to, with its client's rights. */
async function authenticateAccessToken(
  token: string,
  lookup: AccessLookup,
  now: Date,
): Promise<Caller> {
  const found = await lookup.accessToken?.(token);
  if (!found) throw errUnknownToken.create();
  if (found.expiresAt.getTime() <= now.getTime()) {
    throw errTokenExpired.create({ expired_at: found.expiresAt.toISOString() });
  }
  return {
    kind: "user",
    userId: found.userId,
    rights: new Set(parseRights(found.rights)),
    via: "oauth",
  };
}

async function authenticateApiKey(token: string, lookup: AccessLookup, now: Date): Promise<Caller> {
  const { id, secret } = parseApiKey(token);
  const stored = await lookup.apiKey(id);
  if (!stored || !(await verifyApiKeySecret(secret, stored.secretHash)))
    throw errUnknownToken.create();
  if (stored.expiresAt && stored.expiresAt.getTime() <= now.getTime()) {
    throw errTokenExpired.create({ expired_at: stored.expiresAt.toISOString() });
  }
  // A key migrated from The Things Stack verified with PBKDF2: from now on a SHA-256.
  if (apiKeyHashNeedsUpgrade(stored.secretHash) && lookup.upgradeApiKeyHash)
    await lookup.upgradeApiKeyHash(stored.id, stored.secretHash, hashApiKeySecret(secret));
  return {
    kind: "api-key",
    keyId: stored.id,
    owner: stored.owner,
    rights: new Set(parseRights(stored.rights)),
  };
}
