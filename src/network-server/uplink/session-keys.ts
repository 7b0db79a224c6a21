/**
 * The network session keys of a session as cached AES contexts, so that the MIC checks of
 * this uplink and the FOpts decryption after it reuse one cipher context per key.
 */
import type { Session } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import type { KeyEnvelope } from "../../gen/ttn/lorawan/v3/keys_pb.js";
import { type AesKey, aesKey } from "../../lorawan/crypto/index.ts";
import { errNoSessionKeys } from "./errors.ts";

export interface NetworkSessionKeys {
  /** FNwkSIntKey; the NwkSKey of LoRaWAN 1.0.x. */
  fNwkSIntKey: AesKey;
  /** LoRaWAN 1.1 only. */
  sNwkSIntKey?: AesKey;
  /** LoRaWAN 1.1 only (1.0.x FOpts are not encrypted; FRMPayload on port 0 uses NwkSKey). */
  nwkSEncKey?: AesKey;
}

export type SessionName = "current" | "pending";

/**
 * The keys of `session`; throws `session_keys_missing` when a key the version needs is not
 * there in plain (`lorawan11` needs SNwkSIntKey too).
 */
export function networkSessionKeys(
  session: Session,
  name: SessionName,
  lorawan11: boolean,
): NetworkSessionKeys {
  const keys = session.keys;
  const fNwkSIntKey = plainKey(keys?.fNwkSIntKey);
  if (fNwkSIntKey === undefined) {
    throw errNoSessionKeys.create({ session: name, key: "f_nwk_s_int_key" });
  }
  const sNwkSIntKey = plainKey(keys?.sNwkSIntKey);
  if (lorawan11 && sNwkSIntKey === undefined) {
    throw errNoSessionKeys.create({ session: name, key: "s_nwk_s_int_key" });
  }
  const nwkSEncKey = plainKey(keys?.nwkSEncKey);
  return {
    fNwkSIntKey: aesKey(fNwkSIntKey),
    ...(sNwkSIntKey === undefined ? {} : { sNwkSIntKey: aesKey(sNwkSIntKey) }),
    ...(nwkSEncKey === undefined ? {} : { nwkSEncKey: aesKey(nwkSEncKey) }),
  };
}

// A key still wrapped (the registry failed to unwrap it) or of the wrong size is not usable.
function plainKey(envelope: KeyEnvelope | undefined): Uint8Array | undefined {
  const key = envelope?.key;
  return key !== undefined && key.length === 16 ? key : undefined;
}
