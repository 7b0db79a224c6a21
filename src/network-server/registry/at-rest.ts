/**
 * Session keys at rest: every session key the Network Server stores is wrapped with one KEK of
 * the key vault (`ns.device_kek_label`, or the vault's default), never kept in plain. Readers
 * get plain envelopes (`KeyEnvelope.key` only).
 */
import { create } from "@bufbuild/protobuf";
import type { EndDevice, MACState, Session } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
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

/**
 * Every place of a device that holds session keys: how to read them, and how to give the
 * device other keys there without changing any message below it (the messages down to the
 * keys are copied; the rest stays shared), with what puts the place back.
 */
const places: readonly {
  name: string;
  keys(device: EndDevice): SessionKeys | undefined;
  withKeys(device: EndDevice, keys: SessionKeys): () => void;
}[] = [
  {
    name: "session",
    keys: (device) => device.session?.keys,
    withKeys: (device, keys) => {
      const session = device.session;
      device.session = { ...(session as Session), keys };
      return () => {
        device.session = session;
      };
    },
  },
  {
    name: "pending_session",
    keys: (device) => device.pendingSession?.keys,
    withKeys: (device, keys) => {
      const session = device.pendingSession;
      device.pendingSession = { ...(session as Session), keys };
      return () => {
        device.pendingSession = session;
      };
    },
  },
  {
    name: "mac_state",
    keys: (device) => device.macState?.queuedJoinAccept?.keys,
    withKeys: (device, keys) => {
      const state = device.macState;
      device.macState = withJoinAcceptKeys(state as MACState, keys);
      return () => {
        device.macState = state;
      };
    },
  },
  {
    name: "pending_mac_state",
    keys: (device) => device.pendingMacState?.queuedJoinAccept?.keys,
    withKeys: (device, keys) => {
      const state = device.pendingMacState;
      device.pendingMacState = withJoinAcceptKeys(state as MACState, keys);
      return () => {
        device.pendingMacState = state;
      };
    },
  },
];

function withJoinAcceptKeys(state: MACState, keys: SessionKeys): MACState {
  const joinAccept = state.queuedJoinAccept as NonNullable<MACState["queuedJoinAccept"]>;
  return { ...state, queuedJoinAccept: { ...joinAccept, keys } };
}

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

  /**
   * Unwraps every session key of `device` and drops any AppSKey, changing no message below
   * the device: where keys change, the device gets copies of the messages down to them.
   */
  async open(device: EndDevice): Promise<EndDevice> {
    for (const place of places) {
      const keys = place.keys(device);
      if (!keys || !needsOpening(keys)) continue;
      const opened = withoutAppSKey(keys);
      for (const field of keyFields) opened[field] = await this.#opened(keys[field]);
      place.withKeys(device, opened);
    }
    return device;
  }

  /**
   * Unwraps every session key of a `device` read from storage, in place (the device and all
   * its messages are the caller's), and drops any AppSKey; returns the envelopes it held, for
   * {@link seal} to reuse.
   */
  async openStored(device: EndDevice): Promise<StoredKeys> {
    const stored: StoredKeys = new Map();
    for (const place of places) {
      const keys = place.keys(device);
      if (!keys) continue;
      // Set only when there is one: a device read back has no such field at all.
      if (keys.appSKey !== undefined) keys.appSKey = undefined;
      const opened: Partial<Record<KeyField, { sealed: KeyEnvelope; plain: Uint8Array }>> = {};
      for (const field of keyFields) {
        const envelope = keys[field];
        if (!hasKey(envelope)) {
          keys[field] = undefined;
          continue;
        }
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
   * Wraps every session key of `device` (keys in plain) with the current label and drops any
   * AppSKey, for the device to be stored, changing no message below the device (as
   * {@link open}); returns what puts the plain keys back, so that the same device is written
   * and then handed on. Keys equal to those of `stored` (same place, wrapped with the current
   * label) keep their stored envelope: unchanged keys cost no wrap.
   */
  async seal(device: EndDevice, stored?: StoredKeys): Promise<() => void> {
    const restores: (() => void)[] = [];
    for (const place of places) {
      const keys = place.keys(device);
      if (!keys) continue;
      const sealed = withoutAppSKey(keys);
      for (const field of keyFields) {
        const envelope = keys[field];
        if (!hasKey(envelope)) {
          sealed[field] = undefined;
          continue;
        }
        const key = await this.#plain(envelope);
        const before = stored?.get(place.name)?.[field];
        if (before && !this.needsRewrap(before.sealed) && sameBytes(before.plain, key)) {
          sealed[field] = before.sealed;
          continue;
        }
        const wrapped = await this.vault.wrapKey(key, this.label);
        this.#unwrapped.set(wrapped, key.slice());
        sealed[field] = create(KeyEnvelopeSchema, {
          kekLabel: wrapped.kekLabel,
          encryptedKey: wrapped.encryptedKey,
        });
      }
      restores.push(place.withKeys(device, sealed));
    }
    return () => {
      for (const restore of restores.reverse()) restore();
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

  /** A plain envelope of the key `envelope` holds (itself when it is one already). */
  async #opened(envelope: KeyEnvelope | undefined): Promise<KeyEnvelope | undefined> {
    if (!hasKey(envelope)) return undefined;
    if (envelope.encryptedKey.length === 0 && envelope.kekLabel === "") return envelope;
    // A copy of the cached key: what callers do to theirs cannot reach the cache.
    return create(KeyEnvelopeSchema, { key: (await this.#plain(envelope)).slice() });
  }

  /** The plain key of an envelope holding one; the cache's own bytes, not to be changed. */
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

/** A copy of the keys without the AppSKey field, as a device read back has them. */
function withoutAppSKey(keys: SessionKeys): SessionKeys {
  const { appSKey: _dropped, ...copy } = keys;
  return copy;
}

/** Whether opening changes these keys: an AppSKey to drop, or a key not plain only. */
function needsOpening(keys: SessionKeys): boolean {
  if (keys.appSKey !== undefined) return true;
  return keyFields.some((field) => {
    const envelope = keys[field];
    return (
      envelope !== undefined &&
      (envelope.encryptedKey.length > 0 || envelope.kekLabel !== "" || envelope.key.length === 0)
    );
  });
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
