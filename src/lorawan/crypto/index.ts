/**
 * LoRaWAN 1.0.x and 1.1 cryptography: AES-CMAC and MICs of every frame type, FRMPayload and
 * 1.1 FOpts encryption, join-accept encryption, session and Join Server key derivation,
 * RFC 3394 key wrap, and 16→32-bit frame counter reconstruction. Pure: no I/O, no clock.
 *
 * Byte-order convention: identifiers (DevAddr, DevEUI, JoinEUI, NetID) are passed as
 * Uint8Arrays in display order, most significant byte first, exactly as printed
 * (`70B3D57ED0000001`); the functions reverse them into wire (little-endian) order where the
 * spec's blocks need it. Counters and nonces (FCnt, ConfFCnt, JoinNonce, DevNonce) are
 * numbers. Message arguments (`msg`, payloads) are wire bytes, used as they are.
 * Keys are 16-byte Uint8Arrays or {@link AesKey} contexts; contexts for raw keys are cached
 * (bounded), so repeated calls with the same key reuse the same `node:crypto` cipher.
 */
export { AesKey } from "./aes-key.ts";
export {
  computeDataDownlinkMic10,
  computeDataDownlinkMic11,
  computeDataUplinkMic10,
  computeDataUplinkMic11,
  type UplinkMicParams11,
  verifyDataDownlinkMic10,
  verifyDataDownlinkMic11,
  verifyDataUplinkMic10,
  verifyDataUplinkMic11,
} from "./data-mic.ts";
export {
  errFCntExhausted,
  errInvalidBlockLength,
  errInvalidFieldChoice,
  errInvalidFieldLength,
  errInvalidFieldValue,
  errInvalidKeyLength,
  errKeyUnwrapIntegrity,
} from "./errors.ts";
export {
  fCntGap,
  fCntGapExceeds,
  MAX_FCNT_GAP_10,
  reconstructFCnt,
} from "./frame-counter.ts";
export { decryptJoinAccept, encryptJoinAccept } from "./join-accept.ts";
export {
  computeJoinAcceptMic10,
  computeJoinAcceptMic11,
  computeJoinRequestMic,
  computeRejoinRequestMic,
  JOIN_REQ_TYPE_JOIN,
  type JoinAcceptMicParams11,
  type JoinReqType,
  rejoinRequestMicKey,
  verifyJoinAcceptMic10,
  verifyJoinAcceptMic11,
  verifyJoinRequestMic,
  verifyRejoinRequestMic,
} from "./join-mic.ts";
export {
  AES_KEY_CACHE_CAPACITY,
  aesKey,
  aesKeyCacheSize,
  clearAesKeyCache,
  type KeyInput,
} from "./key-cache.ts";
export {
  deriveJsEncKey,
  deriveJsIntKey,
  deriveSessionKeys,
  deriveSessionKeys10,
  deriveSessionKeys11,
  type SessionKeyInput,
  type SessionKeyParams10,
  type SessionKeyParams11,
  type SessionKeys,
  type SessionKeys10,
} from "./key-derivation.ts";
export { unwrapKey, wrapKey } from "./key-wrap.ts";
export {
  type Direction,
  decryptFOpts,
  decryptFrmPayload,
  encryptFOpts,
  encryptFrmPayload,
  type FOptsCounter,
  fOptsCounter,
  MAX_FOPTS_LENGTH,
  MAX_FRM_PAYLOAD_LENGTH,
} from "./payload-encryption.ts";
