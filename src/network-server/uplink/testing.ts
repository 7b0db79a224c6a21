// Test helpers of the uplink matching: devices as the NS registry hands them out and data
// uplinks built with src/lorawan (encode, then MIC).

import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  type EndDevice,
  EndDeviceSchema,
  type MACState_UplinkMessage,
  MACState_UplinkMessageSchema,
} from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { MType } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { encodePhyPayload, type UplinkDataFrame } from "../../lorawan/codec/index.ts";
import { computeDataUplinkMic10, computeDataUplinkMic11 } from "../../lorawan/crypto/index.ts";
import { dataUplinkMessage } from "./frame-message.ts";

export function hex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "hex"));
}

export interface FrameSpec {
  devAddr: Uint8Array;
  /** The full counter the device used (its low 16 bits go in the frame). */
  fCnt: number;
  confirmed?: boolean;
  ack?: boolean;
  fPort?: number;
  frmPayload?: Uint8Array;
  fOpts?: Uint8Array;
}

export type MicSpec =
  | { version: "1.0"; nwkSKey: Uint8Array }
  | {
      version: "1.1";
      fNwkSIntKey: Uint8Array;
      sNwkSIntKey: Uint8Array;
      confFCnt?: number;
      txDr?: number;
      txCh?: number;
    };

/** The frame and its PHYPayload, with the MIC the device would compute. */
export function buildUplink(
  spec: FrameSpec,
  mic: MicSpec,
): { frame: UplinkDataFrame; phyPayload: Uint8Array } {
  const frame: UplinkDataFrame = {
    mType: spec.confirmed === true ? "confirmedDataUp" : "unconfirmedDataUp",
    devAddr: spec.devAddr,
    fCtrl: { adr: true, adrAckReq: false, ack: spec.ack ?? false, classB: false },
    fCnt: spec.fCnt % 0x10000,
    fOpts: spec.fOpts ?? new Uint8Array(),
    fPort: spec.fPort ?? 1,
    frmPayload: spec.frmPayload ?? hex("0102"),
    mic: new Uint8Array(4),
  };
  const unsigned = encodePhyPayload(frame);
  const msg = unsigned.subarray(0, unsigned.length - 4);
  frame.mic =
    mic.version === "1.0"
      ? computeDataUplinkMic10(mic.nwkSKey, spec.devAddr, spec.fCnt, msg)
      : computeDataUplinkMic11(
          mic.fNwkSIntKey,
          mic.sNwkSIntKey,
          spec.devAddr,
          spec.fCnt,
          { confFCnt: mic.confFCnt ?? 0, txDr: mic.txDr ?? 0, txCh: mic.txCh ?? 0 },
          msg,
        );
  return { frame, phyPayload: encodePhyPayload(frame) };
}

/** A recent uplink of the MAC state as the pipeline stores it. */
export function recentUplink(
  uplink: { frame: UplinkDataFrame },
  receivedAtMs: number,
  fullFCnt: number,
): MACState_UplinkMessage {
  return create(MACState_UplinkMessageSchema, {
    payload: dataUplinkMessage(uplink.frame, fullFCnt),
    receivedAt: timestampFromMs(receivedAtMs),
  });
}

/** A join-request as the one recent uplink of a pending MAC state. */
export function joinRequestUplink(receivedAtMs: number): MACState_UplinkMessage {
  return create(MACState_UplinkMessageSchema, {
    payload: { mHdr: { mType: MType.JOIN_REQUEST } },
    receivedAt: timestampFromMs(receivedAtMs),
  });
}

export function device(init: MessageInitShape<typeof EndDeviceSchema>): EndDevice {
  return create(EndDeviceSchema, init);
}
