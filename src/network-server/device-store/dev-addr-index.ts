/**
 * The complete DevAddr index of the uplink hot path: for each DevAddr, the devices whose session
 * or pending session has it. Held in memory so that an address nobody has (another network's
 * traffic) is answered without the database.
 */
import type { DeviceKey } from "../registry/registry.ts";

/** The DevAddrs of one device's session and pending session (4 bytes each, or absent). */
export interface SessionAddresses {
  devAddr?: Uint8Array;
  pendingDevAddr?: Uint8Array;
}

interface Entry {
  key: DeviceKey;
  /** The distinct addresses, as numbers (at most two). */
  addresses: number[];
}

/** A DevAddr as a number (big-endian, as written); `undefined` unless exactly 4 bytes. */
export function devAddrNumber(devAddr: Uint8Array | undefined): number | undefined {
  if (devAddr?.length !== 4) return undefined;
  return (
    (((devAddr[0] as number) << 24) |
      ((devAddr[1] as number) << 16) |
      ((devAddr[2] as number) << 8) |
      (devAddr[3] as number)) >>>
    0
  );
}

/** The string a device key is identified by in maps (IDs cannot hold the separator). */
export function deviceKeyString(key: DeviceKey): string {
  return `${key.applicationId}\u0000${key.deviceId}`;
}

function addressesOf(addresses: SessionAddresses): number[] {
  const session = devAddrNumber(addresses.devAddr);
  const pending = devAddrNumber(addresses.pendingDevAddr);
  const result: number[] = [];
  if (session !== undefined) result.push(session);
  if (pending !== undefined && pending !== session) result.push(pending);
  return result;
}

export class DevAddrIndex {
  #byAddress = new Map<number, Map<string, DeviceKey>>();
  #byDevice = new Map<string, Entry>();

  /** How many devices have at least one address. */
  get size(): number {
    return this.#byDevice.size;
  }

  /** The devices that have this DevAddr (4 bytes); empty for any other length. */
  lookup(devAddr: Uint8Array): DeviceKey[] {
    const address = devAddrNumber(devAddr);
    if (address === undefined) return [];
    const devices = this.#byAddress.get(address);
    return devices ? [...devices.values()] : [];
  }

  /** Sets a device's addresses (none: removes it). */
  set(key: DeviceKey, addresses: SessionAddresses): void {
    const id = deviceKeyString(key);
    this.#remove(id);
    const numbers = addressesOf(addresses);
    if (numbers.length === 0) return;
    this.#byDevice.set(id, { key, addresses: numbers });
    for (const address of numbers) {
      let devices = this.#byAddress.get(address);
      if (!devices) {
        devices = new Map();
        this.#byAddress.set(address, devices);
      }
      devices.set(id, key);
    }
  }

  delete(key: DeviceKey): void {
    this.#remove(deviceKeyString(key));
  }

  /** Empties the index (before it is rebuilt). */
  clear(): void {
    this.#byAddress = new Map();
    this.#byDevice = new Map();
  }

  #remove(id: string): void {
    const entry = this.#byDevice.get(id);
    if (!entry) return;
    this.#byDevice.delete(id);
    for (const address of entry.addresses) {
      const devices = this.#byAddress.get(address);
      devices?.delete(id);
      if (devices?.size === 0) this.#byAddress.delete(address);
    }
  }
}
