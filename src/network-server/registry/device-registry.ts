import { clone } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { Kysely } from "kysely";
import { type EndDevice, EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
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
  timestampFieldMs,
} from "../../storage/message-store/index.ts";
import { inTransaction } from "../../storage/transaction.ts";
import type { AtRestKeys } from "./at-rest.ts";
import { hasOnlyNetworkServerFields, storedNetworkServerFields } from "./fields.ts";
import { writeOutbox } from "./outbox.ts";
import type {
  DevAddrScanner,
  DeviceAddresses,
  DeviceChange,
  DeviceKey,
  DeviceUpdate,
  NsDeviceRegistry,
} from "./registry.ts";
import { euisValue } from "./tables.ts";

export type { RewrapOptions };

const UPDATED_AT_FIELD = EndDeviceSchema.field.updatedAt.number;
/**
 * Bytes of a stored device that a scan reads: protobuf-es writes fields by number, and
 * `updated_at` (3) follows only `ids` (1, some 110 bytes at most with IDs of 36 characters)
 * and `created_at` (2, at most 24 bytes). A device whose `updated_at` lies beyond is scanned
 * with an unknown one (0): correct, only re-read by each resync.
 */
const SCAN_MESSAGE_PREFIX = 256;
const hexBytes = /^(?:[0-9A-F]{2})+$/i;

/** An index column's hex value as bytes; `undefined` for none or anything not hex. */
function indexBytes(value: string | undefined): Uint8Array | undefined {
  if (value === undefined || !hexBytes.test(value)) return undefined;
  return new Uint8Array(Buffer.from(value, "hex"));
}

/**
 * {@link NsDeviceRegistry} on a {@link MessageStore}: only the Network Server's fields are
 * stored, session keys wrapped with the at-rest KEK; readers get them in plain. Each write sets
 * `updated_at` (and `created_at` on creation).
 */
export class SqlNsDeviceRegistry implements NsDeviceRegistry, DevAddrScanner {
  readonly #store: MessageStore<typeof EndDeviceSchema>;
  // biome-ignore lint/suspicious/noExplicitAny: the outbox table is not in the typed schema
  readonly #db: Kysely<any>;
  readonly #keys: AtRestKeys;
  readonly #now: () => number;

  constructor(options: {
    store: MessageStore<typeof EndDeviceSchema>;
    keys: AtRestKeys;
    now?: () => number;
  }) {
    this.#store = options.store;
    this.#db = options.store.db;
    this.#keys = options.keys;
    this.#now = options.now ?? Date.now;
  }

  async get(key: DeviceKey): Promise<EndDevice | undefined> {
    try {
      const device = await this.#store.get([key.applicationId, key.deviceId]);
      await this.#keys.openStored(device);
      return device;
    } catch (error) {
      if (errNotFound.matches(error)) return undefined;
      throw error;
    }
  }

  async rangeByDevAddr(devAddr: Uint8Array): Promise<EndDevice[]> {
    const value = formatHex(devAddr);
    const [current, pending] = await Promise.all([
      this.#store.find("dev_addr", value),
      this.#store.find("pending_dev_addr", value),
    ]);
    // A device whose session and pending session share the address is found twice.
    const seen = new Set<string>();
    const devices: EndDevice[] = [];
    for (const device of [...current, ...pending]) {
      const id = this.#store.spec.key(device).join("\u0000");
      if (seen.has(id)) continue;
      seen.add(id);
      await this.#keys.openStored(device);
      devices.push(device);
    }
    return devices;
  }

  async getByEuis(joinEui: Uint8Array, devEui: Uint8Array): Promise<EndDevice | undefined> {
    const [device] = await this.#store.find("euis", euisValue(joinEui, devEui));
    if (device) await this.#keys.openStored(device);
    return device;
  }

