/**
 * Which device sent a data uplink, with which full frame counter, or why the uplink is dropped:
 * the pure heart of the Network Server's uplink path (The Things Stack's data uplink matching).
 * The candidates are the devices whose session or pending session has the frame's DevAddr; they
 * are tried most recently active first, each pending session (first uplink after a join) before
 * the current one, and the first whose MIC verifies and whose frame counter rules accept the
 * frame is the match. No I/O, no clock: the reception time comes with the uplink.
 */

import type { DefinedError } from "../../errors/index.ts";
import type { EndDevice, Session } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import type { MACVersion } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { decodePhyPayload, type UplinkDataFrame } from "../../lorawan/codec/index.ts";
import {
  MAX_FCNT_GAP_10,
  verifyDataUplinkMic10,
  verifyDataUplinkMic11,
} from "../../lorawan/crypto/index.ts";
import { formatDevAddr } from "../../lorawan/types/index.ts";
import { orderCandidates } from "./candidate-order.ts";
import {
  errAckInPendingSession,
  errFCntExhausted,
  errFCntGapTooLarge,
  errFCntTooLow,
  errMacStateMissing,
  errMicMismatch,
  errNoMatchingDevice,
  errNotDataUplink,
  errPendingMacStateMissing,
  errUnknownMacVersion,
} from "./errors.ts";
import { type FCntCandidate, fCntCandidates } from "./frame-counter.ts";
import { checkRetransmission } from "./retransmission.ts";
import { type NetworkSessionKeys, networkSessionKeys, type SessionName } from "./session-keys.ts";
import { type VersionRules, versionRules } from "./versions.ts";

/** A decoded data uplink with the bytes it was decoded from (the MIC covers them). */
export interface DataUplink {
  frame: UplinkDataFrame;
  phyPayload: Uint8Array;
}

/** What the MIC of LoRaWAN 1.1 and the retransmission rules need from the reception. */
export interface UplinkContext {
  /** The band's index of the data rate the uplink was received with (TxDr). */
  dataRateIndex: number;
  /** The device's index of the channel the uplink was received on (TxCh). */
  channelIndex: number;
  /** When the uplink was received (ms since the epoch). */
  receivedAtMs: number;
  /** The Network Server's default MAC settings, for devices that do not set these. */
  defaults?: { supports32BitFCnt?: boolean; resetsFCnt?: boolean };
}

export interface UplinkMatch {
  matched: true;
  device: EndDevice;
  /** "pending": the first uplink of the session of a join; the pipeline switches sessions. */
  session: SessionName;
  /** The full 32-bit frame counter. */
  fCnt: number;
  /** The device reset its frame counter (`resets_f_cnt`): a new MAC state is due. */
  fCntReset: boolean;
  /** The same frame as the last accepted one, sent again (transmission ≥ 2). */
  retransmission: boolean;
  /** 1 for a new frame, 2 or more for retransmissions. */
  transmission: number;
  lorawanVersion: MACVersion;
  keys: NetworkSessionKeys;
}

/** Why one session of one candidate did not match. */
export interface CandidateDrop {
  device: EndDevice;
  session: SessionName;
  /** The MIC verified: the frame is this device's, so its reason is the frame's. */
  micVerified: boolean;
  error: DefinedError;
}

export interface UplinkDrop {
  matched: false;
  /** The reason to publish with `ns.up.data.drop`. */
  error: DefinedError;
  candidates: CandidateDrop[];
}

export type MatchResult = UplinkMatch | UplinkDrop;

/** Decodes a PHYPayload that must be a data uplink; throws the codec's errors or `not_data_uplink`. */
export function decodeDataUplink(phyPayload: Uint8Array): DataUplink {
  const frame = decodePhyPayload(phyPayload);
  if (frame.mType !== "unconfirmedDataUp" && frame.mType !== "confirmedDataUp") {
    throw errNotDataUplink.create({ m_type: frame.mType });
  }
  return { frame, phyPayload };
}

/** The match of `uplink` among `candidates`, or the drop with a reason per candidate session. */
export function matchDataUplink(
  uplink: DataUplink,
  candidates: readonly EndDevice[],
  context: UplinkContext,
): MatchResult {
  const drops: CandidateDrop[] = [];
  for (const device of orderCandidates(candidates)) {
    for (const attempt of sessionAttempts) {
      const session = attempt.session(device);
      if (session === undefined || !equalBytes(session.devAddr, uplink.frame.devAddr)) continue;
      const result = attempt.match(uplink, device, session, context);
      if (!("error" in result)) return result;
      drops.push(result);
    }
  }
  return { matched: false, error: overallReason(uplink.frame, drops), candidates: drops };
}

