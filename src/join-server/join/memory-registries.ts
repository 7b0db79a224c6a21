/**
 * In-memory implementations of the Join Server's registry interfaces, for tests of the join
 * logic (the SQL ones live with the registry). Updates run one at a time, so they are atomic;
 * stored messages are copies, so a caller cannot change them behind the registry's back.
 */
import { clone } from "@bufbuild/protobuf";
import { type EndDevice, EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { type SessionKeys, SessionKeysSchema } from "../../gen/ttn/lorawan/v3/keys_pb.js";
import { errDeviceNotFound, errSessionKeysNotFound } from "../errors.ts";
import type {
  DeviceChange,
  DeviceKey,
  JsDeviceRegistry,
  JsSessionKeyRegistry,
} from "../registry.ts";

const hex = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString("hex");
const keyOf = (key: DeviceKey) => `${key.applicationId}.${key.deviceId}`;
const keyOfDevice = (device: EndDevice): DeviceKey => ({
  applicationId: device.ids?.applicationIds?.applicationId ?? "",
  deviceId: device.ids?.deviceId ?? "",
});

export class MemoryDeviceRegistry implements JsDeviceRegistry {
  readonly #devices = new Map<string, EndDevice>();
  #queue: Promise<unknown> = Promise.resolve();
  /** How many changes were written (a refused change writes nothing). */
  writes = 0;

  async get(key: DeviceKey): Promise<EndDevice | undefined> {
    const found = this.#devices.get(keyOf(key));
    return found && clone(EndDeviceSchema, found);
  }

  async getByEuis(joinEui: Uint8Array, devEui: Uint8Array): Promise<EndDevice | undefined> {
    const found = this.#find(joinEui, devEui);
    return found && clone(EndDeviceSchema, found);
  }

  async findByDevEui(devEui: Uint8Array): Promise<EndDevice[]> {
    return [...this.#devices.values()]
      .filter((device) => hex(device.ids?.devEui) === hex(devEui))
      .map((device) => clone(EndDeviceSchema, device));
  }

  update(key: DeviceKey, change: DeviceChange): Promise<EndDevice | undefined> {
    const run = this.#queue.then(async () => {
      const current = this.#devices.get(keyOf(key));
      const next = await change(current && clone(EndDeviceSchema, current));
      this.writes += 1;
      if (next === null) {
        this.#devices.delete(keyOf(key));
        return undefined;
      }
      this.#devices.set(keyOf(key), clone(EndDeviceSchema, next));
      return clone(EndDeviceSchema, next);
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  async updateByEuis(
    joinEui: Uint8Array,
    devEui: Uint8Array,
    change: DeviceChange,
  ): Promise<EndDevice> {
    const found = this.#find(joinEui, devEui);
    if (!found) throw errDeviceNotFound.create({ join_eui: joinEui, dev_eui: devEui });
    const stored = await this.update(keyOfDevice(found), change);
    if (!stored) throw errDeviceNotFound.create({ join_eui: joinEui, dev_eui: devEui });
    return stored;
  }

  async deleteMany(applicationId: string, deviceIds: readonly string[]): Promise<DeviceKey[]> {
    const deleted: DeviceKey[] = [];
    for (const deviceId of deviceIds) {
      if (this.#devices.delete(keyOf({ applicationId, deviceId }))) {
        deleted.push({ applicationId, deviceId });
      }
    }
    return deleted;
  }

  async rewrap(): Promise<number> {
    return 0;
  }

  #find(joinEui: Uint8Array, devEui: Uint8Array): EndDevice | undefined {
    for (const device of this.#devices.values()) {
      if (hex(device.ids?.joinEui) === hex(joinEui) && hex(device.ids?.devEui) === hex(devEui)) {
        return device;
      }
    }
    return undefined;
  }
}

export class MemorySessionKeyRegistry implements JsSessionKeyRegistry {
  readonly #sessions = new Map<string, SessionKeys[]>();
  readonly #history: number;

  constructor(history = 10) {
    this.#history = history;
  }

  async put(joinEui: Uint8Array, devEui: Uint8Array, keys: SessionKeys): Promise<void> {
    const key = `${hex(joinEui)}:${hex(devEui)}`;
    const sessions = [...(this.#sessions.get(key) ?? []), clone(SessionKeysSchema, keys)];
    this.#sessions.set(key, sessions.slice(-this.#history));
  }

  async get(
    joinEui: Uint8Array,
    devEui: Uint8Array,
    sessionKeyId: Uint8Array,
  ): Promise<SessionKeys> {
    const sessions = this.#sessions.get(`${hex(joinEui)}:${hex(devEui)}`) ?? [];
    const found = sessions.find((keys) => hex(keys.sessionKeyId) === hex(sessionKeyId));
    if (!found) {
      throw errSessionKeysNotFound.create({
        session_key_id: sessionKeyId,
        join_eui: joinEui,
        dev_eui: devEui,
      });
    }
    return clone(SessionKeysSchema, found);
  }

  async deleteDevice(joinEui: Uint8Array, devEui: Uint8Array): Promise<void> {
    this.#sessions.delete(`${hex(joinEui)}:${hex(devEui)}`);
  }
}
