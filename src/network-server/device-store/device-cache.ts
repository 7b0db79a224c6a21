import type { EndDevice } from "../../gen/ttn/lorawan/v3/end_device_pb.js";

/**
 * A bounded cache of decoded devices (session keys in plain), least recently used dropped
 * first. Keys are {@link deviceKeyString}s.
 */
export class DeviceCache {
  readonly #max: number;
  readonly #devices = new Map<string, EndDevice>();

  constructor(maxDevices: number) {
    this.#max = Math.max(0, Math.floor(maxDevices));
  }

  get size(): number {
    return this.#devices.size;
  }

  get(id: string): EndDevice | undefined {
    const device = this.#devices.get(id);
    if (device === undefined) return undefined;
    // A Map iterates in insertion order: re-inserting makes it the most recently used.
    this.#devices.delete(id);
    this.#devices.set(id, device);
    return device;
  }

  /** The device without counting it as used. */
  peek(id: string): EndDevice | undefined {
    return this.#devices.get(id);
  }

  set(id: string, device: EndDevice): void {
    if (this.#max === 0) return;
    this.#devices.delete(id);
    this.#devices.set(id, device);
    while (this.#devices.size > this.#max) {
      const oldest = this.#devices.keys().next().value as string;
      this.#devices.delete(oldest);
    }
  }

  delete(id: string): void {
    this.#devices.delete(id);
  }

  /** The cached devices' IDs and devices (for the resync's check). */
  entries(): IterableIterator<[string, EndDevice]> {
    return this.#devices.entries();
  }

  clear(): void {
    this.#devices.clear();
  }
}
