/**
 * How a downlink's outcome is written onto the device as stored at commit time, which another
 * uplink may have moved since the downlink was built: when the session and MAC state are still
 * those the downlink was built on, the built state is taken whole; otherwise only what the
 * sent frame makes true is merged in (counters used, the downlink taken from the queue, the
 * pending confirmed downlink, the MAC requests it carried, the answers it carried unless new
 * ones were queued meanwhile), so a frame counter is never used twice. Pure.
 */
import { clone, equals } from "@bufbuild/protobuf";
import {
  type EndDevice,
  EndDeviceSchema,
  MACStateSchema,
  SessionSchema,
} from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { type MACCommand, MACCommandSchema } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import type { ApplicationDownlink } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import { bytesEqual } from "../../lorawan/types/index.ts";
import { RECENT_DOWNLINKS } from "./data-downlink.ts";

const same = (a: ApplicationDownlink, b: ApplicationDownlink) =>
  a.fCnt === b.fCnt && bytesEqual(a.sessionKeyId, b.sessionKeyId);

/** Whether `current` still has the session and MAC state of `base`. */
export function isUnchanged(base: EndDevice, current: EndDevice): boolean {
  const sessions =
    base.session === undefined || current.session === undefined
      ? base.session === current.session
      : equals(SessionSchema, base.session, current.session);
  const states =
    base.macState === undefined || current.macState === undefined
      ? base.macState === current.macState
      : equals(MACStateSchema, base.macState, current.macState);
  return sessions && states;
}

/** The stored device after a data downlink was scheduled. */
export function commitSent(
  current: EndDevice,
  base: EndDevice,
  built: EndDevice,
  sent: { fCnt: number; applicationDownlink?: ApplicationDownlink | undefined },
): EndDevice {
  const next = clone(EndDeviceSchema, current);
  if (isUnchanged(base, current)) {
    next.session = built.session;
    next.macState = built.macState;
    return next;
  }
  const session = next.session;
  const macState = next.macState;
  const fromBuilt = built.session;
  if (session === undefined || macState === undefined || fromBuilt === undefined) return next;
  if (
    !bytesEqual(
      session.keys?.sessionKeyId ?? new Uint8Array(),
      fromBuilt.keys?.sessionKeyId ?? new Uint8Array(),
    )
  ) {
    return next; // A new session since: its counters start afresh.
  }
  session.lastNFCntDown = Math.max(session.lastNFCntDown, fromBuilt.lastNFCntDown);
  session.lastAFCntDown = Math.max(session.lastAFCntDown, fromBuilt.lastAFCntDown);
  session.lastConfFCntDown = fromBuilt.lastConfFCntDown;
  const down = sent.applicationDownlink;
  if (down !== undefined) {
    session.queuedApplicationDownlinks = session.queuedApplicationDownlinks.filter(
      (d) => !same(d, down),
    );
    if (down.confirmed) {
      macState.pendingApplicationDownlink = built.macState?.pendingApplicationDownlink;
      macState.lastConfirmedDownlinkAt = built.macState?.lastConfirmedDownlinkAt;
    }
  }
  // The MAC requests of the sent frame are what the device will answer: pending now. Its
  // answers were sent: cleared, unless an uplink meanwhile queued new ones.
  const baseState = base.macState;
  if (built.macState) {
    macState.pendingRequests = built.macState.pendingRequests;
    const queuedBefore = baseState?.queuedResponses ?? [];
    const unchanged =
      macState.queuedResponses.length === queuedBefore.length &&
      macState.queuedResponses.every((command, index) =>
        equals(MACCommandSchema, command, queuedBefore[index] as MACCommand),
      );
    if (unchanged) macState.queuedResponses = built.macState.queuedResponses;
  }
  macState.lastDownlinkAt = built.macState?.lastDownlinkAt;
  macState.lastNetworkInitiatedDownlinkAt = built.macState?.lastNetworkInitiatedDownlinkAt;
  const last = built.macState?.recentDownlinks.at(-1);
  if (last) macState.recentDownlinks = [...macState.recentDownlinks, last].slice(-RECENT_DOWNLINKS);
  return next;
}

/** The stored device when nothing was sent: invalidated downlinks and given-up ones removed. */
export function commitUnsent(
  current: EndDevice,
  dropped: readonly ApplicationDownlink[],
  gaveUp: ApplicationDownlink | undefined,
): EndDevice {
  const next = clone(EndDeviceSchema, current);
  if (next.session) {
    next.session.queuedApplicationDownlinks = next.session.queuedApplicationDownlinks.filter(
      (d) => !dropped.some((x) => same(x, d)),
    );
  }
  const pending = next.macState?.pendingApplicationDownlink;
  if (next.macState && pending && gaveUp && same(pending, gaveUp)) {
    next.macState.pendingApplicationDownlink = undefined;
  }
  return next;
}
