import { clone, create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  type EndDevice,
  EndDeviceSchema,
  type Session,
} from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { type SessionKeys, SessionKeysSchema } from "../../gen/ttn/lorawan/v3/keys_pb.js";
import type { AtRestKeys } from "../../key-vault/at-rest-keys.ts";
import {
  deleteEndDevices,
  type RewrapOptions,
  rewrapRecords,
} from "../../storage/end-device-tables.ts";
import {
  applyFieldMask,
  errNotFound,
  type MessageStore,
} from "../../storage/message-store/index.ts";
import type { AsDeviceRegistry, DeviceChange, DeviceKey } from "../registry.ts";
import { applicationServerFields } from "./fields.ts";

export type { RewrapOptions };

/** The sessions of a device, by field: each holds at most one AppSKey. */
const sessionFields = ["session", "pendingSession"] as const;

/**
 * {@link AsDeviceRegistry} on a {@link MessageStore}: only the Application Server's fields are
 * stored (of session keys only the session key ID and the AppSKey), AppSKeys wrapped with the
 * at-rest KEK; readers get them in plain. Each write sets `updated_at` (and `created_at` on
 * creation).
 */
export class SqlAsDeviceRegistry implements AsDeviceRegistry {
  readonly #store: MessageStore<typeof EndDeviceSchema>;
  readonly #keys: AtRestKeys;
  readonly #now: () => number;

  constructor(options: {
    store: MessageStore<typeof EndDeviceSchema>;
    keys: AtRestKeys;
    now?: () => number;
  }) {
    this.#store = options.store;
    this.#keys = options.keys;
    this.#now = options.now ?? Date.now;
  }

  async get(key: DeviceKey): Promise<EndDevice | undefined> {
    try {
      return await this.#open(await this.#store.get([key.applicationId, key.deviceId]));
    } catch (error) {
      if (errNotFound.matches(error)) return undefined;
      throw error;
    }
  }

  async update(key: DeviceKey, change: DeviceChange): Promise<EndDevice | undefined> {
    let result: EndDevice | undefined;
    await this.#store.update([key.applicationId, key.deviceId], async (stored) => {
      const current = stored ? await this.#open(clone(EndDeviceSchema, stored)) : undefined;
      const next = await change(
        current === undefined ? undefined : clone(EndDeviceSchema, current),
      );
      if (next === null) {
        result = undefined;
        return null;
      }
      const kept = applyFieldMask(EndDeviceSchema, next, applicationServerFields);
      for (const field of sessionFields) {
        const session = kept[field];
        if (session?.keys) session.keys = ownKeys(session.keys);
      }
      kept.createdAt = stored?.createdAt ?? kept.createdAt ?? timestampFromMs(this.#now());
      kept.updatedAt = timestampFromMs(this.#now());
      const sealed = await this.#seal(clone(EndDeviceSchema, kept), stored, current);
      // What the caller gets is what a read gives: the AppSKeys in plain envelopes.
      result = await this.#open(clone(EndDeviceSchema, sealed));
      return sealed;
    });
    return result;
  }

  async deleteMany(applicationId: string, deviceIds: readonly string[]): Promise<DeviceKey[]> {
    const deleted = await deleteEndDevices(this.#store, applicationId, deviceIds);
    return deleted.map((deviceId) => ({ applicationId, deviceId }));
  }

  async rewrap(options: RewrapOptions = {}): Promise<number> {
    return rewrapRecords(
      this.#store,
      (device) => sessionFields.some((field) => this.#keys.needsRewrap(appSKeyOf(device[field]))),
      (device) => this.#seal(device),
      options,
    );
  }

  /** The device as readers see it: AppSKeys in plain (changes `stored`). */
  async #open(stored: EndDevice): Promise<EndDevice> {
    for (const field of sessionFields) {
      const keys = stored[field]?.keys;
      if (keys) keys.appSKey = await this.#keys.open(keys.appSKey);
    }
    return stored;
  }

  /**
   * The device as stored (changes `device`): AppSKeys wrapped with the at-rest KEK. The
   * envelopes of `stored` are kept for keys that did not change (`opened`: `stored` in plain).
   */
  async #seal(device: EndDevice, stored?: EndDevice, opened?: EndDevice): Promise<EndDevice> {
    for (const field of sessionFields) {
      const keys = device[field]?.keys;
      if (!keys) continue;
      keys.appSKey = await this.#keys.seal(keys.appSKey, {
        plain: appSKeyOf(opened?.[field])?.key,
        envelope: appSKeyOf(stored?.[field]),
      });
    }
    return device;
  }
}

function appSKeyOf(session: Session | undefined) {
  return session?.keys?.appSKey;
}

/** The keys of a session that are the Application Server's: the session key ID and the AppSKey. */
function ownKeys(keys: SessionKeys): SessionKeys {
  return create(SessionKeysSchema, { sessionKeyId: keys.sessionKeyId, appSKey: keys.appSKey });
}
