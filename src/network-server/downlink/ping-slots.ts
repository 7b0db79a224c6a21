/**
 * Class B ping slots (LoRaWAN 1.0.4 §13–14, RP002): beacons every 128 s of GPS time, a 2.12 s
 * beacon-reserved interval, then 4096 slots of 30 ms; a device with `ping_slot_periodicity` p
 * opens one slot every 2^(5+p) slots, from a pseudo-random offset that the network and the
 * device both derive from the beacon time and the DevAddr (AES-128 with a zero key). Pure: the
 * clock comes in the input.
 */
import { AesKey } from "../../lorawan/crypto/index.ts";
import { gpsTime } from "../mac/device-time.ts";

export const BEACON_PERIOD_MS = 128_000;
export const BEACON_RESERVED_MS = 2_120;
export const PING_SLOT_MS = 30;
const GPS_EPOCH_MS = Date.UTC(1980, 0, 6);
const zeroKey = new AesKey(new Uint8Array(16));

/** Slots between two ping slots of the device: 32 (every 0.96 s) to 4096 (once a beacon period). */
export function pingPeriod(periodicity: number): number {
  return 2 ** (5 + Math.min(7, Math.max(0, periodicity)));
}

/**
 * The device's first ping slot in the beacon period that starts at `beaconTime` (GPS seconds):
 * Rand = AES128(0, BeaconTime LE | DevAddr LE | 0…), offset = (Rand[0] + 256·Rand[1]) mod period.
 * `devAddr` is big-endian, as the registry holds it.
 */
export function pingOffset(beaconTime: number, devAddr: Uint8Array, period: number): number {
  const block = new Uint8Array(16);
  new DataView(block.buffer).setUint32(0, beaconTime >>> 0, true);
  for (let i = 0; i < 4; i++) block[4 + i] = devAddr[3 - i] ?? 0;
  const rand = zeroKey.encrypt(block);
  return ((rand[0] ?? 0) + (rand[1] ?? 0) * 256) % period;
}

export interface PingSlot {
  /** When the slot opens (ms since the epoch, UTC). */
  readonly atMs: number;
  /** The GPS time (s) of the beacon the slot follows: ping slot channel hopping depends on it. */
  readonly beaconTime: number;
}

/** GPS time leads UTC by the leap seconds since 1980 (18 s since 2017). */
function leapMs(atMs: number): number {
  const gps = gpsTime(new Date(atMs)).gpsSeconds * 1000;
  return Math.ceil((gps - (atMs - GPS_EPOCH_MS)) / 1000) * 1000;
}

/** The first ping slot of the device that opens at or after `earliestMs`. */
export function nextPingSlot(
  devAddr: Uint8Array,
  periodicity: number,
  earliestMs: number,
): PingSlot {
  const period = pingPeriod(periodicity);
  const leap = leapMs(earliestMs);
  const gpsMs = earliestMs - GPS_EPOCH_MS + leap;
  let beaconGpsMs = Math.floor(gpsMs / BEACON_PERIOD_MS) * BEACON_PERIOD_MS;
  // Two periods always hold one: every period has a slot at offset < period ≤ 4096.
  for (;;) {
    const beaconTime = beaconGpsMs / 1000;
    const offset = pingOffset(beaconTime, devAddr, period);
    const beaconUtcMs = beaconGpsMs + GPS_EPOCH_MS - leap;
    const first = beaconUtcMs + BEACON_RESERVED_MS + offset * PING_SLOT_MS;
    const step = period * PING_SLOT_MS;
    const n = Math.max(0, Math.ceil((earliestMs - first) / step));
    if (n < 4096 / period) return { atMs: first + n * step, beaconTime };
    beaconGpsMs += BEACON_PERIOD_MS;
  }
}

/**
 * The ping slot frequency: the device's own (PingSlotChannelReq or settings), the band's single
 * one, or the band's channel for this beacon and DevAddr ((beacon time / 128 + DevAddr) mod n,
 * as US915 and AU915 hop).
 */
export function pingSlotFrequency(
  own: number,
  bandFrequencies: readonly number[],
  slot: PingSlot,
  devAddr: Uint8Array,
): number | undefined {
  if (own > 0) return own;
  if (bandFrequencies.length === 0) return undefined;
  const address = new DataView(devAddr.buffer, devAddr.byteOffset, 4).getUint32(0, false);
  const index = (Math.floor(slot.beaconTime / 128) + address) % bandFrequencies.length;
  return bandFrequencies[index];
}
