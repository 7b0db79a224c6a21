/**
 * The MAC commands of a data uplink: in FOpts (encrypted with the NwkSEncKey in LoRaWAN 1.1),
 * or in the FRMPayload of port 0 (encrypted with the NwkSKey, or the NwkSEncKey in 1.1).
 * Unknown or truncated commands end the list (what comes before is kept), as devices in the
 * field send such frames and The Things Stack keeps the commands it can read.
 */
import type { UplinkDataFrame } from "../../lorawan/codec/index.ts";
import { decryptFrmPayload, encryptFOpts } from "../../lorawan/crypto/index.ts";
import { decodeMacCommandsLenient, type UplinkMacCommand } from "../../lorawan/mac/index.ts";
import { errMacCommandsInBoth } from "./errors.ts";
import type { NetworkSessionKeys } from "./session-keys.ts";

export function uplinkMacCommands(
  frame: UplinkDataFrame,
  keys: NetworkSessionKeys,
  fullFCnt: number,
  lorawan11: boolean,
): UplinkMacCommand[] {
  const onPortZero = frame.fPort === 0;
  if (onPortZero && frame.fOpts.length > 0)
    throw errMacCommandsInBoth.create({ f_opts_length: frame.fOpts.length });
  let bytes: Uint8Array;
  // A 1.0.x session may hold a NwkSEncKey too (the NwkSKey, copied as The Things Stack does):
  // the version, not the keys, says how the commands are encrypted.
  const nwkSEncKey = lorawan11 ? keys.nwkSEncKey : undefined;
  if (onPortZero) {
    const key = nwkSEncKey ?? keys.fNwkSIntKey;
    bytes = decryptFrmPayload(key, "uplink", frame.devAddr, fullFCnt, frame.frmPayload);
  } else if (frame.fOpts.length > 0 && nwkSEncKey !== undefined) {
    bytes = encryptFOpts(nwkSEncKey, "FCntUp", frame.devAddr, fullFCnt, frame.fOpts);
  } else bytes = frame.fOpts;
  if (bytes.length === 0) return [];
  return decodeMacCommandsLenient(bytes, "uplink").commands;
}
