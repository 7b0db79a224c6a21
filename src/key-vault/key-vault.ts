/**
 * Secrets at rest: values encrypted, and keys wrapped, under key encryption keys (KEKs)
 * named by label. A stored value keeps the label it was encrypted under, so that keys can be
 * rotated: a new default label encrypts from then on, older labels still decrypt, and
 * {@link KeyVault.reencrypt} moves a value to the current key.
 */

/** An encrypted value and the label of its KEK, as The Things Stack's `Secret{key_id, value}`. */
export interface Secret {
  keyId: string;
  value: Uint8Array;
}

/** A key wrapped with a KEK (RFC 3394), as The Things Stack's `KeyEnvelope`. */
export interface KeyEnvelope {
  kekLabel: string;
  encryptedKey: Uint8Array;
}

export interface KeyVault {
  /** The label that encrypts and wraps when none is named. */
  readonly defaultLabel: string;
  /** Every label this vault holds a key for. */
  labels(): string[];
  /** Encrypts `plaintext` with AES-GCM under the KEK `label` (default: the default label). */
  encrypt(plaintext: Uint8Array, label?: string): Promise<Secret>;
  /** Decrypts a value of {@link encrypt}; fails when altered or its KEK is not configured. */
  decrypt(secret: Secret): Promise<Uint8Array>;
  /** The same plaintext encrypted under `label` (default: the default label): rotation. */
  reencrypt(secret: Secret, label?: string): Promise<Secret>;
  /** Wraps a key (16 bytes or more, a multiple of 8) with the KEK `label` (RFC 3394). */
  wrapKey(key: Uint8Array, label?: string): Promise<KeyEnvelope>;
  /** Unwraps a key of {@link wrapKey}; fails when the KEK is wrong or the envelope altered. */
  unwrapKey(envelope: KeyEnvelope): Promise<Uint8Array>;
}
