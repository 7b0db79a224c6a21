/**
 * MICs of data frames (LoRaWAN 1.0.x §4.4, 1.1 §4.4).
 *
 * `msg` is MHDR | FHDR | FPort | FRMPayload exactly as on the wire (FOpts and FRMPayload
 * already encrypted), without the MIC. `devAddr` is in display order (MSB first, as printed);
 * `fCnt` is the full 32-bit counter. The B0/B1 blocks are built here in wire order:
 *
 * ```
 * B0 = 0x49 | ConfFCnt(2) | 0x0000 | Dir | DevAddr(LE) | FCnt(LE4) | 0x00 | len(msg)
 * B1 = 0x49 | ConfFCnt(2) | TxDr | TxCh | Dir | DevAddr(LE) | FCntUp(LE4) | 0x00 | len(msg)
 * ```
 *
 * ConfFCnt is zero except in 1.1 B0 of a downlink that acknowledges a confirmed uplink and in
 * 1.1 B1 of an uplink that acknowledges a confirmed downlink (the acknowledged frame's counter
 * modulo 2^16; a full counter may be given, its low 16 bits are used).
 */
import { checkLength, checkMaxLength, checkUint, writeReversed, writeUintLE } from "./fields.ts";
import { type KeyInput, key128 } from "./key-cache.ts";

/** Extra uplink inputs of the LoRaWAN 1.1 MIC (B1 block). */
export interface UplinkMicParams11 {
  /** Counter of the confirmed downlink this uplink acknowledges (0 when ACK is not set). */
  confFCnt: number;
  /** Data rate index the uplink was sent with. */
  txDr: number;
  /** Index of the channel the uplink was sent on. */
  txCh: number;
}

const MAX_MSG = 255;
const b0 = new Uint8Array(16);
const b1 = new Uint8Array(16);

function fillBlock(
  block: Uint8Array,
  confFCnt: number,
  txDr: number,
  txCh: number,
  dir: number,
  devAddr: Uint8Array,
  fCnt: number,
  msg: Uint8Array,
): Uint8Array {
  checkLength("DevAddr", devAddr, 4);
  checkUint("FCnt", fCnt, 0xffffffff);
  checkMaxLength("MIC input", msg, MAX_MSG);
  block[0] = 0x49;
  block[1] = confFCnt & 0xff;
  block[2] = (confFCnt >>> 8) & 0xff;
  block[3] = txDr;
  block[4] = txCh;
  block[5] = dir;
  writeReversed(block, 6, devAddr);
  writeUintLE(block, 10, fCnt, 4);
  block[14] = 0;
  block[15] = msg.length;
  return block;
}

function checkConfFCnt(confFCnt: number): void {
  checkUint("ConfFCnt", confFCnt, 0xffffffff);
}

function checkParams11(params: UplinkMicParams11): void {
  checkConfFCnt(params.confFCnt);
  checkUint("TxDr", params.txDr, 0xff);
  checkUint("TxCh", params.txCh, 0xff);
}

function checkMic(mic: Uint8Array): void {
  checkLength("MIC", mic, 4);
}

/** LoRaWAN 1.0.x uplink MIC: AES-CMAC(NwkSKey, B0 | msg)[0..3]. */
export function computeDataUplinkMic10(
  nwkSKey: KeyInput,
  devAddr: Uint8Array,
  fCnt: number,
  msg: Uint8Array,
): Uint8Array {
  const key = key128("NwkSKey", nwkSKey);
  const mic = new Uint8Array(4);
  key.cmacInto(mic, 0, 4, msg, fillBlock(b0, 0, 0, 0, 0, devAddr, fCnt, msg));
  return mic;
}

/** Whether `mic` is the LoRaWAN 1.0.x uplink MIC of `msg` (constant-time comparison). */
export function verifyDataUplinkMic10(
  nwkSKey: KeyInput,
  devAddr: Uint8Array,
  fCnt: number,
  msg: Uint8Array,
  mic: Uint8Array,
): boolean {
  checkMic(mic);
  const key = key128("NwkSKey", nwkSKey);
  return key.cmacEquals(mic, 0, 4, msg, fillBlock(b0, 0, 0, 0, 0, devAddr, fCnt, msg));
}

/**
 * LoRaWAN 1.1 uplink MIC: AES-CMAC(SNwkSIntKey, B1 | msg)[0..1] followed by
 * AES-CMAC(FNwkSIntKey, B0 | msg)[0..1].
 */
