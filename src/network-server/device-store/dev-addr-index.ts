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

/** No address in a slot's column (DevAddrs are 32-bit: 2^32 is none of them). */
const NONE = 2 ** 32;

/**
 * Laid out for a million devices: each device is a slot in flat columns (its application as an
 * index into the interned application IDs, its device ID, its two addresses), found by
 * application and device ID through one small map per application; an address maps to its one
 * slot, or to a list when devices share it. About 100 bytes a device, where objects per device
 * and a map per address took 650.
 */
export class DevAddrIndex {
  /** Application IDs, interned: a slot holds its application's index. */
  #applications: string[] = [];
  /** Per application index: device ID → slot. */
  #slotsByApplication: Map<string, number>[] = [];
  #applicationIndex = new Map<string, number>();
  #applicationOf = new Uint32Array(1024);
  #deviceIds: (string | undefined)[] = [];
  /** Each slot's session and pending-session address, `NONE` when it has none. */
  #sessionAddress = new Float64Array(1024);
  #pendingAddress = new Float64Array(1024);
  /** Slots freed by removals, taken again first. */
  #free: number[] = [];
  #byAddress = new Map<number, number | number[]>();
  #size = 0;

  /** How many devices have at least one address. */
  get size(): number {
    return this.#size;
  }

  /** The devices that have this DevAddr (4 bytes); empty for any other length. */
  lookup(devAddr: Uint8Array): DeviceKey[] {
    const address = devAddrNumber(devAddr);
    if (address === undefined) return [];
    const found = this.#byAddress.get(address);
    if (found === undefined) return [];
    return typeof found === "number"
      ? [this.#keyOf(found)]
      : found.map((slot) => this.#keyOf(slot));
  }

  /** Sets a device's addresses (none: removes it). */
  set(key: DeviceKey, addresses: SessionAddresses): void {
    const session = devAddrNumber(addresses.devAddr);
    const pending = devAddrNumber(addresses.pendingDevAddr);
    const existing = this.#slotOf(key);
    if (existing !== undefined) {
      if (
        this.#sessionAddress[existing] === (session ?? NONE) &&
        this.#pendingAddress[existing] === (pending === session ? NONE : (pending ?? NONE))
      )
        return;
      this.#remove(key, existing);
    }
    if (session === undefined && pending === undefined) return;
    const slot = this.#newSlot(key);
    this.#sessionAddress[slot] = session ?? NONE;
    this.#pendingAddress[slot] = pending === session ? NONE : (pending ?? NONE);
    if (session !== undefined) this.#link(session, slot);
    if (pending !== undefined && pending !== session) this.#link(pending, slot);
    this.#size++;
  }

  delete(key: DeviceKey): void {
    const slot = this.#slotOf(key);
    if (slot !== undefined) this.#remove(key, slot);
  }

  /** Empties the index (before it is rebuilt). */
  clear(): void {
    this.#applications = [];
    this.#slotsByApplication = [];
    this.#applicationIndex = new Map();
    this.#deviceIds = [];
    this.#free = [];
    this.#byAddress = new Map();
    this.#size = 0;
  }

  #keyOf(slot: number): DeviceKey {
    return {
      applicationId: this.#applications[this.#applicationOf[slot] as number] as string,
      deviceId: this.#deviceIds[slot] as string,
    };
  }

  #slotOf(key: DeviceKey): number | undefined {
    const application = this.#applicationIndex.get(key.applicationId);
    return application === undefined
      ? undefined
      : this.#slotsByApplication[application]?.get(key.deviceId);
  }

  #newSlot(key: DeviceKey): number {
    let application = this.#applicationIndex.get(key.applicationId);
    if (application === undefined) {
      application = this.#applications.length;
      this.#applications.push(key.applicationId);
      this.#slotsByApplication.push(new Map());
      this.#applicationIndex.set(key.applicationId, application);
    }
    const slot = this.#free.pop() ?? this.#deviceIds.length;
    if (slot === this.#deviceIds.length) {
      this.#deviceIds.push(key.deviceId);
      this.#grow(slot + 1);
    } else this.#deviceIds[slot] = key.deviceId;
    this.#applicationOf[slot] = application;
    this.#slotsByApplication[application]?.set(key.deviceId, slot);
    return slot;
  }

  #grow(slots: number): void {
    if (slots <= this.#applicationOf.length) return;
    const length = Math.max(slots, this.#applicationOf.length * 2);
    const grown = <T extends Uint32Array | Float64Array>(old: T, make: (n: number) => T): T => {
      const next = make(length);
      next.set(old);
      return next;
    };
    this.#applicationOf = grown(this.#applicationOf, (n) => new Uint32Array(n));
    this.#sessionAddress = grown(this.#sessionAddress, (n) => new Float64Array(n));
    this.#pendingAddress = grown(this.#pendingAddress, (n) => new Float64Array(n));
  }

  #remove(key: DeviceKey, slot: number): void {
    for (const address of [this.#sessionAddress[slot], this.#pendingAddress[slot]]) {
      if (address !== undefined && address !== NONE) this.#unlink(address, slot);
    }
    this.#slotsByApplication[this.#applicationOf[slot] as number]?.delete(key.deviceId);
    this.#deviceIds[slot] = undefined;
    this.#sessionAddress[slot] = NONE;
    this.#pendingAddress[slot] = NONE;
    this.#free.push(slot);
    this.#size--;
  }

  #link(address: number, slot: number): void {
    const found = this.#byAddress.get(address);
    if (found === undefined) this.#byAddress.set(address, slot);
    else if (typeof found === "number") this.#byAddress.set(address, [found, slot]);
    else found.push(slot);
  }

  #unlink(address: number, slot: number): void {
    const found = this.#byAddress.get(address);
    if (found === undefined) return;
    if (typeof found === "number") {
      if (found === slot) this.#byAddress.delete(address);
      return;
    }
    const rest = found.filter((other) => other !== slot);
    if (rest.length === 0) this.#byAddress.delete(address);
    else this.#byAddress.set(address, rest.length === 1 ? (rest[0] as number) : rest);
  }
}
