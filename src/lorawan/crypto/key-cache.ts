/**
 * A bounded cache of {@link AesKey} contexts by key bytes, so that functions taking a raw key
 * reuse the cipher contexts of earlier calls with the same key. Hot paths that already hold a
 * key per session can pass an `AesKey` instead and skip the lookup.
 */
import { AesKey } from "./aes-key.ts";
import { errInvalidKeyLength } from "./errors.ts";

/** A key given as raw bytes (looked up in the cache) or as an already opened {@link AesKey}. */
export type KeyInput = Uint8Array | AesKey;

/** How many keys the cache holds; past that, the oldest entry is dropped (first in, first out). */
export const AES_KEY_CACHE_CAPACITY = 4096;

/**
 * Contexts by a hash of their key bytes (a small integer, which a Map looks up faster than a
 * string built from the key); a bucket holds the rare keys whose hashes collide.
 */
const buckets = new Map<number, AesKey[]>();
/** Every cached context with its hash, in insertion order, for first-in-first-out eviction. */
const entries = new Map<AesKey, number>();

/** Mixes the key into a non-negative 30-bit integer (a V8 small integer). Exported for tests. */
export function hashKey(key: Uint8Array): number {
  let h = key.length;
  for (let i = 0; i + 3 < key.length; i += 4) {
    const word =
      (key[i] ?? 0) |
      ((key[i + 1] ?? 0) << 8) |
      ((key[i + 2] ?? 0) << 16) |
      ((key[i + 3] ?? 0) << 24);
    h = Math.imul(h ^ word, 0x9e3779b1);
    h ^= h >>> 15;
  }
  return h & 0x3fffffff;
}

/** The cached {@link AesKey} for `key` (16, 24 or 32 bytes), opened on first use. */
export function aesKey(key: Uint8Array): AesKey {
  const hash = hashKey(key);
  const bucket = buckets.get(hash);
  if (bucket !== undefined) {
    for (const context of bucket) if (context.hasKey(key)) return context;
  }
  const context = new AesKey(key);
  if (entries.size >= AES_KEY_CACHE_CAPACITY) evictOldest();
  if (bucket === undefined) buckets.set(hash, [context]);
  else bucket.push(context);
  entries.set(context, hash);
  return context;
}

function evictOldest(): void {
  const oldest = entries.entries().next();
  if (oldest.done === true) return;
  const [context, hash] = oldest.value;
  entries.delete(context);
  const bucket = buckets.get(hash);
  if (bucket === undefined) return;
  const rest = bucket.filter((other) => other !== context);
  if (rest.length === 0) buckets.delete(hash);
  else buckets.set(hash, rest);
}

/** Drops every cached context (for example after keys were rotated). */
export function clearAesKeyCache(): void {
  buckets.clear();
  entries.clear();
}

/** The number of keys in the cache (for tests and metrics). */
export function aesKeyCacheSize(): number {
  return entries.size;
}

/** Resolves a LoRaWAN key argument: an AES-128 key named `name` in errors. */
export function key128(name: string, key: KeyInput): AesKey {
  if (key.length !== 16) {
    throw errInvalidKeyLength.create({ key: name, expected: 16, length: key.length });
  }
  return key instanceof AesKey ? key : aesKey(key);
}

/** Resolves a KEK argument: AES-128, -192 or -256. */
export function anyAesKey(key: KeyInput): AesKey {
  return key instanceof AesKey ? key : aesKey(key);
}
