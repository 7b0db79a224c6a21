/**
 * A bounded cache of unwrapped keys by their wrapped form (KEK label and wrapped bytes), least
 * recently used dropped first: a stored key that did not change is not unwrapped again (an
 * unwrap is about 30 µs of AES per key). Keys live in memory only, as in the devices the
 * Network Server keeps in memory anyway.
 */
import type { KeyEnvelope } from "../../key-vault/key-vault.ts";

export class UnwrappedKeys {
  readonly #max: number;
  readonly #keys = new Map<string, Uint8Array>();

  constructor(maxKeys: number) {
    this.#max = Math.max(0, Math.floor(maxKeys));
  }

  get size(): number {
    return this.#keys.size;
  }

  /** The plain key of a wrapped one, when cached: the cache's own bytes, not to be changed. */
  get(wrapped: KeyEnvelope): Uint8Array | undefined {
    const id = idOf(wrapped);
    const key = this.#keys.get(id);
    if (key === undefined) return undefined;
    // A Map iterates in insertion order: re-inserting makes it the most recently used.
    this.#keys.delete(id);
    this.#keys.set(id, key);
    return key;
  }

  /** Remembers `plain` (which the cache keeps: not to be changed afterwards) for `wrapped`. */
  set(wrapped: KeyEnvelope, plain: Uint8Array): void {
    if (this.#max === 0) return;
    const id = idOf(wrapped);
    this.#keys.delete(id);
    this.#keys.set(id, plain);
    while (this.#keys.size > this.#max) {
      const oldest = this.#keys.keys().next().value as string;
      this.#keys.delete(oldest);
    }
  }
}

// The label's length makes the id unambiguous; latin1 maps each wrapped byte to one character.
function idOf(wrapped: KeyEnvelope): string {
  const bytes = wrapped.encryptedKey;
  return `${wrapped.kekLabel.length}:${wrapped.kekLabel}${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1")}`;
}
