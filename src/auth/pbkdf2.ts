import { pbkdf2, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";

const derive = promisify(pbkdf2);

// The Things Stack stores password hashes, and API key secrets, as
// `PBKDF2$<sha256|sha512>$<iterations>$<salt>$<key>`: the salt is used as the bytes of its
// text and the key is unpadded base64url. Verifying that format lets users migrated from The
// Things Stack keep their passwords and API keys; we never write it.

// Bounds keep a corrupt row from costing unbounded CPU.
const maxIterations = 10_000_000;
const maxKeyBytes = 128;

/** Whether `stored` is in The Things Stack's PBKDF2 hash format (by its prefix). */
export function isPbkdf2Hash(stored: string): boolean {
  return stored.slice(0, 7).toUpperCase() === "PBKDF2$";
}

/** Verifies `plain` against a PBKDF2 hash of The Things Stack; false when malformed. */
export async function verifyPbkdf2(plain: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 5 || !isPbkdf2Hash(stored)) return false;
  const [, algorithm, iterationsText, salt, key] = parts as [
    string,
    string,
    string,
    string,
    string,
  ];
  if (algorithm !== "sha256" && algorithm !== "sha512") return false;
  if (!/^[1-9][0-9]{0,7}$/.test(iterationsText)) return false;
  const iterations = Number(iterationsText);
  if (iterations > maxIterations || salt === "" || !/^[A-Za-z0-9_-]+$/.test(key)) return false;
  const expected = Buffer.from(key, "base64url");
  // A non-canonical encoding would decode to the same bytes as some other stored text.
  if (expected.toString("base64url") !== key || expected.length > maxKeyBytes) return false;
  const actual = await derive(plain, salt, iterations, expected.length, algorithm);
  return timingSafeEqual(actual, expected);
}
