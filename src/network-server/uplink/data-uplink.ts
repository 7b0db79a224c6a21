/**
 * What a matched data uplink does to its device, computed inside the commit on the device as
 * stored (which another uplink may have moved since the match): the session switch of a first
 * uplink after a join, the new frame counter, the recent uplinks ADR reads, the MAC commands,
 * ADR's new desired parameters. Pure: the caller commits the result.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  type EndDevice,
  type MACSettings,
  type MACState,
  MACState_UplinkMessageSchema,
  type Session,
} from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import type { Message } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import type { ApplicationUp, UplinkMessage } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import type { Band } from "../../lorawan/band/index.ts";
import type { UplinkMacCommand } from "../../lorawan/mac/index.ts";
import { adaptDataRate, adrInputFromMacState, adrSettingsOf } from "../adr/index.ts";
import type { AdrAlgorithm } from "../adr/types.ts";
import { acknowledgeDownlink } from "../downlink/acknowledge.ts";
import { type DeviceEffects, type MacEvent, unansweredOf } from "../mac/types.ts";
import { handleUplinkCommands } from "../mac/uplink.ts";
import { errDeviceChanged, errDeviceNotFound, errMacStateMissing } from "./errors.ts";
import type { UplinkMatch } from "./match.ts";
import { activatePendingSession } from "./pending-session.ts";

/** How many uplinks the MAC state keeps (ADR reads them; The Things Stack keeps 20). */
export const RECENT_UPLINKS = 20;

export interface DataUplinkInput {
  match: UplinkMatch;
  /** The uplink's `payload` (with the full FCnt). */
  message: Message;
  /** The deduplicated uplink: settings and every reception. */
  uplink: UplinkMessage;
  commands: readonly UplinkMacCommand[];
  band: Band;
  dataRateIndex: number;
  macSettings: MACSettings;
  receivedAtMs: number;
  adr?: AdrAlgorithm | undefined;
  /** A fresh MAC state for the device (ResetInd). */
  initialState?: () => MACState;
  maxRequestAttempts?: number;
}

export interface DataUplinkResult {
  device: EndDevice;
  /** `downlink_ack` / `downlink_nack` of the confirmed downlink this uplink answered. */
  ups: ApplicationUp[];
  events: MacEvent[];
  effects: DeviceEffects;
}

/**
 * Applies the uplink to `current` (the stored device, the caller's copy). Throws
 * `device_changed` when the stored device no longer takes this frame counter (a concurrent
 * uplink of the same device was committed first) and `device_not_found` when it is gone.
 */
export function applyDataUplink(
  current: EndDevice | undefined,
  input: DataUplinkInput,
): DataUplinkResult {
  const { match } = input;
  if (current === undefined) throw errDeviceNotFound.create();
  const session = stillNew(current, match);
  let device = current;
  if (session === "pending") device = activatePendingSession(device, input.receivedAtMs);
  // The uplink after a confirmed downlink answers it: ACK set or not.
  const fCtrl =
    input.message.payload.case === "macPayload"
      ? input.message.payload.value.fHdr?.fCtrl
      : undefined;
  const acknowledged = acknowledgeDownlink(device, fCtrl?.ack ?? false, input.receivedAtMs);
  device = acknowledged.device;
  const macState = device.macState;
  if (device.session === undefined || macState === undefined) throw errMacStateMissing.create();
  device.session.lastFCntUp = match.fCnt;
  appendRecentUplink(macState, input);
  macState.rxWindowsAvailable = true;

  const unanswered = unansweredOf(macState);
  const mac = handleUplinkCommands({ macState, unanswered }, input.commands, {
    band: input.band,
    macSettings: input.macSettings,
    fCntUp: match.fCnt,
    receivedAt: new Date(input.receivedAtMs),
    dataRateIndex: input.dataRateIndex,
    rxMetadata: input.uplink.rxMetadata.map((md) => ({
      gatewayId: md.gatewayIds?.gatewayId ?? "",
      snr: md.snr,
    })),
    supportsJoin: device.supportsJoin,
    supportsClassB: device.supportsClassB,
    supportsClassC: device.supportsClassC,
    ...(input.initialState ? { initialState: input.initialState } : {}),
    ...(input.maxRequestAttempts ? { maxRequestAttempts: input.maxRequestAttempts } : {}),
  });
  // The MAC layer works on its own copy: its result is the new state.
  device.macState = mac.state.macState;
  device.macState.unansweredRequests = { ...mac.state.unanswered };
  applyEffects(device, mac.effects, input.receivedAtMs);
  trackDataRate(device, input);
  if (fCtrl?.adr) steerDataRate(device, input);
  return {
    device,
    ups: acknowledged.ups,
    events: mac.events,
    effects: mac.effects,
  };
}

/**
 * The stored device still takes the frame: its session is the one matched and its counter did
 * not move past the frame meanwhile. Returns the session the frame belongs to now: a frame
 * matched to the pending session belongs to the current one when an earlier frame of that
 * session was committed first and made it current (frames a gateway sends in a burst).
 */
