/**
 * The data downlink of a device, built from its state: MAC commands (answers first, in FOpts or
 * on FPort 0), the first queued application downlink that is still valid and fits, the frame
 * counter of the version (1.0.x one counter, 1.1 NFCntDown/AFCntDown), 1.1 FOpts encryption,
 * the MIC, FPending, and the state the device is in once the downlink is sent. A multicast group
 * gets no MAC commands and no ADR bit (it has no uplinks to answer them), and downlinks that can
 * never go (see refusals.ts) are taken from the queue as `downlink_failed`. Pure: the clock
 * comes in the input, nothing is published or stored.
 */
import { clone, create } from "@bufbuild/protobuf";
import { timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import { errorDetailsMessage } from "../../api/error-details.ts";
import {
  type EndDevice,
  type MACState,
  MACState_DownlinkMessageSchema,
} from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import {
  MACVersion,
  type Message,
  MessageSchema,
  MType,
} from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import {
  type ApplicationDownlink,
  ApplicationDownlink_ConfirmedRetrySchema,
  ApplicationDownlinkSchema,
  type ApplicationUp,
} from "../../gen/ttn/lorawan/v3/messages_pb.js";
import type { Band } from "../../lorawan/band/index.ts";
import { type DownlinkDataFrame, encodePhyPayload } from "../../lorawan/codec/index.ts";
import {
  computeDataDownlinkMic10,
  computeDataDownlinkMic11,
  encryptFOpts,
  encryptFrmPayload,
  fOptsCounter,
} from "../../lorawan/crypto/index.ts";
import { type DownlinkMacCommand, encodeMacCommands } from "../../lorawan/mac/index.ts";
import {
  type DownlinkCommandsResult,
  enqueueDownlinkCommands,
  FOPTS_BUDGET,
  type MacEvent,
  unansweredOf,
} from "../mac/index.ts";
import { cloneDevice } from "../mac/state-clone.ts";
import { downlinkCounters, partitionQueue } from "./application-queue.ts";
import { downlinkFailedUp, downlinkUp, queueInvalidatedUp } from "./application-ups.ts";
import { errNoSession, errNoSessionKey } from "./errors.ts";
import { maxFrmPayloadSize } from "./payload-size.ts";
import { refusalOf } from "./refusals.ts";

/** How many downlinks the MAC state keeps in `recent_downlinks`. */
export const RECENT_DOWNLINKS = 5;

export interface DataDownlinkInput {
  readonly device: EndDevice;
  readonly band: Band;
  /** Class A answers an uplink; class C (or B) is sent on the network's initiative. */
  readonly deviceClass: "A" | "C";
  /** The data rates of the windows the downlink may go in: the smallest payload limit counts. */
  readonly dataRateIndexes: readonly number[];
  readonly dwellTime: boolean;
  /** The full FCnt of the confirmed uplink to acknowledge (class A); unset: no ACK. */
  readonly ackFCntUp?: number | undefined;
  /** The uplink set ADRACKReq: a downlink is due even if it carries nothing. */
  readonly adrAckReq?: boolean | undefined;
  readonly nowMs: number;
  /** Unanswered uplinks after which a MAC request is given up. */
  readonly maxRequestAttempts?: number | undefined;
  /** How long a class C confirmed downlink waits for its ACK (ms). */
  readonly classCTimeoutMs: number;
  /** Transmissions of a confirmed class C downlink when its own `confirmed_retry` says none. */
  readonly maxConfirmedAttempts: number;
}

/** The frame to send. */
export interface DataDownlink {
  readonly phyPayload: Uint8Array;
  /** The frame decoded, for the DownlinkMessage (FRMPayload and FOpts as sent). */
  readonly message: Message;
  /** The full downlink frame counter. */
  readonly fCnt: number;
  readonly confirmed: boolean;
  readonly sessionKeyId: Uint8Array;
  /** The application downlink it carries. */
  readonly applicationDownlink?: ApplicationDownlink | undefined;
  /** It carries MAC commands (FOpts or FPort 0). */
  readonly macCommands: boolean;
  /** A retransmission of the pending confirmed downlink. */
  readonly retransmission: boolean;
}

export interface DataDownlinkResult {
  /**
   * The device once the downlink is sent (to commit only when scheduled); without a downlink,
   * the device with invalidated downlinks dropped and given-up confirmed downlinks cleared (to
   * commit when `changed`).
   */
  readonly device: EndDevice;
  readonly downlink?: DataDownlink | undefined;
  /** The device differs from the input even without a downlink. */
  readonly changed: boolean;
  /** For the Application Server: invalidated downlinks, confirmed downlinks given up. */
  readonly ups: readonly ApplicationUp[];
  readonly macEvents: readonly MacEvent[];
  /** Queued downlinks dropped as invalid (another session, frame counter used). */
  readonly invalidated: readonly ApplicationDownlink[];
  /** Queued downlinks that can never be sent (refusals.ts), answered with `downlink_failed`. */
  readonly refused?: readonly ApplicationDownlink[] | undefined;
  /** The confirmed class C downlink given up after its last attempt. */
  readonly gaveUp?: ApplicationDownlink | undefined;
  /** Nothing can go before this time (a confirmed class C downlink awaits its ACK). */
  readonly waitUntilMs?: number | undefined;
}

interface Keys {
  readonly sessionKeyId: Uint8Array;
  readonly fNwkSIntKey: Uint8Array;
  readonly sNwkSIntKey: Uint8Array | undefined;
  readonly nwkSEncKey: Uint8Array | undefined;
}

/** Builds the next data downlink of the device, if one is needed. */
export function buildDataDownlink(input: DataDownlinkInput): DataDownlinkResult {
  const device = cloneDevice(input.device);
  const session = device.session;
  const macState = device.macState;
  if (session === undefined || macState === undefined) throw errNoSession.create();
  const lorawan11 = macState.lorawanVersion === MACVersion.MAC_V1_1;
  const multicast = device.multicast;
  const keys = sessionKeys(device, lorawan11);
  const ups: ApplicationUp[] = [];
  let changed = false;
  let gaveUp: ApplicationDownlink | undefined;
  let invalidated: ApplicationDownlink[] = [];

  // A confirmed class C downlink awaiting its ACK: wait, send it again, or give it up.
  let retransmit: ApplicationDownlink | undefined;
  const pending = macState.pendingApplicationDownlink;
  if (input.deviceClass === "C" && pending !== undefined) {
    const sentAtMs = macState.lastConfirmedDownlinkAt
      ? timestampMs(macState.lastConfirmedDownlinkAt)
      : 0;
    const dueMs = sentAtMs + input.classCTimeoutMs;
    if (input.nowMs < dueMs)
      return { device, changed, ups, macEvents: [], invalidated, waitUntilMs: dueMs };
    const attempt = pending.confirmedRetry?.attempt ?? 1;
    const max = pending.confirmedRetry?.maxAttempts ?? input.maxConfirmedAttempts;
    if (attempt >= max) {
      ups.push(downlinkUp(device, "downlinkNack", pending, input.nowMs));
      macState.pendingApplicationDownlink = undefined;
      gaveUp = pending;
      changed = true;
    } else {
      retransmit = clone(ApplicationDownlinkSchema, pending);
      retransmit.confirmedRetry = create(ApplicationDownlink_ConfirmedRetrySchema, {
        attempt: attempt + 1,
        maxAttempts: pending.confirmedRetry?.maxAttempts,
      });
    }
  }

  const sent = sentSoFar(macState);
  const counters = downlinkCounters(session, lorawan11, sent);
  const partition = partitionQueue(session.queuedApplicationDownlinks, keys.sessionKeyId, counters);
  invalidated = partition.invalidated;
  if (invalidated.length > 0) {
    ups.push(queueInvalidatedUp(device, invalidated, counters.lastApplication ?? 0, input.nowMs));
    session.queuedApplicationDownlinks = partition.sendable;
    changed = true;
  }
  const refused: ApplicationDownlink[] = [];
  const sendable = partition.sendable.filter((downlink) => {
    const error = refusalOf(downlink, { multicast, nowMs: input.nowMs });
    if (error === undefined) return true;
    refused.push(downlink);
    const details = errorDetailsMessage(error, downlink.correlationIds[0] ?? "");
    ups.push(downlinkFailedUp(device, downlink, details, input.nowMs));
    return false;
  });
  if (refused.length > 0) {
    session.queuedApplicationDownlinks = sendable;
    changed = true;
  }

  const maxPayload = (fOptsLength: number) => payloadLimit(input, fOptsLength);
  const limit0 = maxPayload(0);
  if (limit0 === undefined)
    return { device, changed, ups, macEvents: [], invalidated, refused, gaveUp };

  // Class A leaves class B/C-only downlinks queued; class C waits while a confirmed one is out.
  const eligible = sendable.filter((d) => input.deviceClass !== "A" || d.classBC === undefined);
  const candidates = retransmit !== undefined ? [retransmit] : eligible;

  const context = {
    band: input.band,
    macSettings: device.macSettings,
    transmitAt: new Date(input.nowMs),
    lastFCntUp: session.lastFCntUp,
    lastDevStatusReceivedAt: device.lastDevStatusReceivedAt
      ? new Date(timestampMs(device.lastDevStatusReceivedAt))
      : undefined,
    classA: input.deviceClass === "A",
    maxRequestAttempts: input.maxRequestAttempts,
  };
  const layer = { macState, unanswered: unansweredOf(macState) };
  // A retransmission is the same frame again: no MAC commands ride on it. A multicast group never
  // answers, so no command is ever sent to it.
  let mac: DownlinkCommandsResult | undefined =
    retransmit === undefined && !multicast
      ? enqueueDownlinkCommands(layer, { downlink: Math.min(FOPTS_BUDGET, limit0) }, context)
      : undefined;
  let macBytes = encodeCommands(mac?.commands ?? []);

  const fitting = candidates.findIndex(
    (d) => d.frmPayload.length <= (maxPayload(macBytes.length) ?? -1),
  );
  const application = fitting < 0 ? undefined : candidates[fitting];
  let onPort0 = false;
  if (application === undefined && mac !== undefined && !mac.complete && limit0 > FOPTS_BUDGET) {
    // Without application payload, what does not fit in FOpts goes in FRMPayload on FPort 0.
    mac = enqueueDownlinkCommands(layer, { downlink: limit0 }, context);
    macBytes = encodeCommands(mac.commands);
    onPort0 = macBytes.length > FOPTS_BUDGET;
  }

  const answersQueued = !multicast && macState.queuedResponses.length > 0;
  const needed =
    application !== undefined ||
    (input.deviceClass === "A"
      ? input.ackFCntUp !== undefined || input.adrAckReq === true || macBytes.length > 0
      : answersQueued);
  if (!needed) return { device, changed, ups, macEvents: [], invalidated, refused, gaveUp };

  const left =
    retransmit !== undefined || application === undefined ? eligible.length : eligible.length - 1;
  const fPending = left > 0 || (mac !== undefined && !mac.complete);
  const fCnt = application?.fCnt ?? counters.nextNetwork;
  const frame = encodeFrame({
    keys,
    lorawan11,
    devAddr: session.devAddr,
    fCnt,
    confirmed: application?.confirmed === true,
    ack: input.ackFCntUp,
    adr: !multicast && usesAdr(device),
    fPending,
    macBytes,
    onPort0,
    application,
  });

  // The state once sent.
  const next = mac?.state.macState ?? macState;
  if (application !== undefined) {
    session.lastAFCntDown = fCnt;
    if (!lorawan11) session.lastNFCntDown = fCnt;
    if (retransmit === undefined) {
      session.queuedApplicationDownlinks = sendable.filter((d) => d !== application);
    }
    if (application.confirmed) {
      next.pendingApplicationDownlink = application;
      next.lastConfirmedDownlinkAt = timestampFromMs(input.nowMs);
      session.lastConfFCntDown = fCnt;
    }
  } else {
    session.lastNFCntDown = fCnt;
  }
  next.lastDownlinkAt = timestampFromMs(input.nowMs);
  if (input.deviceClass === "A") next.rxWindowsAvailable = false;
  else next.lastNetworkInitiatedDownlinkAt = timestampFromMs(input.nowMs);
  next.recentDownlinks = [
    ...next.recentDownlinks,
    create(MACState_DownlinkMessageSchema, {
      payload: {
        mHdr: { mType: frame.message.mHdr?.mType ?? MType.UNCONFIRMED_DOWN },
        macPayload: { fPort: application?.fPort ?? 0, fullFCnt: fCnt },
      },
      correlationIds: [...(application?.correlationIds ?? [])],
    }),
  ].slice(-RECENT_DOWNLINKS);
  device.macState = next;

  return {
    device,
    changed: true,
    ups,
    invalidated,
    refused,
    gaveUp,
    macEvents: mac?.events ?? [],
    downlink: {
      phyPayload: frame.phyPayload,
      message: frame.message,
      fCnt,
      confirmed: application?.confirmed === true,
      sessionKeyId: keys.sessionKeyId,
      applicationDownlink: application,
      macCommands: macBytes.length > 0,
      retransmission: retransmit !== undefined,
    },
  };
}

function sessionKeys(device: EndDevice, lorawan11: boolean): Keys {
  const k = device.session?.keys;
  const plain = (key: Uint8Array | undefined) => (key?.length === 16 ? key : undefined);
  const fNwkSIntKey = plain(k?.fNwkSIntKey?.key);
  if (fNwkSIntKey === undefined) throw errNoSessionKey.create({ key: "f_nwk_s_int_key" });
  const sNwkSIntKey = plain(k?.sNwkSIntKey?.key);
  const nwkSEncKey = plain(k?.nwkSEncKey?.key);
  if (lorawan11 && sNwkSIntKey === undefined) {
    throw errNoSessionKey.create({ key: "s_nwk_s_int_key" });
  }
  if (lorawan11 && nwkSEncKey === undefined) {
    throw errNoSessionKey.create({ key: "nwk_s_enc_key" });
  }
  return {
    sessionKeyId: k?.sessionKeyId ?? new Uint8Array(),
    fNwkSIntKey,
    sNwkSIntKey,
    nwkSEncKey,
  };
}

// Whether this session sent network or application downlinks yet: the MAC state is new with
// every session, so its recent downlinks tell a counter of 0 used from none used.
function sentSoFar(macState: MACState): { network: boolean; application: boolean } {
  const ports = macState.recentDownlinks.map((d) => d.payload?.macPayload?.fPort ?? 0);
  return { network: ports.some((p) => p === 0), application: ports.some((p) => p > 0) };
}

function payloadLimit(input: DataDownlinkInput, fOptsLength: number): number | undefined {
  const limits = input.dataRateIndexes.map((dr) =>
    maxFrmPayloadSize(input.band, dr, input.dwellTime, fOptsLength),
  );
  if (limits.length === 0 || limits.some((l) => l === undefined)) return undefined;
  return Math.min(...(limits as number[]));
}

function encodeCommands(commands: readonly DownlinkMacCommand[]): Uint8Array {
  return commands.length === 0 ? new Uint8Array() : encodeMacCommands(commands, "downlink");
}

// The ADR bit tells the device the network runs ADR for it: off in static and disabled mode.
function usesAdr(device: EndDevice): boolean {
  const mode = device.macSettings?.adr?.mode.case;
  return mode !== "static" && mode !== "disabled";
}

interface FrameInput {
  readonly keys: Keys;
  readonly lorawan11: boolean;
  readonly devAddr: Uint8Array;
  readonly fCnt: number;
  readonly confirmed: boolean;
  readonly ack: number | undefined;
  readonly adr: boolean;
  readonly fPending: boolean;
  readonly macBytes: Uint8Array;
  readonly onPort0: boolean;
  readonly application: ApplicationDownlink | undefined;
}

function encodeFrame(input: FrameInput): { phyPayload: Uint8Array; message: Message } {
  const { keys, lorawan11, devAddr, fCnt, application } = input;
  const fPort = application?.fPort ?? (input.onPort0 ? 0 : undefined);
  const networkKey = lorawan11 ? (keys.nwkSEncKey as Uint8Array) : keys.fNwkSIntKey;
  let fOpts = input.onPort0 ? new Uint8Array() : input.macBytes;
  if (lorawan11 && fOpts.length > 0) {
    fOpts = encryptFOpts(networkKey, fOptsCounter("downlink", fPort), devAddr, fCnt, fOpts);
  }
  const frmPayload =
    application !== undefined
      ? application.frmPayload
      : input.onPort0
        ? encryptFrmPayload(networkKey, "downlink", devAddr, fCnt, input.macBytes)
        : new Uint8Array();
  const frame: DownlinkDataFrame = {
    mType: input.confirmed ? "confirmedDataDown" : "unconfirmedDataDown",
    devAddr,
    fCtrl: { adr: input.adr, ack: input.ack !== undefined, fPending: input.fPending },
    fCnt: fCnt & 0xffff,
    fOpts,
    frmPayload,
    mic: new Uint8Array(4),
    ...(fPort === undefined ? {} : { fPort }),
  };
  const unsigned = encodePhyPayload(frame);
  const msg = unsigned.subarray(0, unsigned.length - 4);
  frame.mic = lorawan11
    ? computeDataDownlinkMic11(keys.sNwkSIntKey as Uint8Array, devAddr, fCnt, input.ack ?? 0, msg)
    : computeDataDownlinkMic10(keys.fNwkSIntKey, devAddr, fCnt, msg);
  const phyPayload = encodePhyPayload(frame);
  const message = create(MessageSchema, {
    mHdr: { mType: input.confirmed ? MType.CONFIRMED_DOWN : MType.UNCONFIRMED_DOWN },
    mic: frame.mic,
    payload: {
      case: "macPayload",
      value: {
        fHdr: { devAddr, fCtrl: { ...frame.fCtrl }, fCnt: frame.fCnt, fOpts },
        fPort: fPort ?? 0,
        frmPayload,
        fullFCnt: fCnt,
      },
    },
  });
  return { phyPayload, message };
}
