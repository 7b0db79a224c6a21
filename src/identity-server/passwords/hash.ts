import { hash, parseOptions, verify } from "@node-rs/argon2";
import { isPbkdf2Hash, verifyPbkdf2 } from "../../auth/pbkdf2.ts";

// Argon2id with 19 MiB, 2 passes, 1 lane: OWASP's minimum recommendation for argon2id
// (also the library's defaults, stated here so they cannot drift). The algorithm is the
// library's default, argon2id; the tests pin it.
const parameters = { memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

const argon2idPrefix = "$argon2id$";

/** Hashes a password with argon2id into a PHC string (`$argon2id$v=19$m=...`). */
export async function hashPassword(password: string): Promise<string> {
  return hash(password, parameters);
}

/**
 * Whether `password` matches `stored`: an argon2id PHC string, or a PBKDF2 hash migrated
 * from The Things Stack. A malformed or unknown stored hash is a mismatch, never a throw, so
 * one corrupt row cannot turn a login into a server error.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  try {
    if (stored.startsWith(argon2idPrefix)) return await verify(stored, password);
    if (isPbkdf2Hash(stored)) return await verifyPbkdf2(password, stored);
  } catch {
    return false;
  }
  return false;
}

/**
 * Whether `stored` should be replaced by a fresh {@link hashPassword} after the next
 * successful login: it is not argon2id or was made with weaker parameters.
 */
export function passwordNeedsRehash(stored: string): boolean {
  if (!stored.startsWith(argon2idPrefix)) return true;
  try {
    const used = parseOptions(stored);
    return (
      used.memoryCost < parameters.memoryCost ||
      used.timeCost < parameters.timeCost ||
      used.parallelism < parameters.parallelism ||
      used.outputLen < parameters.outputLen
    );
  } catch {
    return true;
  }
}

/**
 * A fresh {@link hashPassword} of `password`, which just matched `stored`, when `stored` is in
 * an older form (PBKDF2 from The Things Stack, weaker argon2id); `undefined` when it is current.
 */
export async function upgradedPasswordHash(
  password: string,
  stored: string,
): Promise<string | undefined> {
  return passwordNeedsRehash(stored) ? hashPassword(password) : undefined;
}
