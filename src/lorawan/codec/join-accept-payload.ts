import { readWireOrder, writeWireOrder } from "../types/index.ts";
import { CF_LIST_LENGTH, decodeCfList, encodeCfList } from "./cf-list.ts";
import { errWrongLength } from "./errors.ts";
import type { JoinAcceptPayload } from "./frame.ts";
import { readUint24, writeUint24 } from "./little-endian.ts";
import { checkBoolean, checkBytes, checkInput, checkObject, checkUint } from "./validate.ts";

/** JoinNonce(3) Home_NetID(3) DevAddr(4) DLSettings(1) RxDelay(1). */
export const JOIN_ACCEPT_PAYLOAD_LENGTH = 12;

/**
 * Decodes a decrypted join-accept MACPayload: 12 bytes, or 28 with a CFList, without the MIC
 * (that is, the decrypted bytes but the last 4). RFU bits are ignored: bit 7 of DLSettings is
 * read as OptNeg (RFU and 0 in LoRaWAN 1.0), the upper nibble of RxDelay is dropped.
 */
export function decodeJoinAcceptPayload(bytes: Uint8Array): JoinAcceptPayload {
  checkInput(bytes, "join-accept MACPayload", 0);
  const withCfList = JOIN_ACCEPT_PAYLOAD_LENGTH + CF_LIST_LENGTH;
  if (bytes.length !== JOIN_ACCEPT_PAYLOAD_LENGTH && bytes.length !== withCfList) {
    throw errWrongLength.create({
      message_type: "join-accept MACPayload",
      length: bytes.length,
      expected: `${JOIN_ACCEPT_PAYLOAD_LENGTH} or ${withCfList}`,
    });
  }
  const dlSettings = bytes[10] ?? 0;
  const payload: JoinAcceptPayload = {
    joinNonce: readUint24(bytes, 0),
    homeNetId: readWireOrder(bytes, 3, 3),
    devAddr: readWireOrder(bytes, 6, 4),
    dlSettings: {
      optNeg: (dlSettings & 0x80) !== 0,
      rx1DrOffset: (dlSettings >>> 4) & 0x07,
      rx2DataRate: dlSettings & 0x0f,
    },
    rxDelay: (bytes[11] ?? 0) & 0x0f,
  };
  if (bytes.length === withCfList) payload.cfList = decodeCfList(bytes, 12);
  return payload;
}

/** Encodes a join-accept MACPayload (12 or 28 bytes), ready for the MIC and encryption. */
export function encodeJoinAcceptPayload(payload: JoinAcceptPayload): Uint8Array {
  checkObject("join-accept payload", payload);
  const joinNonce = checkUint("JoinNonce", payload.joinNonce, 0xffffff);
  const homeNetId = checkBytes("Home_NetID", payload.homeNetId, 3);
  const devAddr = checkBytes("DevAddr", payload.devAddr, 4);
  const settings = checkObject("DLSettings", payload.dlSettings);
  const optNeg = checkBoolean("DLSettings OptNeg", settings.optNeg);
  const rx1DrOffset = checkUint("DLSettings RX1DROffset", settings.rx1DrOffset, 7);
  const rx2DataRate = checkUint("DLSettings RX2DataRate", settings.rx2DataRate, 15);
  const rxDelay = checkUint("RxDelay", payload.rxDelay, 15);
  const hasCfList = payload.cfList !== undefined;
  const bytes = new Uint8Array(JOIN_ACCEPT_PAYLOAD_LENGTH + (hasCfList ? CF_LIST_LENGTH : 0));
  writeUint24(bytes, 0, joinNonce);
  writeWireOrder(bytes, 3, homeNetId);
  writeWireOrder(bytes, 6, devAddr);
  bytes[10] = (optNeg ? 0x80 : 0) | (rx1DrOffset << 4) | rx2DataRate;
  bytes[11] = rxDelay;
  if (payload.cfList !== undefined) encodeCfList(payload.cfList, bytes, 12);
  return bytes;
}
