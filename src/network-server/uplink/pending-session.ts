/**
 * The switch to the pending session when an uplink matched it (the first uplink after a join):
 * the pending session and MAC state become current, with the RX parameters the join-accept
 * gave the device, as The Things Stack does on a pending-session match.
 */
import { clone } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { type EndDevice, EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";

/** A copy of `device` in its pending session; the device itself when it has none. */
export function activatePendingSession(device: EndDevice, receivedAtMs: number): EndDevice {
  if (device.pendingSession === undefined || device.pendingMacState === undefined) return device;
  const next = clone(EndDeviceSchema, device);
  const session = next.pendingSession;
  const macState = next.pendingMacState;
  if (session === undefined || macState === undefined) return device;
  session.startedAt = timestampFromMs(receivedAtMs);
  const joinRequest = macState.pendingJoinRequest;
  const current = macState.currentParameters;
  if (joinRequest !== undefined && current !== undefined) {
    current.rx1Delay = joinRequest.rxDelay;
    current.rx1DataRateOffset =
      joinRequest.downlinkSettings?.rx1DrOffset ?? current.rx1DataRateOffset;
    current.rx2DataRateIndex = joinRequest.downlinkSettings?.rx2Dr ?? current.rx2DataRateIndex;
  }
  macState.pendingJoinRequest = undefined;
  next.session = session;
  next.macState = macState;
  // The device counts its type 0 rejoin-requests from 0 again in the new session.
  next.lastRjCount0 = 0;
  next.pendingSession = undefined;
  next.pendingMacState = undefined;
  return next;
}
