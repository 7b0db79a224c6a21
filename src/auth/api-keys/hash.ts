import { createHash, timingSafeEqual } from "node:crypto";
import { isPbkdf2Hash, verifyPbkdf2 } from "../pbkdf2.ts";

// Why a single SHA-256 and not argon2 or PBKDF2: slow, salted hashes exist to make guessing
// low-entropy passwords expensive. An API key secret is 256 crypto-random bits, so there is
// nothing to guess: finding a secret for a stolen hash is a 2^256 preimage search, and since
// no two secrets are alike a salt would add nothing either. A slow hash would cost every
// authenticated request 10-50 ms of CPU (argon2 also 19 MiB of memory) for no security gain.
// The stored form names its scheme so it can change later, and The Things Stack's PBKDF2
// hashes of migrated keys still verify (see apiKeyHashNeedsUpgrade).

const scheme = "SHA256$";
const digestLength = 32;

function digest(secret: string): Buffer {
  return createHash("sha256").update(secret, "utf8").digest();
}

/** The stored form of an API key secret: `SHA256$<base64url digest>`. */
export function hashApiKeySecret(secret: string): string {
  return scheme + digest(secret).toString("base64url");
}

/**
 * Whether `secret` matches the stored hash, compared in constant time. Also accepts The
 * Things Stack's `PBKDF2$...` hashes of migrated keys. Malformed stored hashes never match.
 */
export async function verifyApiKeySecret(secret: string, stored: string): Promise<boolean> {
  if (stored.startsWith(scheme)) {
    const expected = Buffer.from(stored.slice(scheme.length), "base64url");
    if (expected.length !== digestLength) return false;
    return timingSafeEqual(digest(secret), expected);
  }
  if (isPbkdf2Hash(stored)) {
    try {
      return await verifyPbkdf2(secret, stored);
    } catch {
      return false;
    }
  }
  return false;
}

/**
 * Whether a stored hash is in a form other than {@link hashApiKeySecret}'s (a migrated
 * PBKDF2 hash): replace it with `hashApiKeySecret(secret)` once the secret has verified,
 * so later requests skip the slow legacy check.
 */
export function apiKeyHashNeedsUpgrade(stored: string): boolean {
  return !stored.startsWith(scheme);
}
