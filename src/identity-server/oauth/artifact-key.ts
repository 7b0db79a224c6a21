import { createHash } from "node:crypto";

/**
 * The key an OAuth artifact is stored under: the SHA-256 of its ID, in hex. For opaque tokens
 * and codes the ID is the secret itself, so the database never holds a value that works as a
 * token; the IDs are random (at least 126 bits), so a plain hash is enough. 64 hex characters
 * never equal an ID oidc-provider makes (21 or 43 base64url characters).
 */
export function artifactKey(id: string): string {
  return createHash("sha256").update(id).digest("hex");
}

/** The key requests of a client address are grouped under, without keeping the address. */
export function addressHash(address: string): string {
  return createHash("sha256").update(`address\0${address}`).digest("hex").slice(0, 32);
}
