/**
 * Whether a frame with the same FCnt as the last accepted one is a retransmission The Things
 * Stack accepts: the same frame (all but the MIC) as the latest recent uplinks, no more
 * transmissions than allowed (NbTrans; at most 5 for confirmed uplinks before LoRaWAN 1.0.4),
 * and not later than RX1 delay + 1 s + 10 s after the last transmission.
 */

import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { DefinedError } from "../../errors/index.ts";
import type { MACState_UplinkMessage } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { MType } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import type { UplinkDataFrame } from "../../lorawan/codec/index.ts";
import { errFCntRepeated, errRetransmissionTooLate, errTransmissionsExceeded } from "./errors.ts";

/** The maximum number of transmissions of a confirmed uplink before LoRaWAN 1.0.4. */
export const MAX_CONFIRMED_TRANSMISSIONS = 5;
/** How long after RX2 a device may still retransmit. */
export const RETRANSMISSION_WINDOW_MS = 10_000;

export interface RetransmissionInput {
  frame: UplinkDataFrame;
  /** The full FCnt of the frame (for the error attributes). */
  fCnt: number;
  recentUplinks: readonly MACState_UplinkMessage[];
  /** `mac_state.current_parameters.adr_nb_trans` (0 is taken as 1). */
  nbTrans: number;
  limitConfirmedTransmissions: boolean;
  /** RX1 delay in seconds (0 is taken as 1, as the specification says). */
  rx1DelaySeconds: number;
  receivedAtMs: number;
}

/** The transmission number (2 or more) of a retransmission, or why it is not one. */
export function checkRetransmission(input: RetransmissionInput): number | DefinedError {
  const { frame, fCnt } = input;
  const max =
    frame.mType === "confirmedDataUp" && input.limitConfirmedTransmissions
      ? MAX_CONFIRMED_TRANSMISSIONS
      : Math.max(1, input.nbTrans);
  let transmission = 1;
  let lastAtMs: number | undefined;
  for (let i = input.recentUplinks.length - 1; i >= 0; i--) {
    const recent = input.recentUplinks[i];
    if (recent === undefined || !sameFrame(frame, recent)) break;
    if (transmission >= max) {
      return errTransmissionsExceeded.create({
        f_cnt: fCnt,
        transmission: transmission + 1,
        max_transmissions: max,
      });
    }
    transmission++;
    const at = recent.receivedAt === undefined ? undefined : timestampMs(recent.receivedAt);
    if (at !== undefined && (lastAtMs === undefined || at > lastAtMs)) lastAtMs = at;
  }
  if (transmission < 2 || lastAtMs === undefined) return errFCntRepeated.create({ f_cnt: fCnt });
  const maxDelayMs = Math.max(1, input.rx1DelaySeconds) * 1000 + 1000 + RETRANSMISSION_WINDOW_MS;
  const delayMs = input.receivedAtMs - lastAtMs;
  if (delayMs > maxDelayMs) {
    return errRetransmissionTooLate.create({
      f_cnt: fCnt,
      delay_ms: delayMs,
      max_delay_ms: maxDelayMs,
    });
  }
  return transmission;
}

const mTypes = { unconfirmedDataUp: MType.UNCONFIRMED_UP, confirmedDataUp: MType.CONFIRMED_UP };

/**
 * Whether a recent uplink is this frame with another MIC: every field of MHDR, FHDR, FPort
 * and FRMPayload equal (what The Things Stack compares as raw bytes without the MIC).
 */
export function sameFrame(frame: UplinkDataFrame, recent: MACState_UplinkMessage): boolean {
  const payload = recent.payload;
  if (payload?.mHdr?.mType !== mTypes[frame.mType]) return false;
  if (payload.payload.case !== "macPayload") return false;
  const mac = payload.payload.value;
  const fHdr = mac.fHdr;
  const fCtrl = fHdr?.fCtrl;
  if (fHdr === undefined || fCtrl === undefined) return false;
  // The stored message has no FPort presence: no port is FPort 0 with no FRMPayload.
  const fPort = frame.fPort ?? 0;
  return (
    fHdr.fCnt === frame.fCnt &&
    equalBytes(fHdr.devAddr, frame.devAddr) &&
    fCtrl.adr === frame.fCtrl.adr &&
    fCtrl.adrAckReq === frame.fCtrl.adrAckReq &&
    fCtrl.ack === frame.fCtrl.ack &&
    fCtrl.classB === frame.fCtrl.classB &&
    equalBytes(fHdr.fOpts, frame.fOpts) &&
    mac.fPort === fPort &&
    equalBytes(mac.frmPayload, frame.frmPayload)
  );
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
