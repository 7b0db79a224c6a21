/**
 * Session keys at rest: every session key the Network Server stores is wrapped with one KEK of
 * the key vault (`ns.device_kek_label`, or the vault's default), never kept in plain. Readers
 * get plain envelopes (`KeyEnvelope.key` only).
 */
import { create } from "@bufbuild/protobuf";
import type { EndDevice } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import {
  type KeyEnvelope,
  KeyEnvelopeSchema,
  type SessionKeys,
} from "../../gen/ttn/lorawan/v3/keys_pb.js";
import { hasKey, openKey } from "../../key-vault/key-envelopes.ts";
import type { KeyVault } from "../../key-vault/key-vault.ts";
import { errNoKek } from "../errors.ts";

/** The network session keys; the AppSKey is the Application Server's and never stored here. */
const keyFields = ["fNwkSIntKey", "sNwkSIntKey", "nwkSEncKey"] as const;

/** Every place of a device that holds session keys. */
function sessionKeysOf(device: EndDevice): SessionKeys[] {
  return [...sessionKeysByPlace(device).values()];
}

export class AtRestKeys {
  readonly vault: KeyVault;
  /** The KEK that wraps keys written from now on. */
  readonly label: string;

  /** `label`: `ns.device_kek_label`; empty: the vault's default. Throws `no_kek` without one. */
  constructor(vault: KeyVault, label: string) {
    const resolved = label || vault.defaultLabel;
    if (!resolved || !vault.labels().includes(resolved)) throw errNoKek.create({ label: resolved });
    this.vault = vault;
    this.label = resolved;
  }

  /** Unwraps every session key of `device` in place; drops any AppSKey. */
  async open(device: EndDevice): Promise<EndDevice> {
    for (const keys of sessionKeysOf(device)) {
      keys.appSKey = undefined;
      for (const field of keyFields) {
        const key = await openKey(this.vault, keys[field]);
        keys[field] = key ? create(KeyEnvelopeSchema, { key }) : undefined;
      }
    }
    return device;
  }

  /**
   * Wraps every session key of `device` in place with the current label; drops any AppSKey.
   * Keys equal to those of `stored` (same place, already wrapped with the current label) keep
   * their stored envelope, so that unchanged keys cost no wrapping.
   */
  async seal(
    device: EndDevice,
    stored?: { plain: EndDevice; sealed: EndDevice },
  ): Promise<EndDevice> {
    const before = stored ? sessionKeysByPlace(stored.plain) : undefined;
    const sealedBefore = stored ? sessionKeysByPlace(stored.sealed) : undefined;
    for (const [place, keys] of sessionKeysByPlace(device)) {
      keys.appSKey = undefined;
      for (const field of keyFields) {
        const key = await openKey(this.vault, keys[field]);
        if (!key) {
          keys[field] = undefined;
          continue;
        }
        const oldPlain = before?.get(place)?.[field]?.key;
        const oldSealed = sealedBefore?.get(place)?.[field];
        if (oldPlain && oldSealed && !this.needsRewrap(oldSealed) && sameBytes(oldPlain, key)) {
          keys[field] = oldSealed;
          continue;
        }
        const wrapped = await this.vault.wrapKey(key, this.label);
        keys[field] = create(KeyEnvelopeSchema, {
          kekLabel: wrapped.kekLabel,
          encryptedKey: wrapped.encryptedKey,
        });
      }
    }
    return device;
  }

  /** Whether a stored device holds a key not (only) wrapped with the current label. */
  deviceNeedsRewrap(device: EndDevice): boolean {
    return sessionKeysOf(device).some((keys) =>
      keyFields.some((field) => this.needsRewrap(keys[field])),
    );
  }

  /** Whether a stored envelope is not (only) wrapped with the current label. */
  needsRewrap(envelope: KeyEnvelope | undefined): boolean {
    if (!hasKey(envelope)) return false;
    return envelope.key.length > 0 || envelope.kekLabel !== this.label;
  }
}

/** The session keys of a device by where they are: the session, a queued join-accept, ... */
function sessionKeysByPlace(device: EndDevice): Map<string, SessionKeys> {
  const places = new Map<string, SessionKeys>();
  const add = (place: string, keys: SessionKeys | undefined) => {
    if (keys) places.set(place, keys);
  };
  add("session", device.session?.keys);
  add("pending_session", device.pendingSession?.keys);
  add("mac_state", device.macState?.queuedJoinAccept?.keys);
  add("pending_mac_state", device.pendingMacState?.queuedJoinAccept?.keys);
  return places;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
