/**
 * The registry as the Network Server's public services use it: every change also tells the
 * device store (and through it every instance) that the device changed, so that the uplink
 * path never works from a device the API has replaced.
 */
import type { DeviceKey, NsDeviceRegistry } from "./registry/registry.ts";

export function notifyingRegistry(
  registry: NsDeviceRegistry,
  changed: (key: DeviceKey) => void,
): NsDeviceRegistry {
  return {
    get: (key) => registry.get(key),
    rangeByDevAddr: (devAddr) => registry.rangeByDevAddr(devAddr),
    getByEuis: (joinEui, devEui) => registry.getByEuis(joinEui, devEui),
    async update(key, change) {
      try {
        return await registry.update(key, change);
      } finally {
        changed(key);
      }
    },
    async updateMany(changes) {
      try {
        return await registry.updateMany(changes);
      } finally {
        for (const { key } of changes) changed(key);
      }
    },
    async deleteMany(applicationId, deviceIds) {
      try {
        return await registry.deleteMany(applicationId, deviceIds);
      } finally {
        for (const deviceId of deviceIds) changed({ applicationId, deviceId });
      }
    },
  };
}
