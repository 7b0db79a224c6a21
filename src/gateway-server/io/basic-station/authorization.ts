/**
 * The LNS credential of a station: its `Authorization` header, which carries the gateway's
 * `lbs_lns_secret` either as it is or as `Bearer <secret>` (The Things Stack reads both).
 */
import { createHash, timingSafeEqual } from "node:crypto";

/** The secret a header presents; undefined when there is no header or it is empty. */
export function presentedSecret(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const value = header.startsWith("Bearer ") ? header.slice(7) : header;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

/**
 * Whether the presented secret is the gateway's, compared in constant time (digests of equal
 * length, so neither the content nor the length of the secret leaks through timing).
 */
export function secretMatches(presented: string, secret: Uint8Array | undefined): boolean {
  if (secret === undefined || secret.length === 0) return false;
  const digest = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest();
  return timingSafeEqual(digest(presented), digest(secret));
}