export function computeDataUplinkMic11(
  fNwkSIntKey: KeyInput,
  sNwkSIntKey: KeyInput,
  devAddr: Uint8Array,
  fCnt: number,
  params: UplinkMicParams11,
  msg: Uint8Array,
): Uint8Array {
  const f = key128("FNwkSIntKey", fNwkSIntKey);
  const s = key128("SNwkSIntKey", sNwkSIntKey);
  checkParams11(params);
  const mic = new Uint8Array(4);
  fillBlock(b0, 0, 0, 0, 0, devAddr, fCnt, msg);
  fillBlock(b1, params.confFCnt, params.txDr, params.txCh, 0, devAddr, fCnt, msg);
  s.cmacInto(mic, 0, 2, msg, b1);
  f.cmacInto(mic, 2, 2, msg, b0);
  return mic;
}

/** Whether `mic` is the LoRaWAN 1.1 uplink MIC of `msg`; both halves are always computed. */
export function verifyDataUplinkMic11(
  fNwkSIntKey: KeyInput,
  sNwkSIntKey: KeyInput,
  devAddr: Uint8Array,
  fCnt: number,
  params: UplinkMicParams11,
  msg: Uint8Array,
  mic: Uint8Array,
): boolean {
  checkMic(mic);
  const f = key128("FNwkSIntKey", fNwkSIntKey);
  const s = key128("SNwkSIntKey", sNwkSIntKey);
  checkParams11(params);
  fillBlock(b0, 0, 0, 0, 0, devAddr, fCnt, msg);
  fillBlock(b1, params.confFCnt, params.txDr, params.txCh, 0, devAddr, fCnt, msg);
  const sOk = s.cmacEquals(mic, 0, 2, msg, b1);
  const fOk = f.cmacEquals(mic, 2, 2, msg, b0);
  return sOk && fOk;
}

/** LoRaWAN 1.0.x downlink MIC: AES-CMAC(NwkSKey, B0 | msg)[0..3] with Dir = 1. */
export function computeDataDownlinkMic10(
  nwkSKey: KeyInput,
  devAddr: Uint8Array,
  fCnt: number,
  msg: Uint8Array,
): Uint8Array {
  const key = key128("NwkSKey", nwkSKey);
  const mic = new Uint8Array(4);
  key.cmacInto(mic, 0, 4, msg, fillBlock(b0, 0, 0, 0, 1, devAddr, fCnt, msg));
  return mic;
}

/** Whether `mic` is the LoRaWAN 1.0.x downlink MIC of `msg`. */
export function verifyDataDownlinkMic10(
  nwkSKey: KeyInput,
  devAddr: Uint8Array,
  fCnt: number,
  msg: Uint8Array,
  mic: Uint8Array,
): boolean {
  checkMic(mic);
  const key = key128("NwkSKey", nwkSKey);
  return key.cmacEquals(mic, 0, 4, msg, fillBlock(b0, 0, 0, 0, 1, devAddr, fCnt, msg));
}

/**
 * LoRaWAN 1.1 downlink MIC: AES-CMAC(SNwkSIntKey, B0 | msg)[0..3] with Dir = 1 and ConfFCnt
 * the counter of the acknowledged confirmed uplink (0 when ACK is not set). `fCnt` is
 * NFCntDown or AFCntDown, whichever the frame carries.
 */
export function computeDataDownlinkMic11(
  sNwkSIntKey: KeyInput,
  devAddr: Uint8Array,
  fCnt: number,
  confFCnt: number,
  msg: Uint8Array,
): Uint8Array {
  const key = key128("SNwkSIntKey", sNwkSIntKey);
  checkConfFCnt(confFCnt);
  const mic = new Uint8Array(4);
  key.cmacInto(mic, 0, 4, msg, fillBlock(b0, confFCnt, 0, 0, 1, devAddr, fCnt, msg));
  return mic;
}

/** Whether `mic` is the LoRaWAN 1.1 downlink MIC of `msg`. */
export function verifyDataDownlinkMic11(
  sNwkSIntKey: KeyInput,
  devAddr: Uint8Array,
  fCnt: number,
  confFCnt: number,
  msg: Uint8Array,
  mic: Uint8Array,
): boolean {
  checkMic(mic);
  const key = key128("SNwkSIntKey", sNwkSIntKey);
  checkConfFCnt(confFCnt);
  return key.cmacEquals(mic, 0, 4, msg, fillBlock(b0, confFCnt, 0, 0, 1, devAddr, fCnt, msg));
}

/** The B0/B1 block as the MIC functions build it (not re-exported; for tests). */
export function micBlock(
  confFCnt: number,
  txDr: number,
  txCh: number,
  dir: 0 | 1,
  devAddr: Uint8Array,
  fCnt: number,
  msg: Uint8Array,
): Uint8Array {
  return fillBlock(new Uint8Array(16), confFCnt, txDr, txCh, dir, devAddr, fCnt, msg);
}
