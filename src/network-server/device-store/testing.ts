/**
 * Shared by the device store's tests: devices with sessions, a registry on a test database and
 * a registry wrapper that counts calls.
 */
import { create } from "@bufbuild/protobuf";
import { type EndDevice, EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { StaticKeyVault } from "../../key-vault/static-key-vault.ts";
import type { Database } from "../../storage/index.ts";
import { createNetworkServerRegistries } from "../registry/index.ts";
import type {
  DevAddrScanner,
  DeviceChange,
  DeviceKey,
  NsDeviceRegistry,
} from "../registry/registry.ts";

export const hex = (text: string) => new Uint8Array(Buffer.from(text, "hex"));

const vault = new StaticKeyVault(
  new Map([["kek", hex("000102030405060708090a0b0c0d0e0f")]]),
  "kek",
);

export const deviceKey = (deviceId: string): DeviceKey => ({ applicationId: "app1", deviceId });

/** An ABP-like device with a session at `devAddr` (hex) and its keys. */
export function sessionDevice(deviceId: string, devAddr: string, lastFCntUp = 0): EndDevice {
  return create(EndDeviceSchema, {
    ids: { applicationIds: { applicationId: "app1" }, deviceId },
    frequencyPlanId: "EU_863_870",
    session: {
      devAddr: hex(devAddr),
      lastFCntUp,
      keys: {
        sessionKeyId: hex("01"),
        fNwkSIntKey: { key: hex("a1a2a3a4a5a6a7a8a9aaabacadaeaf00") },
        nwkSEncKey: { key: hex("c1c2c3c4c5c6c7c8c9cacbcccdcecf00") },
      },
    },
  });
}

export type TestRegistry = NsDeviceRegistry & DevAddrScanner;

export function testRegistry(database: Database): TestRegistry {
  return createNetworkServerRegistries({
    database,
    keyVault: vault,
    config: { device_kek_label: "" },
  }).devices;
}

/** Calls of each registry method, by name. */
export type CallCounts = Record<keyof TestRegistry, number>;

/** The registry with every call counted; `failUpdates` makes `updateMany` throw. */
export function countingRegistry(registry: TestRegistry): {
  registry: TestRegistry;
  calls: CallCounts;
  failUpdates: { error: Error | undefined };
} {
  const calls: CallCounts = {
    get: 0,
    rangeByDevAddr: 0,
    update: 0,
    updateMany: 0,
    getByEuis: 0,
    deleteMany: 0,
    scanAddresses: 0,
  };
  const failUpdates: { error: Error | undefined } = { error: undefined };
  const count = <T>(method: keyof TestRegistry, result: T): T => {
    calls[method]++;
    return result;
  };
  const counted: TestRegistry = {
    get: (key) => count("get", registry.get(key)),
    rangeByDevAddr: (devAddr) => count("rangeByDevAddr", registry.rangeByDevAddr(devAddr)),
    update: (key, change) => count("update", registry.update(key, change)),
    updateMany: async (changes: readonly { key: DeviceKey; change: DeviceChange }[]) => {
      calls.updateMany++;
      if (failUpdates.error) throw failUpdates.error;
      return registry.updateMany(changes);
    },
    getByEuis: (joinEui, devEui) => count("getByEuis", registry.getByEuis(joinEui, devEui)),
    deleteMany: (applicationId, ids) =>
      count("deleteMany", registry.deleteMany(applicationId, ids)),
    scanAddresses: (options) => count("scanAddresses", registry.scanAddresses(options)),
  };
  return { registry: counted, calls, failUpdates };
}

/** The total of all calls. */
export const totalCalls = (calls: CallCounts): number =>
  Object.values(calls).reduce((sum, count) => sum + count, 0);