// Sessions of a device in the order they are tried: a device with a pending session is
// in the middle of a join, and its new session is the likelier sender.
const sessionAttempts: readonly {
  session: (device: EndDevice) => Session | undefined;
  match: (
    uplink: DataUplink,
    device: EndDevice,
    session: Session,
    context: UplinkContext,
  ) => UplinkMatch | CandidateDrop;
}[] = [
  { session: (device) => device.pendingSession, match: matchPendingSession },
  { session: (device) => device.session, match: matchCurrentSession },
];

function matchPendingSession(
  uplink: DataUplink,
  device: EndDevice,
  session: Session,
  context: UplinkContext,
): UplinkMatch | CandidateDrop {
  const drop = (error: DefinedError, micVerified = false): CandidateDrop => ({
    device,
    session: "pending",
    micVerified,
    error,
  });
  const macState = device.pendingMacState;
  if (macState === undefined) return drop(errPendingMacStateMissing.create());
  const prepared = prepare(uplink, device, session, "pending", macState.lorawanVersion, context);
  if ("error" in prepared) return drop(prepared.error);
  // A new session starts with no confirmed downlink to acknowledge (ConfFCnt 0).
  const verified = verifyCandidates(uplink, prepared, 0, context);
  if (verified === undefined) return drop(micMismatch(uplink.frame, prepared.fCnts));
  if (uplink.frame.fCtrl.ack) return drop(errAckInPendingSession.create(), true);
  return matchOf(device, "pending", verified, prepared, 1);
}

function matchCurrentSession(
  uplink: DataUplink,
  device: EndDevice,
  session: Session,
  context: UplinkContext,
): UplinkMatch | CandidateDrop {
  const drop = (error: DefinedError, micVerified = false): CandidateDrop => ({
    device,
    session: "current",
    micVerified,
    error,
  });
  const macState = device.macState;
  if (macState === undefined) return drop(errMacStateMissing.create());
  const { frame } = uplink;
  const prepared = prepare(uplink, device, session, "current", macState.lorawanVersion, context);
  if ("error" in prepared) return drop(prepared.error);
  const confFCnt = frame.fCtrl.ack ? session.lastConfFCntDown : 0;
  const verified = verifyCandidates(uplink, prepared, confFCnt, context);
  if (verified === undefined) return drop(micMismatch(frame, prepared.fCnts));

  const last = session.lastFCntUp;
  const fCnt = verified.fCnt;
  if (fCnt < last) {
    // Only a device that resets its counter may go back, and never while acknowledging a
    // downlink of the session it has forgotten.
    if (!prepared.resetsFCnt || frame.fCtrl.ack) {
      return drop(errFCntTooLow.create({ f_cnt: fCnt, last_f_cnt: last }), true);
    }
    return matchOf(device, "current", { fCnt, reset: true }, prepared, 1);
  }
  // The first uplink of a session has FCnt 0 = last_f_cnt_up: after a join the join-request
  // is the one recent uplink; an ABP device has none yet.
  const recent = macState.recentUplinks.length;
  const firstOfSession = last === 0 && recent === (device.supportsJoin ? 1 : 0);
  if (fCnt > last || firstOfSession) {
    const gap = fCnt - last;
    if (prepared.rules.maxFCntGap && gap > MAX_FCNT_GAP_10) {
      const error = errFCntGapTooLarge.create({
        f_cnt: fCnt,
        last_f_cnt: last,
        gap,
        max_gap: MAX_FCNT_GAP_10,
      });
      return drop(error, true);
    }
    return matchOf(device, "current", { fCnt, reset: false }, prepared, 1);
  }
  const transmission = checkRetransmission({
    frame,
    fCnt,
    recentUplinks: macState.recentUplinks,
    nbTrans: macState.currentParameters?.adrNbTrans ?? 1,
    limitConfirmedTransmissions: prepared.rules.limitConfirmedTransmissions,
    rx1DelaySeconds: macState.currentParameters?.rx1Delay ?? 1,
    receivedAtMs: context.receivedAtMs,
  });
  if (typeof transmission !== "number") return drop(transmission, true);
  return matchOf(device, "current", { fCnt, reset: false }, prepared, transmission);
}

