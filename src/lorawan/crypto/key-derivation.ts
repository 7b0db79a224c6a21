/**
 * Session and Join Server key derivation (LoRaWAN 1.0.x §6.2.5, 1.1 §6.2.3 and §6.2.1.3).
 * Every key is one AES-128 encryption of a block `prefix | fields (wire order) | pad16`:
 *
 * ```
 * 1.0.x, and 1.1 with OptNeg clear (root key: AppKey in 1.0.x, NwkKey in 1.1):
 *   NwkSKey     = aes128_encrypt(root, 0x01 | JoinNonce | NetID | DevNonce | pad16)
 *   AppSKey     = aes128_encrypt(root, 0x02 | JoinNonce | NetID | DevNonce | pad16)
 * 1.1 with OptNeg set:
 *   FNwkSIntKey = aes128_encrypt(NwkKey, 0x01 | JoinNonce | JoinEUI | DevNonce | pad16)
 *   AppSKey     = aes128_encrypt(AppKey, 0x02 | JoinNonce | JoinEUI | DevNonce | pad16)
 *   SNwkSIntKey = aes128_encrypt(NwkKey, 0x03 | JoinNonce | JoinEUI | DevNonce | pad16)
 *   NwkSEncKey  = aes128_encrypt(NwkKey, 0x04 | JoinNonce | JoinEUI | DevNonce | pad16)
 * 1.1 Join Server keys:
 *   JSEncKey    = aes128_encrypt(NwkKey, 0x05 | DevEUI | pad16)
 *   JSIntKey    = aes128_encrypt(NwkKey, 0x06 | DevEUI | pad16)
 * ```
 *
 * NetID, JoinEUI and DevEUI are given in display order (MSB first) and written reversed;
 * JoinNonce (24 bits) and DevNonce (16 bits) are numbers written little-endian.
 */
import { checkLength, checkUint, writeReversed, writeUintLE } from "./fields.ts";
import { type KeyInput, key128 } from "./key-cache.ts";

/** The inputs of LoRaWAN 1.0.x session key derivation. */
export interface SessionKeyParams10 {
  /** JoinNonce (called AppNonce before 1.0.4), 24 bits. */
  joinNonce: number;
  /** NetID in display order, 3 bytes. */
  netId: Uint8Array;
  /** DevNonce, 16 bits. */
  devNonce: number;
}

/** The inputs of LoRaWAN 1.1 session key derivation. */
export interface SessionKeyParams11 {
  /** JoinNonce, 24 bits. */
  joinNonce: number;
  /** JoinEUI in display order, 8 bytes. */
  joinEui: Uint8Array;
  /** DevNonce, 16 bits. */
  devNonce: number;
}

/** LoRaWAN 1.0.x session keys. */
export interface SessionKeys10 {
  nwkSKey: Uint8Array;
  appSKey: Uint8Array;
}

/** LoRaWAN 1.1 session keys (for a 1.0.x session the three network keys are the NwkSKey). */
export interface SessionKeys {
  fNwkSIntKey: Uint8Array;
  sNwkSIntKey: Uint8Array;
  nwkSEncKey: Uint8Array;
  appSKey: Uint8Array;
}

function block(prefix: number): Uint8Array {
  const out = new Uint8Array(16);
  out[0] = prefix;
  return out;
}

function sessionBlock(
  prefix: number,
  joinNonce: number,
  id: Uint8Array,
  devNonce: number,
): Uint8Array {
  const out = block(prefix);
  writeUintLE(out, 1, joinNonce, 3);
  writeReversed(out, 4, id);
  writeUintLE(out, 4 + id.length, devNonce, 2);
  return out;
}

function checkNonces(joinNonce: number, devNonce: number): void {
  checkUint("JoinNonce", joinNonce, 0xffffff);
  checkUint("DevNonce", devNonce, 0xffff);
}

