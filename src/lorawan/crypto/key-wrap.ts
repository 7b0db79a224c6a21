/**
 * AES key wrap (RFC 3394 §2.2), used for keys that travel or rest wrapped by a key
 * encryption key (KEK), as in the LoRaWAN Backend Interfaces. The KEK may be AES-128, -192 or
 * -256; the key data is a whole number (at least two) of 64-bit blocks; the output is one
 * block longer and starts with the integrity check value A6A6A6A6A6A6A6A6 once unwrapped.
 */
import { errInvalidFieldLength, errKeyUnwrapIntegrity } from "./errors.ts";
import { equalBytes } from "./fields.ts";
import { anyAesKey, type KeyInput } from "./key-cache.ts";

/** The RFC 3394 default initial value. */
const IV = new Uint8Array([0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6]);

function checkSemiblocks(field: string, bytes: Uint8Array, min: number): number {
  if (bytes.length % 8 !== 0 || bytes.length < min * 8) {
    throw errInvalidFieldLength.create({
      field,
      expected: `a multiple of 8 and at least ${min * 8}`,
      length: bytes.length,
    });
  }
  return bytes.length / 8;
}

/** XORs the 64-bit big-endian step counter `t` into the 8 bytes of `a` at `offset`. */
function xorCounter(a: Uint8Array, offset: number, t: number): void {
  for (let i = 7; i >= 0 && t > 0; i--) {
    a[offset + i] = (a[offset + i] ?? 0) ^ (t & 0xff);
    t = Math.floor(t / 256);
  }
}

/** Wraps `keyData` (16 bytes or more, a multiple of 8) with `kek`; the result is 8 bytes longer. */
export function wrapKey(kek: KeyInput, keyData: Uint8Array): Uint8Array {
  const aes = anyAesKey(kek);
  const n = checkSemiblocks("key data", keyData, 2);
  const out = new Uint8Array(keyData.length + 8);
  out.set(IV, 0);
  out.set(keyData, 8);
  const block = new Uint8Array(16);
  for (let j = 0; j <= 5; j++) {
    for (let i = 1; i <= n; i++) {
      block.set(out.subarray(0, 8), 0);
      block.set(out.subarray(i * 8, i * 8 + 8), 8);
      const b = aes.encrypt(block);
      out.set(b.subarray(0, 8), 0);
      xorCounter(out, 0, n * j + i);
      out.set(b.subarray(8, 16), i * 8);
    }
  }
  return out;
}

/**
 * Unwraps `wrapped` with `kek`. Throws {@link errKeyUnwrapIntegrity} when the integrity check
 * fails, which is what a wrong KEK or altered data gives.
 */
export function unwrapKey(kek: KeyInput, wrapped: Uint8Array): Uint8Array {
  const aes = anyAesKey(kek);
  const n = checkSemiblocks("wrapped key", wrapped, 3) - 1;
  const a = wrapped.slice(0, 8);
  const r = wrapped.slice(8);
  const block = new Uint8Array(16);
  for (let j = 5; j >= 0; j--) {
    for (let i = n; i >= 1; i--) {
      block.set(a, 0);
      xorCounter(block, 0, n * j + i);
      block.set(r.subarray((i - 1) * 8, i * 8), 8);
      const b = aes.decrypt(block);
      a.set(b.subarray(0, 8));
      r.set(b.subarray(8, 16), (i - 1) * 8);
    }
  }
  if (!equalBytes(a, 0, IV, 0, 8)) {
    r.fill(0);
    throw errKeyUnwrapIntegrity.create();
  }
  return r;
}
