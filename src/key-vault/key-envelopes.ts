/**
 * Keys in envelopes (`KeyEnvelope`): a key in plain (`key`) or wrapped with a KEK of the key
 * vault (RFC 3394, `encrypted_key` and `kek_label`). The Join and Network Servers wrap root and
 * session keys at rest, and the Join Server the session keys it hands out; receivers unwrap
 * with the same label.
 */
import { create } from "@bufbuild/protobuf";
import { type KeyEnvelope, KeyEnvelopeSchema } from "../gen/ttn/lorawan/v3/keys_pb.js";
import type { KeyVault } from "./key-vault.ts";

/** Whether an envelope holds a key, in plain or wrapped. */
export function hasKey(envelope: KeyEnvelope | undefined): envelope is KeyEnvelope {
  return !!envelope && (envelope.key.length > 0 || envelope.encryptedKey.length > 0);
}

/** The plain key of an envelope (unwrapped when wrapped); `undefined` when it holds none. */
export async function openKey(
  vault: KeyVault,
  envelope: KeyEnvelope | undefined,
): Promise<Uint8Array | undefined> {
  if (!hasKey(envelope)) return undefined;
  if (envelope.encryptedKey.length === 0) return envelope.key;
  return vault.unwrapKey({ kekLabel: envelope.kekLabel, encryptedKey: envelope.encryptedKey });
}

/**
 * An envelope of `key` wrapped with the KEK `label`, or in plain when `label` is empty; the
 * vault's `unknown_key` when it holds no such KEK.
 */
export async function sealKey(
  vault: KeyVault,
  key: Uint8Array,
  label: string,
): Promise<KeyEnvelope> {
  if (label === "") return create(KeyEnvelopeSchema, { key });
  const wrapped = await vault.wrapKey(key, label);
  return create(KeyEnvelopeSchema, {
    kekLabel: wrapped.kekLabel,
    encryptedKey: wrapped.encryptedKey,
  });
}
