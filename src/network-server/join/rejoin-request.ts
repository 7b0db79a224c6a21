/**
 * What the Network Server checks and keeps of a LoRaWAN 1.1 rejoin-request (§6.2.4) before it
 * asks the Join Server. Types 0 and 2 are signed with the session's SNwkSIntKey, which the Join
 * Server does not hold: the MIC and RJcount0 are checked here. Type 1 is signed with the
 * JSIntKey: the Join Server checks its MIC and RJcount1. Type 0 and type 1 reset the device's
 * context (radio parameters included, as a join does); type 2 rekeys it and keeps its DevAddr
 * and radio parameters.
 */
import { clone } from "@bufbuild/protobuf";
import {
  type EndDevice,
  MACParametersSchema,
  type MACState,
} from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import type { RejoinRequestFrame } from "../../lorawan/codec/index.ts";
import { verifyRejoinRequestMic } from "../../lorawan/crypto/index.ts";
import { errRejoinCountTooSmall, errRejoinMicMismatch, errRejoinNoSession } from "./errors.ts";

/** How each rejoin type treats the device's context. */
export interface RejoinRules {
  /** The DevAddr and radio parameters stay (type 2); otherwise new ones, as after a join. */
  keepsContext: boolean;
}

export const rejoinRules: Record<0 | 1 | 2, RejoinRules> = {
  0: { keepsContext: false },
  1: { keepsContext: false },
  2: { keepsContext: true },
};

/**
 * Checks a type 0 or 2 rejoin-request against the device's current session: its MIC with the
 * SNwkSIntKey over everything but the MIC, then RJcount0, which must grow (§6.2.4.1: requests
 * with RJcount0 ≤ the last are ignored). The device starts RJcount0 at 0 with each join-accept
 * it takes, so 0 passes while none was recorded. Throws why it does not hold.
 */
export function checkRejoinRequest(
  device: EndDevice,
  frame: RejoinRequestFrame,
  raw: Uint8Array,
): void {
  if (frame.rejoinType === 1) return;
  const sNwkSIntKey = device.session?.keys?.sNwkSIntKey?.key;
  if (sNwkSIntKey?.length !== 16) {
    throw errRejoinNoSession.create({ rejoin_type: frame.rejoinType });
  }
  if (!verifyRejoinRequestMic(sNwkSIntKey, raw.subarray(0, raw.length - 4), frame.mic)) {
    throw errRejoinMicMismatch.create();
  }
  const last = device.lastRjCount0;
  if (frame.rjCount0 <= last && !(frame.rjCount0 === 0 && last === 0)) {
    throw errRejoinCountTooSmall.create({
      rejoin_count: frame.rjCount0,
      last_rejoin_count: last,
    });
  }
}

/**
 * The MAC state of a type 2 rejoin's new session: the fresh state of `fresh` (new counters, no
 * pending commands) with the radio parameters the device has now, current and desired, so the
 * join-accept's settings change nothing.
 */
export function keepRadioParameters(fresh: MACState, device: EndDevice): MACState {
  const current = device.macState?.currentParameters;
  const desired = device.macState?.desiredParameters;
  if (current) fresh.currentParameters = clone(MACParametersSchema, current);
  if (desired) fresh.desiredParameters = clone(MACParametersSchema, desired);
  return fresh;
}
