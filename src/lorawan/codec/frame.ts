import type { DevAddr, Eui64, NetId } from "../types/index.ts";

/**
 * The PHYPayloads of LoRaWAN 1.0.0–1.0.4 and 1.1 as a union discriminated by `mType`.
 * Multi-byte identifiers (EUIs, DevAddr, NetID) are in display order (as users print them);
 * the codec reverses them to and from the little-endian wire order. Byte fields are raw:
 * FOpts, FRMPayload and join-accepts stay as they are on the air (possibly encrypted).
 */
export type PhyPayload =
  | JoinRequestFrame
  | RejoinRequestFrame
  | JoinAcceptFrame
  | UplinkDataFrame
  | DownlinkDataFrame
  | ProprietaryFrame;

export type MType = PhyPayload["mType"];

export interface JoinRequestFrame {
  mType: "joinRequest";
  /** JoinEUI (AppEUI in LoRaWAN 1.0). */
  joinEui: Eui64;
  devEui: Eui64;
  /** 16-bit DevNonce. */
  devNonce: number;
  /** 4 bytes. */
  mic: Uint8Array;
}

/** Rejoin-request type 0 (reset context / new session keys) or 2 (rekey), LoRaWAN 1.1. */
export interface RejoinRequest02Frame {
  mType: "rejoinRequest";
  rejoinType: 0 | 2;
  netId: NetId;
  devEui: Eui64;
  /** 16-bit RJcount0. */
  rjCount0: number;
  mic: Uint8Array;
}

/** Rejoin-request type 1 (restore a lost session context), LoRaWAN 1.1. */
export interface RejoinRequest1Frame {
  mType: "rejoinRequest";
  rejoinType: 1;
  joinEui: Eui64;
  devEui: Eui64;
  /** 16-bit RJcount1. */
  rjCount1: number;
  mic: Uint8Array;
}

export type RejoinRequestFrame = RejoinRequest02Frame | RejoinRequest1Frame;

/**
 * A join-accept as it travels: MHDR, then 16 or 32 bytes encrypted together. The MIC is
 * inside the ciphertext (the network encrypts MACPayload‖MIC), so it is not split off here:
 * decrypt `encrypted`, then read it with `decodeJoinAcceptPayload` on all but its last 4 bytes.
 */
export interface JoinAcceptFrame {
  mType: "joinAccept";
  /** 16 bytes, or 32 with a CFList. */
  encrypted: Uint8Array;
}

export interface UplinkFCtrl {
  adr: boolean;
  adrAckReq: boolean;
  ack: boolean;
  /** Class B enabled (LoRaWAN 1.0.2 and later; RFU before). */
  classB: boolean;
}

export interface DownlinkFCtrl {
  adr: boolean;
  ack: boolean;
  fPending: boolean;
}

interface DataFrameFields {
  devAddr: DevAddr;
  /** The 16 least significant bits of the frame counter. */
  fCnt: number;
  /** 0 to 15 bytes of MAC commands (encrypted in LoRaWAN 1.1); FOptsLen is their length. */
  fOpts: Uint8Array;
  /** Absent when the frame has no port and no FRMPayload. 0 means MAC commands. */
  fPort?: number;
  /** Raw (encrypted) FRMPayload, empty when absent. */
  frmPayload: Uint8Array;
  mic: Uint8Array;
}

export interface UplinkDataFrame extends DataFrameFields {
  mType: "unconfirmedDataUp" | "confirmedDataUp";
  fCtrl: UplinkFCtrl;
}

export interface DownlinkDataFrame extends DataFrameFields {
  mType: "unconfirmedDataDown" | "confirmedDataDown";
  fCtrl: DownlinkFCtrl;
}

export type DataFrame = UplinkDataFrame | DownlinkDataFrame;

/**
 * A proprietary frame: the MHDR then bytes whose format the vendor defines. A MIC is not
 * split off because nothing in the specification says a proprietary frame has one.
 */
export interface ProprietaryFrame {
  mType: "proprietary";
  payload: Uint8Array;
}

/** DLSettings of a join-accept. */
export interface DlSettings {
  /** LoRaWAN 1.1 OptNeg: the network speaks 1.1 (RFU, so false, in 1.0). */
  optNeg: boolean;
  /** 0 to 7. */
  rx1DrOffset: number;
  /** 0 to 15. */
  rx2DataRate: number;
}

/** CFList type 0: up to five extra channel frequencies in Hz (0: no channel). */
export interface CfListFrequencies {
  type: 0;
  /** Five frequencies in Hz, multiples of 100 (the wire unit). */
  frequencies: number[];
}

/**
 * CFList type 1: channel masks (US915, AU915, CN470). ChMask k bit i enables channel 16k+i.
 * Six masks (ChMask5 is only used by 96-channel bands; it is RFU and 0 elsewhere).
 */
export interface CfListChannelMasks {
  type: 1;
  channelMasks: number[];
}

export type CfList = CfListFrequencies | CfListChannelMasks;

/** The decrypted MACPayload of a join-accept, without the MIC. */
export interface JoinAcceptPayload {
  /** 24-bit JoinNonce (AppNonce in LoRaWAN 1.0). */
  joinNonce: number;
  homeNetId: NetId;
  devAddr: DevAddr;
  dlSettings: DlSettings;
  /** RxDelay as sent, 0 to 15 (0 and 1 both mean one second). */
  rxDelay: number;
  cfList?: CfList;
}
