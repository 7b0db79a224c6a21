/**
 * The nonce rules of a join, on the Join Server's part of the device (changed in place: pass
 * a copy). A rule that refuses throws and leaves nothing half-applied that matters, because
 * the caller stores nothing when anything throws.
 */
import type { EndDevice } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import {
  errDevNonceReused,
  errDevNonceTooSmall,
  errJoinNonceExhausted,
  errRejoinCountTooSmall,
} from "../errors.ts";
import type { DevNonceRule } from "./versions.ts";

/** JoinNonce is 24 bits on the air. */
export const MAX_JOIN_NONCE = 0xffffff;

/** Index of the first used DevNonce not below `devNonce` (the history is sorted ascending). */
function insertionIndex(used: readonly number[], devNonce: number): number {
  let low = 0;
  let high = used.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((used[middle] as number) < devNonce) low = middle + 1;
    else high = middle;
  }
  return low;
}

const devNonceRules: Record<DevNonceRule, (device: EndDevice, devNonce: number) => void> = {
  // LoRaWAN 1.0 to 1.0.3: DevNonces are random; one seen before is a replay. With
  // `resets_join_nonces` (TTS) a reused one is let through, for devices that forget.
  history(device, devNonce) {
    const used = device.usedDevNonces;
    const at = insertionIndex(used, devNonce);
    if (used[at] === devNonce) {
      if (device.resetsJoinNonces) return;
      throw errDevNonceReused.create({ dev_nonce: devNonce });
    }
    used.splice(at, 0, devNonce);
  },
  // LoRaWAN 1.0.4 and 1.1: DevNonce counts up. As in TTS, DevNonce 0 is accepted from a device
  // that never joined (no DevNonce nor JoinNonce yet), and `resets_join_nonces` lifts the rule
  // (the device restarts its count, e.g. after losing power) while still recording the nonce.
  increasing(device, devNonce) {
    const fresh = devNonce === 0 && device.lastDevNonce === 0 && device.lastJoinNonce === 0;
    if (!fresh && !device.resetsJoinNonces && devNonce <= device.lastDevNonce) {
      throw errDevNonceTooSmall.create({
        dev_nonce: devNonce,
        last_dev_nonce: device.lastDevNonce,
      });
    }
    device.lastDevNonce = devNonce;
  },
};

/** Applies the DevNonce rule of the version; throws `dev_nonce_reused` or `dev_nonce_too_small`. */
export function acceptDevNonce(device: EndDevice, rule: DevNonceRule, devNonce: number): void {
  devNonceRules[rule](device, devNonce);
}

/**
 * Rejoin counters. RJcount1 (type 1, signed with the JSIntKey that only the device and this
 * Join Server hold) never restarts, so it must grow: 0 only while no type 1 was seen. RJcount0
 * (types 0 and 2) restarts at 0 with every join-accept the device takes (LoRaWAN 1.1
 * §6.2.4.4), which only the Network Server sees, and is signed with its SNwkSIntKey: the
 * Network Server checks it; here it is recorded.
 */
const rejoinCountRules: Record<0 | 1 | 2, (device: EndDevice, count: number) => void> = {
  0: (device, count) => {
    device.lastRjCount0 = count;
  },
  1: (device, count) => {
    const last = device.lastRjCount1;
    if (count <= last && !(count === 0 && last === 0)) {
      throw errRejoinCountTooSmall.create({
        rejoin_type: 1,
        rejoin_count: count,
        last_rejoin_count: last,
      });
    }
    device.lastRjCount1 = count;
  },
  2: (device, count) => {
    device.lastRjCount0 = count;
  },
};

/** Applies the rejoin counter rule of `rejoinType`; throws `rejoin_count_too_small`. */
export function acceptRejoinCount(device: EndDevice, rejoinType: 0 | 1 | 2, count: number): void {
  rejoinCountRules[rejoinType](device, count);
}

/** Takes the next JoinNonce (last + 1) and records it; throws `join_nonce_exhausted` after 2^24 - 1. */
export function nextJoinNonce(device: EndDevice): number {
  if (device.lastJoinNonce >= MAX_JOIN_NONCE) throw errJoinNonceExhausted.create();
  device.lastJoinNonce += 1;
  return device.lastJoinNonce;
}
