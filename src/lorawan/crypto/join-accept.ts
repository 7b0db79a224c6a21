/**
 * Join-accept encryption (LoRaWAN 1.0.x §6.2.5, 1.1 §6.2.3). The sender "encrypts" with the
 * AES *decrypt* operation so that end-devices only need AES encryption to read it:
 *
 * ```
 * encrypted = aes128_decrypt(key, JoinNonce | NetID | DevAddr | DLSettings | RxDelay | CFList | MIC)
 * ```
 *
 * The input is everything after the MHDR, MIC included: 16 bytes, or 32 with a CFList. The
 * key is the AppKey (1.0.x); in 1.1 the NwkKey when answering a join-request and the JSEncKey
 * when answering a rejoin-request.
 */
import { errInvalidFieldLength } from "./errors.ts";
import { type KeyInput, key128 } from "./key-cache.ts";

function checkJoinAcceptLength(field: string, bytes: Uint8Array): void {
  if (bytes.length !== 16 && bytes.length !== 32) {
    throw errInvalidFieldLength.create({ field, expected: "16 or 32", length: bytes.length });
  }
}

/** Encrypts a join-accept's MACPayload | MIC (the MHDR stays in clear). */
export function encryptJoinAccept(key: KeyInput, macPayloadAndMic: Uint8Array): Uint8Array {
  checkJoinAcceptLength("join-accept MACPayload and MIC", macPayloadAndMic);
  return key128("join-accept encryption key", key).decrypt(macPayloadAndMic);
}

/** Decrypts a join-accept's encrypted MACPayload | MIC, as an end-device does. */
export function decryptJoinAccept(key: KeyInput, encrypted: Uint8Array): Uint8Array {
  checkJoinAcceptLength("encrypted join-accept", encrypted);
  return key128("join-accept encryption key", key).encrypt(encrypted);
}