interface Prepared {
  version: MACVersion;
  rules: VersionRules;
  keys: NetworkSessionKeys;
  fCnts: FCntCandidate[];
  resetsFCnt: boolean;
}

function prepare(
  uplink: DataUplink,
  device: EndDevice,
  session: Session,
  name: SessionName,
  version: MACVersion,
  context: UplinkContext,
): Prepared | { error: DefinedError } {
  const rules = versionRules(version);
  if (rules === undefined) return { error: errUnknownMacVersion.create({ version }) };
  let keys: NetworkSessionKeys;
  try {
    keys = networkSessionKeys(session, name, !rules.legacyMic);
  } catch (error) {
    return { error: error as DefinedError };
  }
  const settings = device.macSettings;
  const supports32BitFCnt =
    settings?.supports32BitFCnt?.value ?? context.defaults?.supports32BitFCnt ?? true;
  // A pending session has just begun: there is no older counter to reset to.
  const resetsFCnt =
    name === "current" && (settings?.resetsFCnt?.value ?? context.defaults?.resetsFCnt ?? false);
  const fCnts = fCntCandidates(uplink.frame.fCnt, session.lastFCntUp, {
    supports32BitFCnt,
    resetsFCnt,
  });
  if (fCnts.length === 0) {
    return {
      error: errFCntExhausted.create({ f_cnt: uplink.frame.fCnt, last_f_cnt: session.lastFCntUp }),
    };
  }
  return { version, rules, keys, fCnts, resetsFCnt };
}

/** The first frame counter candidate under which the MIC verifies. */
function verifyCandidates(
  uplink: DataUplink,
  prepared: Prepared,
  confFCnt: number,
  context: UplinkContext,
): FCntCandidate | undefined {
  const { frame, phyPayload } = uplink;
  const msg = phyPayload.subarray(0, phyPayload.length - 4);
  const { keys } = prepared;
  for (const candidate of prepared.fCnts) {
    let ok: boolean;
    try {
      ok = prepared.rules.legacyMic
        ? verifyDataUplinkMic10(keys.fNwkSIntKey, frame.devAddr, candidate.fCnt, msg, frame.mic)
        : keys.sNwkSIntKey !== undefined &&
          verifyDataUplinkMic11(
            keys.fNwkSIntKey,
            keys.sNwkSIntKey,
            frame.devAddr,
            candidate.fCnt,
            { confFCnt, txDr: context.dataRateIndex, txCh: context.channelIndex },
            msg,
            frame.mic,
          );
    } catch {
      // Out-of-range input (an oversize frame, a TxDr or TxCh past a byte) verifies nothing.
      ok = false;
    }
    if (ok) return candidate;
  }
  return undefined;
}

function matchOf(
  device: EndDevice,
  session: SessionName,
  fCnt: FCntCandidate,
  prepared: Prepared,
  transmission: number,
): UplinkMatch {
  return {
    matched: true,
    device,
    session,
    fCnt: fCnt.fCnt,
    fCntReset: fCnt.reset,
    retransmission: transmission > 1,
    transmission,
    lorawanVersion: prepared.version,
    keys: prepared.keys,
  };
}

function micMismatch(frame: UplinkDataFrame, fCnts: readonly FCntCandidate[]): DefinedError {
  return errMicMismatch.create({
    dev_addr: formatDevAddr(frame.devAddr),
    f_cnt: fCnts[0]?.fCnt ?? frame.fCnt,
  });
}

/**
 * The drop's reason: that of the first candidate whose MIC verified (the frame is its own),
 * else `mic_mismatch` when some MIC was checked, else the first candidate's reason, and
 * `no_matching_device` when there was no candidate.
 */
function overallReason(frame: UplinkDataFrame, drops: readonly CandidateDrop[]): DefinedError {
  const owned = drops.find((drop) => drop.micVerified);
  if (owned !== undefined) return owned.error;
  const mismatch = drops.find((drop) => errMicMismatch.matches(drop.error));
  if (mismatch !== undefined) return mismatch.error;
  return drops[0]?.error ?? errNoMatchingDevice.create({ dev_addr: formatDevAddr(frame.devAddr) });
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
