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
} from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import type { Message } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import type { ApplicationUp, UplinkMessage } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import type { Band } from "../../lorawan/band/index.ts";
import type { UplinkMacCommand } from "../../lorawan/mac/index.ts";
import { adaptDataRate, adrInputFromMacState } from "../adr/index.ts";
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
  checkStillNew(current, match);
  let device = current;
  if (match.session === "pending") device = activatePendingSession(device, input.receivedAtMs);
  // The uplink after a confirmed downlink answers it: ACK set or not.
  const fCtrl =
    input.message.payload.case === "macPayload"
      ? input.message.payload.value.fHdr?.fCtrl
      : undefined;
  const acknowledged = acknowledgeDownlink(device, fCtrl?.ack ?? false, input.receivedAtMs);
  device = acknowledged.device;
  const session = device.session;
  const macState = device.macState;
  if (session === undefined || macState === undefined) throw errMacStateMissing.create();
  session.lastFCntUp = match.fCnt;
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
  if (fCtrl?.adr) steerDataRate(device, input);
  return {
    device,
    ups: acknowledged.ups,
    events: mac.events,
    effects: mac.effects,
  };
}

/** The stored device still takes the frame: its counter did not move past it meanwhile. */
function checkStillNew(current: EndDevice, match: UplinkMatch): void {
  const matched = match.session === "pending" ? match.device.pendingSession : match.device.session;
  const stored = match.session === "pending" ? current.pendingSession : current.session;
  const sameSession =
    stored !== undefined &&
    matched !== undefined &&
    equalBytes(stored.devAddr, matched.devAddr) &&
    equalBytes(stored.keys?.sessionKeyId, matched.keys?.sessionKeyId);
  if (!sameSession) throw errDeviceChanged.create({ f_cnt: match.fCnt });
  // Unchanged counter: the match holds. Moved: only a frame after the stored one is new.
  if (stored.lastFCntUp !== matched.lastFCntUp && match.fCnt <= stored.lastFCntUp)
    throw errDeviceChanged.create({ f_cnt: match.fCnt });
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
