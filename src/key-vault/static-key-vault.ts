import { type CipherGCMTypes, createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { unwrapKey, wrapKey } from "../lorawan/crypto/key-wrap.ts";
import { errDecrypt, errMalformedSecret, errUnknownKey } from "./errors.ts";
import type { KeyEnvelope, KeyVault, Secret } from "./key-vault.ts";

/** The first byte of every value this vault encrypts: the format, so it can change later. */
const formatV1 = 0x01;
const nonceLength = 12;
const tagLength = 16;
const ciphers: Record<number, CipherGCMTypes> = {
  16: "aes-128-gcm",
  24: "aes-192-gcm",
  32: "aes-256-gcm",
};

/** Whether `key` has the length of an AES key (16, 24 or 32 bytes). */
export function isAesKeyLength(key: Uint8Array): boolean {
  return ciphers[key.length] !== undefined;
}

/**
 * A key vault over KEKs held in memory (from configuration or the data directory's key file).
 * A value is `0x01 ‖ nonce (12) ‖ ciphertext ‖ tag (16)`, AES-GCM under the KEK with a fresh
 * random nonce, the label bound as associated data: a value only decrypts under the label it
 * was stored with.
 */
export class StaticKeyVault implements KeyVault {
  readonly defaultLabel: string;
  readonly #keys: ReadonlyMap<string, Uint8Array>;

  /** `keys`: AES keys by label; `defaultLabel` must be one of them. */
  constructor(keys: ReadonlyMap<string, Uint8Array>, defaultLabel: string) {
    for (const [label, key] of keys) {
      if (!isAesKeyLength(key))
        throw new RangeError(`key ${label} must be 16, 24 or 32 bytes, not ${key.length}`);
    }
    this.#keys = new Map(keys);
    if (!this.#keys.has(defaultLabel)) throw errUnknownKey.create({ label: defaultLabel });
    this.defaultLabel = defaultLabel;
  }

  labels(): string[] {
    return [...this.#keys.keys()];
  }

  async encrypt(plaintext: Uint8Array, label = this.defaultLabel): Promise<Secret> {
    const key = this.#key(label);
    const nonce = randomBytes(nonceLength);
    const cipher = createCipheriv(algorithm(key), key, nonce, { authTagLength: tagLength });
    cipher.setAAD(associatedData(label));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const tag = cipher.getAuthTag();
    const value = Buffer.concat([Uint8Array.of(formatV1), nonce, body, tag]);
    return { keyId: label, value: new Uint8Array(value) };
  }

  async decrypt(secret: Secret): Promise<Uint8Array> {
    const label = secret.keyId;
    const key = this.#key(label);
    const value = secret.value;
    if (value.length < 1 + nonceLength + tagLength || value[0] !== formatV1)
      throw errMalformedSecret.create({ label });
    const nonce = value.subarray(1, 1 + nonceLength);
    const body = value.subarray(1 + nonceLength, value.length - tagLength);
    const tag = value.subarray(value.length - tagLength);
    const decipher = createDecipheriv(algorithm(key), key, nonce, { authTagLength: tagLength });
    decipher.setAAD(associatedData(label));
    decipher.setAuthTag(tag);
    try {
      return new Uint8Array(Buffer.concat([decipher.update(body), decipher.final()]));
    } catch (error) {
      throw errDecrypt.create({ label }, error);
    }
  }

  async reencrypt(secret: Secret, label = this.defaultLabel): Promise<Secret> {
    const plaintext = await this.decrypt(secret);
    try {
      return await this.encrypt(plaintext, label);
    } finally {
      plaintext.fill(0);
    }
  }

  async wrapKey(key: Uint8Array, label = this.defaultLabel): Promise<KeyEnvelope> {
    return { kekLabel: label, encryptedKey: wrapKey(this.#key(label), key) };
  }

  async unwrapKey(envelope: KeyEnvelope): Promise<Uint8Array> {
    return unwrapKey(this.#key(envelope.kekLabel), envelope.encryptedKey);
  }

  #key(label: string): Uint8Array {
    const key = this.#keys.get(label);
    if (!key) throw errUnknownKey.create({ label });
    return key;
  }
}

function algorithm(key: Uint8Array): CipherGCMTypes {
  return ciphers[key.length] as CipherGCMTypes;
}

function associatedData(label: string): Uint8Array {
  return Buffer.from(`lorastack secret v1 ${label}`, "utf8");
}

/** A vault with one random key that lives in memory only: secrets die with it. For tests. */
export function ephemeralKeyVault(label = "ephemeral"): StaticKeyVault {
  return new StaticKeyVault(new Map([[label, new Uint8Array(randomBytes(32))]]), label);
}