function stillNew(current: EndDevice, match: UplinkMatch): "pending" | "current" {
  const matched = match.session === "pending" ? match.device.pendingSession : match.device.session;
  if (match.session === "pending" && !sameSession(current.pendingSession, matched)) {
    const stored = current.session;
    if (!sameSession(stored, matched) || stored === undefined)
      throw errDeviceChanged.create({ f_cnt: match.fCnt });
    // The session carried a frame already: only a later one is new.
    if (match.fCnt <= stored.lastFCntUp) throw errDeviceChanged.create({ f_cnt: match.fCnt });
    return "current";
  }
  const stored = match.session === "pending" ? current.pendingSession : current.session;
  if (!sameSession(stored, matched) || stored === undefined || matched === undefined)
    throw errDeviceChanged.create({ f_cnt: match.fCnt });
  // Unchanged counter: the match holds. Moved: only a frame after the stored one is new.
  if (stored.lastFCntUp !== matched.lastFCntUp && match.fCnt <= stored.lastFCntUp)
    throw errDeviceChanged.create({ f_cnt: match.fCnt });
  return match.session;
}

function sameSession(a: Session | undefined, b: Session | undefined): boolean {
  return (
    a !== undefined &&
    b !== undefined &&
    equalBytes(a.devAddr, b.devAddr) &&
    equalBytes(a.keys?.sessionKeyId, b.keys?.sessionKeyId)
  );
}

function appendRecentUplink(macState: MACState, input: DataUplinkInput): void {
  const { uplink } = input;
  macState.recentUplinks.push(
    create(MACState_UplinkMessageSchema, {
      payload: input.message,
      settings: { dataRate: uplink.settings?.dataRate },
      rxMetadata: uplink.rxMetadata.map((md) => ({
        gatewayIds: md.gatewayIds,
        channelRssi: md.channelRssi,
        snr: md.snr,
        downlinkPathConstraint: md.downlinkPathConstraint,
        uplinkToken: md.uplinkToken,
      })),
      receivedAt: timestampFromMs(input.receivedAtMs),
      correlationIds: uplink.correlationIds,
      deviceChannelIndex: uplink.deviceChannelIndex,
    }),
  );
  if (macState.recentUplinks.length > RECENT_UPLINKS)
    macState.recentUplinks.splice(0, macState.recentUplinks.length - RECENT_UPLINKS);
}

function applyEffects(device: EndDevice, effects: DeviceEffects, receivedAtMs: number): void {
  const status = effects.devStatus;
  if (status !== undefined) {
    device.powerState = status.powerState;
    // 0 to 1, as The Things Stack stores it; unknown or external power: unset.
    device.batteryPercentage = status.batteryPercentage;
    device.downlinkMargin = status.downlinkMargin;
    device.lastDevStatusReceivedAt = timestampFromMs(status.receivedAt.getTime());
  }
  if (effects.activatePendingSession) {
    const next = activatePendingSession(device, receivedAtMs);
    Object.assign(device, next);
  }
}

/**
 * The data rate the device transmits at is its current one, as The Things Stack takes it: a
 * device that lowered it (ADR back-off) has raised its power to the maximum first. Under dynamic
 * ADR the desired values start from the current ones again, so a LinkADRReq the network sends for
 * other reasons (a channel mask) never moves the device to a data rate nobody chose: an ABP
 * device's or a freshly joined one's current data rate is DR0 until its first uplink says.
 */
function trackDataRate(device: EndDevice, input: DataUplinkInput): void {
  const macState = device.macState;
  const current = macState?.currentParameters;
  if (macState === undefined || current === undefined) return;
  if (input.dataRateIndex < current.adrDataRateIndex) current.adrTxPowerIndex = 0;
  current.adrDataRateIndex = input.dataRateIndex;
  const desired = macState.desiredParameters;
  const mode = adrSettingsOf(input.macSettings.adr, input.band).mode;
  if (desired === undefined || mode !== "dynamic") return;
  desired.adrDataRateIndex = current.adrDataRateIndex;
  desired.adrTxPowerIndex = current.adrTxPowerIndex;
  desired.adrNbTrans = current.adrNbTrans;
}

/** ADR: the new desired data rate, TX power and NbTrans, asked for with the next downlink. */
function steerDataRate(device: EndDevice, input: DataUplinkInput): void {
  const macState = device.macState;
  const desired = macState?.desiredParameters;
  if (macState === undefined || desired === undefined) return;
  const next = adaptDataRate(
    adrInputFromMacState(macState, input.macSettings.adr, input.band),
    input.adr,
  );
  if (next === undefined) return;
  desired.adrDataRateIndex = next.dataRateIndex;
  desired.adrTxPowerIndex = next.txPowerIndex;
  desired.adrNbTrans = next.nbTrans;
}

function equalBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}
