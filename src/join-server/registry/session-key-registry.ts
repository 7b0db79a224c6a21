import { clone, create } from "@bufbuild/protobuf";
import { type EndDevice, EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { type SessionKeys, SessionKeysSchema } from "../../gen/ttn/lorawan/v3/keys_pb.js";
import type { AtRestKeys } from "../../key-vault/at-rest-keys.ts";
import { formatHex } from "../../lorawan/types/index.ts";
import { type RewrapOptions, rewrapRecords } from "../../storage/end-device-tables.ts";
import { errNotFound, type MessageStore } from "../../storage/message-store/index.ts";
import { errSessionKeysNotFound } from "../errors.ts";
import type { JsSessionKeyRegistry } from "../registry.ts";

/** The key envelopes of a session, by field. */
const keyFields = ["fNwkSIntKey", "sNwkSIntKey", "nwkSEncKey", "appSKey"] as const;

/**
 * {@link JsSessionKeyRegistry} on a {@link MessageStore}: one row per session (an `EndDevice`
 * with the EUIs and `session.keys`), keys wrapped with the at-rest KEK. A device keeps its
 * latest `history` sessions: session key IDs begin with their time, so the oldest are the
 * first in key order.
 */
export class SqlJsSessionKeyRegistry implements JsSessionKeyRegistry {
  readonly #store: MessageStore<typeof EndDeviceSchema>;
  readonly #keys: AtRestKeys;
  readonly #history: number;

  constructor(options: {
    store: MessageStore<typeof EndDeviceSchema>;
    keys: AtRestKeys;
    /** Sessions kept per device (`js.session_key_history`). */
    history: number;
  }) {
    this.#store = options.store;
    this.#keys = options.keys;
    this.#history = Math.max(1, Math.floor(options.history));
  }

  async put(joinEui: Uint8Array, devEui: Uint8Array, keys: SessionKeys): Promise<void> {
    if (keys.sessionKeyId.length === 0) throw new Error("session keys without session_key_id");
    const row = create(EndDeviceSchema, {
      ids: { joinEui, devEui },
      session: { keys: await this.#seal(keys) },
    });
    const scope = [formatHex(joinEui), formatHex(devEui)];
    await this.#store.transact(async (store) => {
      await store.update(store.spec.key(row), () => row);
      const { items } = await store.list(scope, {
        fieldMask: ["ids", "session.keys.session_key_id"],
      });
      const surplus = items.slice(0, Math.max(0, items.length - this.#history));
      if (surplus.length > 0)
        await store.updateMany(
          surplus.map((old) => store.spec.key(old)),
          () => null,
        );
    });
  }

  async get(
    joinEui: Uint8Array,
    devEui: Uint8Array,
    sessionKeyId: Uint8Array,
  ): Promise<SessionKeys> {
    const key = [formatHex(joinEui), formatHex(devEui), formatHex(sessionKeyId)];
    const stored =
      sessionKeyId.length > 0
        ? await this.#store.get(key).catch((error: unknown) => {
            if (errNotFound.matches(error)) return undefined;
            throw error;
          })
        : undefined;
    const sealed = stored?.session?.keys;
    if (!sealed)
      throw errSessionKeysNotFound.create({
        session_key_id: formatHex(sessionKeyId),
        join_eui: key[0],
        dev_eui: key[1],
      });
    const plain = create(SessionKeysSchema, { sessionKeyId: sealed.sessionKeyId });
    for (const field of keyFields) plain[field] = await this.#keys.open(sealed[field]);
    return plain;
  }

  async deleteDevice(joinEui: Uint8Array, devEui: Uint8Array): Promise<void> {
    const scope = [formatHex(joinEui), formatHex(devEui)];
    await this.#store.transact(async (store) => {
      const { items } = await store.list(scope, {
        fieldMask: ["ids", "session.keys.session_key_id"],
      });
      await store.updateMany(
        items.map((row) => store.spec.key(row)),
        () => null,
      );
    });
  }

  /** Re-wraps the keys of sessions not wrapped with the current at-rest KEK; how many changed. */
  async rewrap(options: RewrapOptions = {}): Promise<number> {
    // needsRewrap holds only for a row with session keys.
    return rewrapRecords(
      this.#store,
      (row) => this.#needsRewrap(row),
      async (row) => {
        const session = row.session as NonNullable<EndDevice["session"]>;
        session.keys = await this.#seal(session.keys as NonNullable<typeof session.keys>);
        return row;
      },
      options,
    );
  }

  #needsRewrap(row: EndDevice): boolean {
    const keys = row.session?.keys;
    return !!keys && keyFields.some((field) => this.#keys.needsRewrap(keys[field]));
  }

  async #seal(keys: SessionKeys): Promise<SessionKeys> {
    const sealed = clone(SessionKeysSchema, keys);
    for (const field of keyFields) sealed[field] = await this.#keys.seal(keys[field]);
    return sealed;
  }
}
