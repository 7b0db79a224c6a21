/**
 * MICs of join-request, rejoin-request and join-accept frames (LoRaWAN 1.0.x §6.2.4–6.2.5,
 * 1.1 §6.2.2–6.2.4). `msg` is the frame as on the wire from MHDR on, without the MIC (for a
 * join-accept: the plaintext, before encryption). EUIs are in display order (MSB first);
 * DevNonce is a number (it goes on the wire little-endian).
 */
import { errInvalidFieldChoice } from "./errors.ts";
import { checkLength, checkUint, writeReversed, writeUintLE } from "./fields.ts";
import { type KeyInput, key128 } from "./key-cache.ts";

/**
 * JoinReqType of the LoRaWAN 1.1 join-accept MIC: 0xFF answers a join-request; 0, 1 and 2
 * answer a rejoin-request of that type.
 */
export type JoinReqType = 0xff | 0 | 1 | 2;

/** JoinReqType for a join-accept that answers a join-request. */
export const JOIN_REQ_TYPE_JOIN: JoinReqType = 0xff;

function mic4(key: KeyInput, name: string, msg: Uint8Array, prefix?: Uint8Array): Uint8Array {
  const mic = new Uint8Array(4);
  key128(name, key).cmacInto(mic, 0, 4, msg, prefix);
  return mic;
}

function verify4(
  key: KeyInput,
  name: string,
  msg: Uint8Array,
  mic: Uint8Array,
  prefix?: Uint8Array,
): boolean {
  checkLength("MIC", mic, 4);
  return key128(name, key).cmacEquals(mic, 0, 4, msg, prefix);
}

/**
 * Join-request MIC: AES-CMAC(key, MHDR | JoinEUI | DevEUI | DevNonce)[0..3]. The key is the
 * AppKey for a LoRaWAN 1.0.x device and the NwkKey for a 1.1 device.
 */
export function computeJoinRequestMic(key: KeyInput, msg: Uint8Array): Uint8Array {
  return mic4(key, "join-request MIC key", msg);
}

/** Whether `mic` is the join-request MIC of `msg`. */
export function verifyJoinRequestMic(key: KeyInput, msg: Uint8Array, mic: Uint8Array): boolean {
  return verify4(key, "join-request MIC key", msg, mic);
}

/**
 * Rejoin-request MIC: AES-CMAC(key, MHDR | RejoinType | ... | RJcount)[0..3]. The key is the
 * SNwkSIntKey for types 0 and 2 and the JSIntKey for type 1 (see {@link rejoinRequestMicKey}).
 */
export function computeRejoinRequestMic(key: KeyInput, msg: Uint8Array): Uint8Array {
  return mic4(key, "rejoin-request MIC key", msg);
}

/** Whether `mic` is the rejoin-request MIC of `msg`. */
export function verifyRejoinRequestMic(key: KeyInput, msg: Uint8Array, mic: Uint8Array): boolean {
  return verify4(key, "rejoin-request MIC key", msg, mic);
}

/** Which key signs a rejoin-request of `rejoinType`: types 0 and 2 the serving NS's, 1 the JS's. */
export function rejoinRequestMicKey(rejoinType: number): "SNwkSIntKey" | "JSIntKey" {
  checkUint("RejoinType", rejoinType, 2);
  return rejoinType === 1 ? "JSIntKey" : "SNwkSIntKey";
}

/**
 * Join-accept MIC of LoRaWAN 1.0.x, also used by a 1.1 device when OptNeg is clear:
 * AES-CMAC(key, MHDR | JoinNonce | NetID | DevAddr | DLSettings | RxDelay | CFList)[0..3]
 * with the AppKey (1.0.x) or the NwkKey (1.1, OptNeg clear).
 */
export function computeJoinAcceptMic10(key: KeyInput, msg: Uint8Array): Uint8Array {
  return mic4(key, "join-accept MIC key", msg);
}

/** Whether `mic` is the LoRaWAN 1.0.x join-accept MIC of the plaintext `msg`. */
export function verifyJoinAcceptMic10(key: KeyInput, msg: Uint8Array, mic: Uint8Array): boolean {
  return verify4(key, "join-accept MIC key", msg, mic);
}

/** The inputs that LoRaWAN 1.1 puts in front of the join-accept for its MIC. */
export interface JoinAcceptMicParams11 {
  /** 0xFF for a join-request, else the type of the rejoin-request answered. */
  joinReqType: JoinReqType;
  /** JoinEUI in display order (MSB first). */
  joinEui: Uint8Array;
  /** DevNonce of the join-request, or RJcount0/RJcount1 of the rejoin-request. */
  devNonce: number;
}

const joinAcceptPrefix = new Uint8Array(11);

function fillJoinAcceptPrefix(params: JoinAcceptMicParams11): Uint8Array {
  const type = params.joinReqType;
  if (type !== 0xff && type !== 0 && type !== 1 && type !== 2) {
    throw errInvalidFieldChoice.create({
      field: "JoinReqType",
      allowed: "0xFF, 0, 1, 2",
      value: type,
    });
  }
  checkLength("JoinEUI", params.joinEui, 8);
  checkUint("DevNonce", params.devNonce, 0xffff);
  joinAcceptPrefix[0] = type;
  writeReversed(joinAcceptPrefix, 1, params.joinEui);
  writeUintLE(joinAcceptPrefix, 9, params.devNonce, 2);
  return joinAcceptPrefix;
}

/**
 * Join-accept MIC of LoRaWAN 1.1 with OptNeg set: AES-CMAC(JSIntKey, JoinReqType | JoinEUI |
 * DevNonce | MHDR | JoinNonce | NetID | DevAddr | DLSettings | RxDelay | CFList)[0..3].
 */
export function computeJoinAcceptMic11(
  jsIntKey: KeyInput,
  params: JoinAcceptMicParams11,
  msg: Uint8Array,
): Uint8Array {
  return mic4(jsIntKey, "JSIntKey", msg, fillJoinAcceptPrefix(params));
}

/** Whether `mic` is the LoRaWAN 1.1 join-accept MIC of the plaintext `msg`. */
export function verifyJoinAcceptMic11(
  jsIntKey: KeyInput,
  params: JoinAcceptMicParams11,
  msg: Uint8Array,
  mic: Uint8Array,
): boolean {
  return verify4(jsIntKey, "JSIntKey", msg, mic, fillJoinAcceptPrefix(params));
}
