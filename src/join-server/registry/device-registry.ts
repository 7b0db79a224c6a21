import { clone, create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { type EndDevice, EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { RootKeysSchema } from "../../gen/ttn/lorawan/v3/keys_pb.js";
import type { AtRestKeys } from "../../key-vault/at-rest-keys.ts";
import { formatHex } from "../../lorawan/types/index.ts";
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
import { errDeviceNotFound } from "../errors.ts";
import type { DeviceChange, DeviceKey, JsDeviceRegistry } from "../registry.ts";
import { joinServerFields } from "./fields.ts";
import { euisValue } from "./tables.ts";

export type { RewrapOptions };

/** Something else whose keys are re-wrapped with the devices' (the session keys). */
export interface Rewrappable {
  rewrap(options?: RewrapOptions): Promise<number>;
}

/**
 * {@link JsDeviceRegistry} on a {@link MessageStore}: only the Join Server's fields are stored,
 * root keys wrapped with the at-rest KEK; readers get them in plain. Each write sets
 * `updated_at` (and `created_at` on creation).
 */
export class SqlJsDeviceRegistry implements JsDeviceRegistry {
  readonly #store: MessageStore<typeof EndDeviceSchema>;
  readonly #keys: AtRestKeys;
  readonly #alsoRewrap: readonly Rewrappable[];
  readonly #now: () => number;

  constructor(options: {
    store: MessageStore<typeof EndDeviceSchema>;
    keys: AtRestKeys;
    /** Re-wrapped by {@link rewrap} too. */
    alsoRewrap?: readonly Rewrappable[];
    now?: () => number;
  }) {
    this.#store = options.store;
    this.#keys = options.keys;
    this.#alsoRewrap = options.alsoRewrap ?? [];
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

  async getByEuis(joinEui: Uint8Array, devEui: Uint8Array): Promise<EndDevice | undefined> {
    const [stored] = await this.#store.find("euis", euisValue(joinEui, devEui), { limit: 1 });
    return stored ? this.#open(stored) : undefined;
  }

  async findByDevEui(devEui: Uint8Array): Promise<EndDevice[]> {
    const stored = await this.#store.find("dev_eui", formatHex(devEui));
    return Promise.all(stored.map((device) => this.#open(device)));
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
      const kept = applyFieldMask(EndDeviceSchema, next, joinServerFields);
      kept.createdAt = stored?.createdAt ?? kept.createdAt ?? timestampFromMs(this.#now());
      kept.updatedAt = timestampFromMs(this.#now());
      result = clone(EndDeviceSchema, kept);
      if (result.rootKeys) {
        result.rootKeys.appKey = await this.#keys.open(result.rootKeys.appKey);
        result.rootKeys.nwkKey = await this.#keys.open(result.rootKeys.nwkKey);
      }
      return this.#seal(kept, stored, current);
    });
    return result;
  }

  async updateByEuis(
    joinEui: Uint8Array,
    devEui: Uint8Array,
    change: DeviceChange,
  ): Promise<EndDevice> {
    const notFound = () =>
      errDeviceNotFound.create({ join_eui: formatHex(joinEui), dev_eui: formatHex(devEui) });
    const [found] = await this.#store.find("euis", euisValue(joinEui, devEui), {
      limit: 1,
      fieldMask: ["ids"],
    });
    if (!found) throw notFound();
    const key = {
      applicationId: found.ids?.applicationIds?.applicationId ?? "",
      deviceId: found.ids?.deviceId ?? "",
    };
    const wanted = euisValue(joinEui, devEui);
    const result = await this.update(key, (current) => {
      // Deleted, or given other EUIs, since it was found: not the device asked for any more.
      const ids = current?.ids;
      if (!ids?.joinEui || !ids.devEui || euisValue(ids.joinEui, ids.devEui) !== wanted)
        throw notFound();
      return change(current);
    });
    if (!result) throw notFound();
    return result;
  }

  async deleteMany(applicationId: string, deviceIds: readonly string[]): Promise<DeviceKey[]> {
    const deleted = await deleteEndDevices(this.#store, applicationId, deviceIds);
    return deleted.map((deviceId) => ({ applicationId, deviceId }));
  }

  /** Also re-wraps the keys of `alsoRewrap`; counts their records too. */
  async rewrap(options: RewrapOptions = {}): Promise<number> {
    let changed = await rewrapRecords(
      this.#store,
      (device) => this.#needsRewrap(device),
      (device) => this.#seal(device),
      options,
    );
    for (const other of this.#alsoRewrap) changed += await other.rewrap(options);
    return changed;
  }

  #needsRewrap(stored: EndDevice): boolean {
    return (
      this.#keys.needsRewrap(stored.rootKeys?.appKey) ||
      this.#keys.needsRewrap(stored.rootKeys?.nwkKey)
    );
  }

  /** The device as readers see it: root keys in plain (changes `stored`). */
  async #open(stored: EndDevice): Promise<EndDevice> {
    if (!stored.rootKeys) return stored;
    stored.rootKeys.appKey = await this.#keys.open(stored.rootKeys.appKey);
    stored.rootKeys.nwkKey = await this.#keys.open(stored.rootKeys.nwkKey);
    return stored;
  }

  /**
   * The device as stored (changes `device`): root keys wrapped with the at-rest KEK. The
   * envelopes of `stored` are kept for keys that did not change (`opened`: `stored` in plain).
   */
  async #seal(device: EndDevice, stored?: EndDevice, opened?: EndDevice): Promise<EndDevice> {
    if (!device.rootKeys) return device;
    const sealed = create(RootKeysSchema, { rootKeyId: device.rootKeys.rootKeyId });
    sealed.appKey = await this.#keys.seal(device.rootKeys.appKey, {
      plain: opened?.rootKeys?.appKey?.key,
      envelope: stored?.rootKeys?.appKey,
    });
    sealed.nwkKey = await this.#keys.seal(device.rootKeys.nwkKey, {
      plain: opened?.rootKeys?.nwkKey?.key,
      envelope: stored?.rootKeys?.nwkKey,
    });
    device.rootKeys = sealed;
    return device;
  }
}
