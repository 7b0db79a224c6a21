/**
 * The shapes the MAC layer works with: what a handler is given about the uplink or the downlink
 * to be, the state it changes, and what it reports back. Everything is pure: the clock, the band
 * and the device's settings come in the context; the events go out in the result.
 */
import type { JsonObject } from "@bufbuild/protobuf";
import type { MACSettings, MACState, PowerState } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import type { Band } from "../../lorawan/band/index.ts";
import type {
  DownlinkMacCommand,
  ForceRejoinReqFields,
  UplinkMacCommand,
} from "../../lorawan/mac/index.ts";
import type { MacEventDefinition } from "./events.ts";

/** An event for the caller to publish, with its data. */
export interface MacEvent {
  readonly definition: MacEventDefinition;
  readonly data: JsonObject;
}

/** One reception of the uplink, as much as the MAC layer needs of it. */
export interface MacRxMetadata {
  readonly gatewayId: string;
  readonly snr: number;
}

/** What the MAC layer is told about the uplink whose commands it handles. */
export interface UplinkContext {
  readonly band: Band;
  readonly macSettings?: MACSettings | undefined;
  /** The uplink's full frame counter. */
  readonly fCntUp: number;
  /** When the uplink was received (DeviceTimeAns, DevStatus bookkeeping). */
  readonly receivedAt: Date;
  /** The data rate index of the uplink (LinkCheckAns margin). */
  readonly dataRateIndex: number;
  /** Every reception of the uplink (LinkCheckAns: best SNR, gateway count). */
  readonly rxMetadata: readonly MacRxMetadata[];
  readonly supportsJoin: boolean;
  readonly supportsClassB?: boolean;
  readonly supportsClassC?: boolean;
  /** A fresh MAC state for the device (ResetInd resets to it). */
  readonly initialState?: () => MACState;
  /** Unanswered uplinks after which a request is given up (default 3). */
  readonly maxRequestAttempts?: number;
}

/** What the MAC layer is told about the downlink it fills. */
export interface DownlinkContext {
  readonly band: Band;
  readonly macSettings?: MACSettings | undefined;
  /** When the downlink is to be transmitted (DevStatus time periodicity). */
  readonly transmitAt: Date;
  /** The last uplink frame counter of the session (DevStatus count periodicity). */
  readonly lastFCntUp: number;
  /** When the device last reported its status, if ever. */
  readonly lastDevStatusReceivedAt?: Date | undefined;
  /** Whether this downlink goes in a class A window (PingSlotChannelReq only then). */
  readonly classA?: boolean;
  readonly multicast?: boolean;
  /** A ForceRejoinReq the operator asked for (1.1). */
  readonly forceRejoin?: ForceRejoinReqFields | undefined;
  /** Unanswered uplinks after which a request is given up (default 3). */
  readonly maxRequestAttempts?: number;
}

/** Bytes left for MAC commands: in the downlink, and in the uplink that will carry the answers. */
export interface MacBudget {
  /** FOpts (15) or the FRMPayload of FPort 0 (the data rate's maximum). */
  readonly downlink: number;
  /** The answers must fit in the device's FOpts: 15 unless said otherwise. */
  readonly uplink?: number;
}

/** Changes to the end device outside its MAC state, for the caller to apply. */
export interface DeviceEffects {
  /** From DevStatusAns: the device's `power_state`, `battery_percentage`, `downlink_margin`. */
  devStatus?: {
    readonly powerState: PowerState;
    /** 0 to 1, or undefined when not on battery or unknown. */
    readonly batteryPercentage: number | undefined;
    readonly downlinkMargin: number;
    readonly receivedAt: Date;
  };
  /** From RekeyInd: the pending session (and pending MAC state) becomes the active one. */
  activatePendingSession?: boolean;
  /** From ResetInd: the MAC state was reset to the initial state. */
  macStateReset?: boolean;
}

/**
 * The MAC layer's state of a device: the MACState message, and per CID how many uplinks in a
 * row came without the answer to a pending request (stored by callers in
 * `MACState.unanswered_requests`, see {@link unansweredOf}).
 */
export interface MacLayerState {
  readonly macState: MACState;
  readonly unanswered?: Readonly<Record<number, number>>;
}

/** The work on one uplink: a private copy of the state that the handlers change. */
export interface UplinkWork {
  state: MACState;
  readonly context: UplinkContext;
  readonly events: MacEvent[];
  readonly effects: DeviceEffects;
}

/** A handler's answer to a device-initiated command. */
export type RequestHandler = (work: UplinkWork, command: UplinkMacCommand) => void;

/**
 * A handler's processing of an answer matched with its request: the oldest pending one of the
 * CID, or for a block command (LinkADR) the last of the block, with the whole block beside it.
 */
export type AnswerHandler = (
  work: UplinkWork,
  answer: UplinkMacCommand,
  request: DownlinkMacCommand,
  block: readonly DownlinkMacCommand[],
) => void;

/** The requests the next downlink needs for one command, in order (empty: none). */
export type NeedsHandler = (state: MACState, context: DownlinkContext) => DownlinkMacCommand[];

/** The Network Server's behaviour for one MAC command (CID). */
export interface MacHandler {
  readonly cid: number;
  /** The Things Stack's name in events, e.g. `link_adr`. */
  readonly name: string;
  /** Device-initiated commands: answer the device's request or indication. */
  readonly onRequest?: RequestHandler;
  /** Network-initiated commands: the requests to send. */
  readonly needs?: NeedsHandler;
  /** Network-initiated commands with answers: apply the answer to the state. */
  readonly onAnswer?: AnswerHandler;
  /** The event for each enqueued request. */
  readonly requestEvent?: MacEventDefinition;
  /**
   * The device repeats the answer on every uplink until it receives a class A downlink
   * (RXParamSetup, RXTimingSetup, TxParamSetup, DlChannel): an answer without request after
   * one in the previous uplink is expected, and no new request is sent while it repeats.
   */
  readonly sticky?: boolean;
  /** Requests of this command may be sent in part when not all fit (one per channel). */
  readonly partial?: boolean;
  /**
   * Consecutive requests form one block that one answer acknowledges (LinkADRReq with several
   * channel masks); devices of some versions repeat the answer once per request of the block.
   */
  readonly block?: boolean;
}

/** The per-CID counts of unanswered requests stored in a MAC state (none: undefined). */
export function unansweredOf(
  macState: MACState | undefined,
): Readonly<Record<number, number>> | undefined {
  const stored = macState?.unansweredRequests;
  if (stored === undefined) return undefined;
  const entries = Object.entries(stored);
  return entries.length === 0
    ? undefined
    : Object.fromEntries(entries.map(([c, n]) => [Number(c), n]));
}
