/**
 * AppSKeys at rest: every AppSKey the Application Server stores is wrapped with one KEK of the
 * key vault (`as.device_kek_label`, or the vault's default), never kept in plain. Readers get
 * plain envelopes (`KeyEnvelope.key` only).
 */
import { create } from "@bufbuild/protobuf";
import { type KeyEnvelope, KeyEnvelopeSchema } from "../../gen/ttn/lorawan/v3/keys_pb.js";
import { hasKey, openKey } from "../../key-vault/key-envelopes.ts";
import type { KeyVault } from "../../key-vault/key-vault.ts";
import { errNoKek } from "../errors.ts";

export class AtRestKeys {
  readonly vault: KeyVault;
  /** The KEK that wraps keys written from now on. */
  readonly label: string;

  /** `label`: `as.device_kek_label`; empty: the vault's default. Throws `no_kek` without one. */
  constructor(vault: KeyVault, label: string) {
    const resolved = label || vault.defaultLabel;
    if (!resolved || !vault.labels().includes(resolved)) throw errNoKek.create({ label: resolved });
    this.vault = vault;
    this.label = resolved;
  }

  /** The plain envelope of a stored one (`undefined` when it holds no key). */
  async open(envelope: KeyEnvelope | undefined): Promise<KeyEnvelope | undefined> {
    const key = await openKey(this.vault, envelope);
    return key ? create(KeyEnvelopeSchema, { key }) : undefined;
  }

  /**
   * The envelope to store for `envelope` (plain, or wrapped with any KEK the vault holds):
   * wrapped with the current label. `stored` is kept when it already wraps the same key with
   * the current label, so that an unchanged key costs no wrapping.
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
      Buffer.from(stored.plain).equals(Buffer.from(key))
    )
      return stored.envelope;
    const wrapped = await this.vault.wrapKey(key, this.label);
    return create(KeyEnvelopeSchema, {
      kekLabel: wrapped.kekLabel,
      encryptedKey: wrapped.encryptedKey,
    });
  }

  /** Whether a stored envelope is in plain or wrapped with another label than the current. */
  needsRewrap(envelope: KeyEnvelope | undefined): boolean {
    if (!hasKey(envelope)) return false;
    return envelope.key.length > 0 || envelope.kekLabel !== this.label;
  }
}
