/**
 * Keys at rest for a component's registry (the Join Server's root and session keys, the
 * Application Server's AppSKeys): every key it stores is wrapped with one KEK of the key vault
 * (its `device_kek_label`, or the vault's default), never kept in plain. Readers get plain
 * envelopes (`KeyEnvelope.key` only).
 */
import { create } from "@bufbuild/protobuf";
import { type KeyEnvelope, KeyEnvelopeSchema } from "../gen/ttn/lorawan/v3/keys_pb.js";
import { hasKey, openKey } from "./key-envelopes.ts";
import type { KeyVault } from "./key-vault.ts";

export class AtRestKeys {
  readonly vault: KeyVault;
  /** The KEK that wraps keys written from now on. */
  readonly label: string;

  /**
   * `label`: the component's `device_kek_label`; empty: the vault's default. Throws what
   * `noKek` makes (the component's `no_kek`) when the vault has no such KEK.
   */
  constructor(vault: KeyVault, label: string, noKek: (label: string) => Error) {
    const resolved = label || vault.defaultLabel;
    if (!resolved || !vault.labels().includes(resolved)) throw noKek(resolved);
    this.vault = vault;
    this.label = resolved;
  }

  /** The plain envelope of a stored one (`undefined` when it holds no key). */
  async open(envelope: KeyEnvelope | undefined): Promise<KeyEnvelope | undefined> {
    const key = await openKey(this.vault, envelope);
    return key ? create(KeyEnvelopeSchema, { key }) : undefined;
  }

  /**
   * The envelope to store for `envelope` (plain or wrapped with any KEK the vault holds):
   * wrapped with the current label. `stored`, what is stored now, is kept when it already
   * wraps the same key with the current label, so that unchanged keys cost no wrapping.
   */
  async seal(
    envelope: KeyEnvelope | undefined,
    stored?: { plain: Uint8Array | undefined; envelope: KeyEnvelope | undefined },
  ): Promise<KeyEnvelope | undefined> {
    const key = await openKey(this.vault, envelope);
    if (!key) return undefined;
    if (
      stored?.plain &&
      stored.envelope &&
      !this.needsRewrap(stored.envelope) &&
      sameBytes(stored.plain, key)
    )
      return stored.envelope;
    const wrapped = await this.vault.wrapKey(key, this.label);
    return create(KeyEnvelopeSchema, {
      kekLabel: wrapped.kekLabel,
      encryptedKey: wrapped.encryptedKey,
    });
  }

  /** Whether a stored envelope is not (only) wrapped with the current label. */
  needsRewrap(envelope: KeyEnvelope | undefined): boolean {
    if (!hasKey(envelope)) return false;
    return envelope.key.length > 0 || envelope.kekLabel !== this.label;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