/**
 * LoRaWAN 1.0.x session keys. `rootKey` is the AppKey of a 1.0.x device, or the NwkKey of a
 * 1.1 device whose join-accept has OptNeg clear.
 */
export function deriveSessionKeys10(rootKey: KeyInput, params: SessionKeyParams10): SessionKeys10 {
  const key = key128("root key", rootKey);
  checkNonces(params.joinNonce, params.devNonce);
  checkLength("NetID", params.netId, 3);
  const { joinNonce, netId, devNonce } = params;
  return {
    nwkSKey: key.encrypt(sessionBlock(0x01, joinNonce, netId, devNonce)),
    appSKey: key.encrypt(sessionBlock(0x02, joinNonce, netId, devNonce)),
  };
}

/** LoRaWAN 1.1 session keys (OptNeg set): network keys from the NwkKey, AppSKey from the AppKey. */
export function deriveSessionKeys11(
  nwkKey: KeyInput,
  appKey: KeyInput,
  params: SessionKeyParams11,
): SessionKeys {
  const nwk = key128("NwkKey", nwkKey);
  const app = key128("AppKey", appKey);
  checkNonces(params.joinNonce, params.devNonce);
  checkLength("JoinEUI", params.joinEui, 8);
  const { joinNonce, joinEui, devNonce } = params;
  return {
    fNwkSIntKey: nwk.encrypt(sessionBlock(0x01, joinNonce, joinEui, devNonce)),
    sNwkSIntKey: nwk.encrypt(sessionBlock(0x03, joinNonce, joinEui, devNonce)),
    nwkSEncKey: nwk.encrypt(sessionBlock(0x04, joinNonce, joinEui, devNonce)),
    appSKey: app.encrypt(sessionBlock(0x02, joinNonce, joinEui, devNonce)),
  };
}

/**
 * The inputs of {@link deriveSessionKeys}. OptNeg (bit 7 of DLSettings in the join-accept)
 * decides: set, the 1.1 derivation over JoinEUI with both root keys; clear, the 1.0.x
 * derivation over NetID with one root key (a 1.0.x device's AppKey or a 1.1 device's NwkKey).
 */
export type SessionKeyInput =
  | ({ optNeg: true; nwkKey: KeyInput; appKey: KeyInput } & SessionKeyParams11)
  | ({ optNeg: false; rootKey: KeyInput } & SessionKeyParams10);

/**
 * Session keys in the 1.1 shape for either derivation. With OptNeg clear the three network
 * keys are all the 1.0.x NwkSKey, as LoRaWAN 1.1 §6.2.3 prescribes for that case.
 */
export function deriveSessionKeys(input: SessionKeyInput): SessionKeys {
  if (input.optNeg) return deriveSessionKeys11(input.nwkKey, input.appKey, input);
  const { nwkSKey, appSKey } = deriveSessionKeys10(input.rootKey, input);
  return {
    fNwkSIntKey: nwkSKey,
    sNwkSIntKey: Uint8Array.from(nwkSKey),
    nwkSEncKey: Uint8Array.from(nwkSKey),
    appSKey,
  };
}

function joinServerKey(prefix: number, nwkKey: KeyInput, devEui: Uint8Array): Uint8Array {
  const key = key128("NwkKey", nwkKey);
  checkLength("DevEUI", devEui, 8);
  const input = block(prefix);
  writeReversed(input, 1, devEui);
  return key.encrypt(input);
}

/** JSIntKey (LoRaWAN 1.1): the MIC key of join-accepts with OptNeg set and of rejoin type 1. */
export function deriveJsIntKey(nwkKey: KeyInput, devEui: Uint8Array): Uint8Array {
  return joinServerKey(0x06, nwkKey, devEui);
}

/** JSEncKey (LoRaWAN 1.1): encrypts join-accepts that answer rejoin-requests. */
export function deriveJsEncKey(nwkKey: KeyInput, devEui: Uint8Array): Uint8Array {
  return joinServerKey(0x05, nwkKey, devEui);
}
