import { createHash, randomBytes } from "node:crypto";

/**
 * A new secret token (login tokens, temporary passwords, invitations, e-mail validations):
 * 256 random bits as 43 base64url characters.
 */
export function newSecretToken(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * What a secret token is stored as: its SHA-256 in hex. The tokens are random, so a plain hash
 * is enough, and a lookup by hash costs no password hashing, even for anonymous callers.
 */
export function secretTokenHash(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}