  async *scanAddresses(options: { batchSize?: number } = {}): AsyncGenerator<DeviceAddresses> {
    // Nothing is decoded (a device with its MAC state takes 100–260 µs to decode): the
    // addresses come from the index columns, `updated_at` from a walk of the message's first
    // bytes. Unknown (cut off, corrupt): 0, which no cached device has, so a resync reads it again.
    const rows = this.#store.scanRows([], {
      columns: ["dev_addr", "pending_dev_addr"],
      batchSize: options.batchSize,
      messagePrefix: SCAN_MESSAGE_PREFIX,
    });
    for await (const row of rows) {
      yield {
        key: { applicationId: row.key[0] as string, deviceId: row.key[1] as string },
        devAddr: indexBytes(row.columns.dev_addr),
        pendingDevAddr: indexBytes(row.columns.pending_dev_addr),
        updatedAtMs: timestampFieldMs(row.message, UPDATED_AT_FIELD) ?? 0,
      };
    }
  }

  async update(key: DeviceKey, change: DeviceChange): Promise<EndDevice | undefined> {
    const [result] = await this.updateMany([{ key, change }]);
    return result;
  }

  async updateMany(changes: readonly DeviceUpdate[]): Promise<(EndDevice | undefined)[]> {
    if (changes.length === 0) return [];
    if (!changes.some((change) => change.outbox)) return this.#updateMany(this.#store, changes);
    // Messages for the Application Server go in the same transaction as the device state.
    return inTransaction(this.#db, async (trx) => {
      const results = await this.#updateMany(this.#store.withDatabase(trx), changes);
      const messages = changes.flatMap((change, i) =>
        results[i] !== undefined && change.outbox ? change.outbox() : [],
      );
      if (messages.length > 0) await writeOutbox(trx, messages, this.#now());
      return results;
    });
  }

  async #updateMany(
    store: MessageStore<typeof EndDeviceSchema>,
    changes: readonly DeviceUpdate[],
  ): Promise<(EndDevice | undefined)[]> {
    const keys = changes.map(({ key }) => [key.applicationId, key.deviceId]);
    // The store calls the change once per key in the order given, and again from the first
    // when it retries its transaction (an insert race): the n-th call is change n mod length.
    const results: (EndDevice | undefined)[] = [];
    // Each result is sealed in place for the store to write, and unsealed once it has.
    const sealed = new Map<EndDevice, () => void>();
    let call = 0;
    try {
      await store.updateMany(keys, async (stored) => {
        const index = call++ % changes.length;
        const { result, unseal } = await this.#changed(
          stored,
          (changes[index] as { change: DeviceChange }).change,
          sealed,
        );
        results[index] = result;
        if (result && unseal) sealed.set(result, unseal);
        return result ?? null;
      });
    } finally {
      for (const unseal of sealed.values()) unseal();
    }
    return results;
  }

  /**
   * Runs one change on a stored record: the result, sealed until `unseal` is called (the store
   * writes it sealed, callers see it plain). `sealed`: the results of earlier changes of this
   * transaction.
   */
  async #changed(
    stored: EndDevice | undefined,
    change: DeviceChange,
    sealed: ReadonlyMap<EndDevice, () => void>,
  ): Promise<{ result: EndDevice | undefined; unseal?: () => void }> {
    const createdAt = stored?.createdAt;
    // The store decodes each record afresh for this call: it is ours to open in place and hand
    // to the change, except when it is what an earlier change of the same key left (a repeated
    // key), which is that change's result.
    const current = stored && sealed.has(stored) ? clone(EndDeviceSchema, stored) : stored;
    const storedKeys = current ? await this.#keys.openStored(current) : undefined;
    const next = await change(current);
    if (next === null) return { result: undefined };
    // The change's own copy back, with nothing of another registry: kept as it is. Anything
    // else is copied, so that the caller's object and what is stored stay apart.
    const kept =
      next === current && hasOnlyNetworkServerFields(next)
        ? next
        : applyFieldMask(EndDeviceSchema, next, storedNetworkServerFields);
    kept.createdAt = createdAt ?? kept.createdAt ?? timestampFromMs(this.#now());
    kept.updatedAt = timestampFromMs(this.#now());
    // Keys the change put in wrapped (with any label) are unwrapped for the callers.
    const result = await this.#keys.open(kept);
    return { result, unseal: await this.#keys.seal(result, storedKeys) };
  }

  async deleteMany(applicationId: string, deviceIds: readonly string[]): Promise<DeviceKey[]> {
    const deleted = await deleteEndDevices(this.#store, applicationId, deviceIds);
    return deleted.map((deviceId) => ({ applicationId, deviceId }));
  }

  /**
   * Re-wraps every session key not wrapped with the current at-rest KEK (after a rotation of
   * `ns.device_kek_label` or the key vault's default); resolves to how many devices changed.
   */
  async rewrap(options: RewrapOptions = {}): Promise<number> {
    return rewrapRecords(
      this.#store,
      (device) => this.#keys.deviceNeedsRewrap(device),
      async (device) => {
        await this.#keys.openStored(device);
        await this.#keys.seal(device);
        return device;
      },
      options,
    );
  }
}
