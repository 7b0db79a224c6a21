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
import { hasKey } from "../../key-vault/key-envelopes.ts";
import type { KeyVault } from "../../key-vault/key-vault.ts";
import { errNoKek } from "../errors.ts";
import { UnwrappedKeys } from "./unwrapped-keys.ts";

/** The network session keys; the AppSKey is the Application Server's and never stored here. */
const keyFields = ["fNwkSIntKey", "sNwkSIntKey", "nwkSEncKey"] as const;
type KeyField = (typeof keyFields)[number];

/** Every place of a device that holds session keys. */
const places: readonly {
  name: string;
  keys(device: EndDevice): SessionKeys | undefined;
}[] = [
  { name: "session", keys: (device) => device.session?.keys },
  { name: "pending_session", keys: (device) => device.pendingSession?.keys },
  { name: "mac_state", keys: (device) => device.macState?.queuedJoinAccept?.keys },
  { name: "pending_mac_state", keys: (device) => device.pendingMacState?.queuedJoinAccept?.keys },
];

/**
 * The envelopes a stored device held and their plain keys, by place and field: what sealing
 * its next state reuses for the keys that did not change.
 */
export type StoredKeys = Map<
  string,
  Partial<Record<KeyField, { sealed: KeyEnvelope; plain: Uint8Array }>>
>;

export interface AtRestKeysOptions {
  /** Unwrapped keys kept in memory at most (default 100,000; 0: none). */
  unwrappedCacheSize?: number;
}

export class AtRestKeys {
  readonly vault: KeyVault;
  /** The KEK that wraps keys written from now on. */
  readonly label: string;
  readonly #unwrapped: UnwrappedKeys;

  /** `label`: `ns.device_kek_label`; empty: the vault's default. Throws `no_kek` without one. */
  constructor(vault: KeyVault, label: string, options: AtRestKeysOptions = {}) {
    const resolved = label || vault.defaultLabel;
    if (!resolved || !vault.labels().includes(resolved)) throw errNoKek.create({ label: resolved });
    this.vault = vault;
    this.label = resolved;
    this.#unwrapped = new UnwrappedKeys(options.unwrappedCacheSize ?? 100_000);
  }

  /** Unwraps every session key of `device` in place; drops any AppSKey. */
  async open(device: EndDevice): Promise<EndDevice> {
    await this.openStored(device);
    return device;
  }

  /**
   * Unwraps every session key of a stored `device` in place, as {@link open}, and returns the
   * envelopes it held, for {@link sealed} to reuse.
   */
  async openStored(device: EndDevice): Promise<StoredKeys> {
    const stored: StoredKeys = new Map();
    for (const place of places) {
      const keys = place.keys(device);
      if (!keys) continue;
      keys.appSKey = undefined;
      const opened: Partial<Record<KeyField, { sealed: KeyEnvelope; plain: Uint8Array }>> = {};
      for (const field of keyFields) {
        const envelope = keys[field];
        if (!hasKey(envelope)) {
          keys[field] = undefined;
          continue;
        }
        // A plain envelope stays as it is: only wrapped ones cost an unwrap.
        if (envelope.encryptedKey.length === 0 && envelope.kekLabel === "") continue;
        const plain = await this.#plain(envelope);
        // The device gets its own copy: what callers do to it cannot reach the cache.
        keys[field] = create(KeyEnvelopeSchema, { key: plain.slice() });
        opened[field] = { sealed: envelope, plain };
      }
      stored.set(place.name, opened);
    }
    return stored;
  }

  /**
   * Wraps every session key of `device` (keys in plain) in place with the current label and
   * drops any AppSKey, for the device to be stored; returns what puts the plain keys back (the
   * device is written and handed on without a copy). Keys equal to those of `stored` (same
   * place, wrapped with the current label) keep their stored envelope: unchanged keys cost no
   * wrap.
   */
  async seal(device: EndDevice, stored?: StoredKeys): Promise<() => void> {
    const replaced: { keys: SessionKeys; field: KeyField; plain: KeyEnvelope }[] = [];
    for (const place of places) {
      const keys = place.keys(device);
      if (!keys) continue;
      keys.appSKey = undefined;
      for (const field of keyFields) {
        const envelope = keys[field];
        if (!hasKey(envelope)) {
          keys[field] = undefined;
          continue;
        }
        const key = envelope.encryptedKey.length > 0 ? await this.#plain(envelope) : envelope.key;
        replaced.push({ keys, field, plain: envelope });
        const before = stored?.get(place.name)?.[field];
        if (before && !this.needsRewrap(before.sealed) && sameBytes(before.plain, key)) {
          keys[field] = before.sealed;
          continue;
        }
        const wrapped = await this.vault.wrapKey(key, this.label);
        this.#unwrapped.set(wrapped, key.slice());
        keys[field] = create(KeyEnvelopeSchema, {
          kekLabel: wrapped.kekLabel,
          encryptedKey: wrapped.encryptedKey,
        });
      }
    }
    return () => {
      for (const { keys, field, plain } of replaced) keys[field] = plain;
    };
  }

  /** Whether a stored device holds a key not (only) wrapped with the current label. */
  deviceNeedsRewrap(device: EndDevice): boolean {
    return places.some((place) => {
      const keys = place.keys(device);
      return keys !== undefined && keyFields.some((field) => this.needsRewrap(keys[field]));
    });
  }

  /** Whether a stored envelope is not (only) wrapped with the current label. */
  needsRewrap(envelope: KeyEnvelope | undefined): boolean {
    if (!hasKey(envelope)) return false;
    return envelope.key.length > 0 || envelope.kekLabel !== this.label;
  }

  /** The plain key of an envelope holding one; the unwrapped copy is the cache's, not to change. */
  async #plain(envelope: KeyEnvelope): Promise<Uint8Array> {
    if (envelope.encryptedKey.length === 0) return envelope.key;
    const cached = this.#unwrapped.get(envelope);
    if (cached) return cached;
    const wrapped = { kekLabel: envelope.kekLabel, encryptedKey: envelope.encryptedKey };
    const plain = await this.vault.unwrapKey(wrapped);
    this.#unwrapped.set(wrapped, plain.slice());
    return plain;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
