import { readWireOrder, writeWireOrder } from "../types/index.ts";
import {
  errFOptsTooLong,
  errFOptsWithFPort0,
  errFrmPayloadWithoutFPort,
  errTooShort,
} from "./errors.ts";
import {
  decodeDownlinkFCtrl,
  decodeUplinkFCtrl,
  encodeDownlinkFCtrl,
  encodeUplinkFCtrl,
} from "./f-ctrl.ts";
import type { DataFrame, UplinkDataFrame } from "./frame.ts";
import { readUint16, writeUint16 } from "./little-endian.ts";
import { mhdrByte } from "./mhdr.ts";
import { checkBytes, checkUint } from "./validate.ts";

/** MHDR(1) DevAddr(4) FCtrl(1) FCnt(2) MIC(4), with no FOpts, FPort or FRMPayload. */
export const DATA_FRAME_MIN_LENGTH = 12;
const MAX_F_OPTS_LENGTH = 15;

type DataMType = DataFrame["mType"];

function isUplink(mType: DataMType): mType is "unconfirmedDataUp" | "confirmedDataUp" {
  return mType === "unconfirmedDataUp" || mType === "confirmedDataUp";
}

function isUplinkFrame(frame: DataFrame): frame is UplinkDataFrame {
  return isUplink(frame.mType);
}

/** Decodes a data PHYPayload whose MHDR has been checked and says `mType`. */
export function decodeDataFrame(phy: Uint8Array, mType: DataMType): DataFrame {
  const fCtrl = phy[5] ?? 0;
  const fOptsLength = fCtrl & 0x0f;
  const min = DATA_FRAME_MIN_LENGTH + fOptsLength;
  if (phy.length < min) {
    throw errTooShort.create({ message_type: mType, length: phy.length, min });
  }
  const devAddr = readWireOrder(phy, 1, 4);
  const fCnt = readUint16(phy, 6);
  const fOptsEnd = 8 + fOptsLength;
  const micStart = phy.length - 4;
  const common = {
    devAddr,
    fCnt,
    fOpts: phy.subarray(8, fOptsEnd),
    frmPayload: phy.subarray(Math.min(fOptsEnd + 1, micStart), micStart),
    mic: phy.subarray(micStart),
  };
  const frame: DataFrame = isUplink(mType)
    ? { mType, ...common, fCtrl: decodeUplinkFCtrl(fCtrl) }
    : { mType, ...common, fCtrl: decodeDownlinkFCtrl(fCtrl) };
  if (fOptsEnd < micStart) {
    const fPort = phy[fOptsEnd] ?? 0;
    if (fPort === 0 && fOptsLength > 0) {
      throw errFOptsWithFPort0.create({ f_opts_len: fOptsLength });
    }
    frame.fPort = fPort;
  }
  return frame;
}

export function encodeDataFrame(frame: DataFrame): Uint8Array {
  const fCtrlBits = isUplinkFrame(frame)
    ? encodeUplinkFCtrl(frame.fCtrl)
    : encodeDownlinkFCtrl(frame.fCtrl);
  const devAddr = checkBytes("DevAddr", frame.devAddr, 4);
  const fCnt = checkUint("FCnt", frame.fCnt, 0xffff);
  const fOpts = checkBytes("FOpts", frame.fOpts, 0, Number.MAX_SAFE_INTEGER);
  if (fOpts.length > MAX_F_OPTS_LENGTH) throw errFOptsTooLong.create({ length: fOpts.length });
  const frmPayload = checkBytes("FRMPayload", frame.frmPayload, 0, Number.MAX_SAFE_INTEGER);
  const mic = checkBytes("MIC", frame.mic, 4);
  const hasFPort = frame.fPort !== undefined;
  const fPort = hasFPort ? checkUint("FPort", frame.fPort, 0xff) : 0;
  if (!hasFPort && frmPayload.length > 0) {
    throw errFrmPayloadWithoutFPort.create({ length: frmPayload.length });
  }
  if (hasFPort && fPort === 0 && fOpts.length > 0) {
    throw errFOptsWithFPort0.create({ f_opts_len: fOpts.length });
  }

  const length = DATA_FRAME_MIN_LENGTH + fOpts.length + (hasFPort ? 1 : 0) + frmPayload.length;
  const phy = new Uint8Array(length);
  phy[0] = mhdrByte(frame.mType);
  writeWireOrder(phy, 1, devAddr);
  phy[5] = fCtrlBits | fOpts.length;
  writeUint16(phy, 6, fCnt);
  phy.set(fOpts, 8);
  let offset = 8 + fOpts.length;
  if (hasFPort) phy[offset++] = fPort;
  phy.set(frmPayload, offset);
  phy.set(mic, length - 4);
  return phy;
}
