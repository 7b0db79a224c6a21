/**
 * FRMPayload encryption (LoRaWAN 1.0.x and 1.1 §4.3.3) and LoRaWAN 1.1 FOpts encryption
 * (§4.3.1.6 as corrected by the 2018 erratum "FOpts encryption, usage of FCntDwn").
 *
 * Both are AES-CTR-like: the data is XORed with AES(K, A_i). `devAddr` is in display order
 * (MSB first); `fCnt` is the full 32-bit counter. Blocks, in wire order:
 *
 * ```
 * FRMPayload: A_i = 0x01 | 0x00000000 | Dir | DevAddr(LE) | FCnt(LE4) | 0x00 | i   (i = 1..k)
 * FOpts:      A_1 = 0x01 | 0x000000 C | Dir | DevAddr(LE) | FCnt(LE4) | 0x00 | 0x01
 * ```
 *
 * For FOpts, C is 0x01 when the counter is FCntUp (uplink) or NFCntDown (downlink without
 * FPort or with FPort 0) and 0x02 when it is AFCntDown (downlink with FPort > 0); the erratum
 * introduced C so that the two downlink counters never produce the same keystream, and set
 * the last byte to 0x01. The original 1.1 text (C = 0, last byte 0x00, NFCntDown always) is
 * not implemented.
 *
 * Encryption and decryption are the same operation; both names are exported for readability.
 */
import type { AesKey } from "./aes-key.ts";
import { errInvalidFieldChoice } from "./errors.ts";
import { checkLength, checkMaxLength, checkUint, writeReversed, writeUintLE } from "./fields.ts";
import { type KeyInput, key128 } from "./key-cache.ts";

/** Frame direction, the Dir field of the A and B blocks. */
export type Direction = "uplink" | "downlink";

/** The frame counter that a 1.1 FOpts field is encrypted with. */
export type FOptsCounter = "FCntUp" | "NFCntDown" | "AFCntDown";

/** FRMPayload blocks are numbered by one byte, so at most 255 blocks can be encrypted. */
export const MAX_FRM_PAYLOAD_LENGTH = 255 * 16;
/** FOpts is at most 15 bytes (FOptsLen is four bits). */
export const MAX_FOPTS_LENGTH = 15;

const counterBlocks = new Uint8Array(MAX_FRM_PAYLOAD_LENGTH);

function direction(dir: Direction): number {
  if (dir === "uplink") return 0;
  if (dir === "downlink") return 1;
  throw errInvalidFieldChoice.create({
    field: "direction",
    allowed: "uplink, downlink",
    value: dir,
  });
}

/** Lays out `blocks` A blocks in `counterBlocks`, numbered from `firstIndex` on. */
function fillCounterBlocks(
  blocks: number,
  constant: number,
  dir: number,
  devAddr: Uint8Array,
  fCnt: number,
  firstIndex: number,
): Uint8Array {
  checkLength("DevAddr", devAddr, 4);
  checkUint("FCnt", fCnt, 0xffffffff);
  for (let b = 0; b < blocks; b++) {
    const o = b * 16;
    counterBlocks[o] = 0x01;
    counterBlocks[o + 1] = 0;
    counterBlocks[o + 2] = 0;
    counterBlocks[o + 3] = 0;
    counterBlocks[o + 4] = constant;
    counterBlocks[o + 5] = dir;
    writeReversed(counterBlocks, o + 6, devAddr);
    writeUintLE(counterBlocks, o + 10, fCnt, 4);
    counterBlocks[o + 14] = 0;
    counterBlocks[o + 15] = firstIndex + b;
  }
  return counterBlocks.subarray(0, blocks * 16);
}

function crypt(
  key: AesKey,
  constant: number,
  dir: number,
  devAddr: Uint8Array,
  fCnt: number,
  data: Uint8Array,
): Uint8Array {
  const blocks = Math.ceil(data.length / 16);
  return key.xorKeystream(fillCounterBlocks(blocks, constant, dir, devAddr, fCnt, 1), data);
}

/**
 * Encrypts an FRMPayload. The key is the AppSKey when FPort > 0; for FPort 0 it is the
 * NwkSKey (1.0.x) or the NwkSEncKey (1.1). `fCnt` is FCntUp, or the downlink counter the
 * frame carries (FCntDown in 1.0.x; AFCntDown or NFCntDown in 1.1).
 */
export function encryptFrmPayload(
  key: KeyInput,
  dir: Direction,
  devAddr: Uint8Array,
  fCnt: number,
  payload: Uint8Array,
): Uint8Array {
  const aes = key128("FRMPayload key", key);
  checkMaxLength("FRMPayload", payload, MAX_FRM_PAYLOAD_LENGTH);
  return crypt(aes, 0, direction(dir), devAddr, fCnt, payload);
}

/** Decrypts an FRMPayload (the same operation as {@link encryptFrmPayload}). */
export const decryptFrmPayload: typeof encryptFrmPayload = encryptFrmPayload;

/**
 * The counter that encrypts a 1.1 FOpts field: FCntUp for uplinks; for downlinks AFCntDown
 * when FPort is present and not 0, else NFCntDown.
 */
export function fOptsCounter(dir: Direction, fPort: number | undefined): FOptsCounter {
  if (direction(dir) === 0) return "FCntUp";
  return fPort !== undefined && fPort > 0 ? "AFCntDown" : "NFCntDown";
}

/**
 * Encrypts a LoRaWAN 1.1 FOpts field with the NwkSEncKey. `counter` names the counter that
 * `fCnt` holds and so gives the direction (see {@link fOptsCounter}).
 */
export function encryptFOpts(
  nwkSEncKey: KeyInput,
  counter: FOptsCounter,
  devAddr: Uint8Array,
  fCnt: number,
  fOpts: Uint8Array,
): Uint8Array {
  const aes = key128("NwkSEncKey", nwkSEncKey);
  checkMaxLength("FOpts", fOpts, MAX_FOPTS_LENGTH);
  let constant: number;
  let dir: number;
  if (counter === "FCntUp") {
    constant = 1;
    dir = 0;
  } else if (counter === "NFCntDown") {
    constant = 1;
    dir = 1;
  } else if (counter === "AFCntDown") {
    constant = 2;
    dir = 1;
  } else {
    throw errInvalidFieldChoice.create({
      field: "FOpts counter",
      allowed: "FCntUp, NFCntDown, AFCntDown",
      value: counter,
    });
  }
  return crypt(aes, constant, dir, devAddr, fCnt, fOpts);
}

/** Decrypts a LoRaWAN 1.1 FOpts field (the same operation as {@link encryptFOpts}). */
export const decryptFOpts: typeof encryptFOpts = encryptFOpts;
