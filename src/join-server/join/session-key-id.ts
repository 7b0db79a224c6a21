/**
 * Session key IDs: 16 bytes, the time in milliseconds (6 bytes, big-endian) then 10 random
 * bytes, so that IDs sort by creation like ULIDs and never collide in practice.
 */
import { randomBytes } from "node:crypto";

export const SESSION_KEY_ID_LENGTH = 16;

/** A session key ID for `nowMs` with `random` (10 bytes) after it. */
export function sessionKeyId(nowMs: number, random: Uint8Array = randomBytes(10)): Uint8Array {
  const id = new Uint8Array(SESSION_KEY_ID_LENGTH);
  let time = Math.floor(nowMs);
  for (let i = 5; i >= 0; i--) {
    id[i] = time % 256;
    time = Math.floor(time / 256);
  }
  id.set(random.subarray(0, 10), 6);
  return id;
}
