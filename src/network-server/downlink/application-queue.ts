/**
 * The application downlink queue as the Network Server reads it: which queued downlinks can
 * still be sent in the session (The Things Stack's rules: the same session keys, a frame
 * counter above the last one used) and which are invalidated, to go back to the Application
 * Server for encryption anew. Pure.
 */
import type { Session } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import type { ApplicationDownlink } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import { bytesEqual } from "../../lorawan/types/index.ts";

/** The downlink frame counters of a session, as far as the next frame is concerned. */
export interface DownlinkCounters {
  /**
   * The counter the next application downlink must exceed; undefined while the session has sent
   * no application downlink yet (then any counter goes).
   */
  readonly lastApplication: number | undefined;
  /** The counter of the next network (FPort 0 or MAC-only) downlink. */
  readonly nextNetwork: number;
}

/**
 * The counters of a session. LoRaWAN 1.0.x has one downlink counter (NFCntDown = AFCntDown:
 * the larger of both last values), 1.1 has two. `sent` says whether the session has sent a
 * downlink yet: a counter of 0 is then the last one used, not "none".
 */
export function downlinkCounters(
  session: Session,
  lorawan11: boolean,
  sent: { readonly network: boolean; readonly application: boolean },
): DownlinkCounters {
  if (!lorawan11) {
    const last = Math.max(session.lastNFCntDown, session.lastAFCntDown);
    const any = sent.network || sent.application || last > 0;
    return { lastApplication: any ? last : undefined, nextNetwork: any ? last + 1 : 0 };
  }
  const application = sent.application || session.lastAFCntDown > 0;
  const network = sent.network || session.lastNFCntDown > 0;
  return {
    lastApplication: application ? session.lastAFCntDown : undefined,
    nextNetwork: network ? session.lastNFCntDown + 1 : 0,
  };
}

/** Whether a queued downlink can still be sent in the session with these counters. */
export function isSendable(
  downlink: ApplicationDownlink,
  sessionKeyId: Uint8Array,
  counters: DownlinkCounters,
): boolean {
  if (!bytesEqual(downlink.sessionKeyId, sessionKeyId)) return false;
  return counters.lastApplication === undefined || downlink.fCnt > counters.lastApplication;
}

/** The queue split into the downlinks that may still go and those invalidated. */
export function partitionQueue(
  queue: readonly ApplicationDownlink[],
  sessionKeyId: Uint8Array,
  counters: DownlinkCounters,
): { sendable: ApplicationDownlink[]; invalidated: ApplicationDownlink[] } {
  const sendable: ApplicationDownlink[] = [];
  const invalidated: ApplicationDownlink[] = [];
  for (const downlink of queue) {
    (isSendable(downlink, sessionKeyId, counters) ? sendable : invalidated).push(downlink);
  }
  return { sendable, invalidated };
}
