import { errField, errWrongLength } from "./errors.ts";
import type { JoinAcceptFrame } from "./frame.ts";
import { mhdrByte } from "./mhdr.ts";

/** MHDR(1) + encrypted MACPayload‖MIC: 12+4 bytes, or 28+4 with a CFList. */
export const JOIN_ACCEPT_LENGTH = 17;
export const JOIN_ACCEPT_WITH_CF_LIST_LENGTH = 33;

/** Decodes an (encrypted) join-accept PHYPayload whose MHDR has been checked. */
export function decodeJoinAccept(phy: Uint8Array): JoinAcceptFrame {
  if (phy.length !== JOIN_ACCEPT_LENGTH && phy.length !== JOIN_ACCEPT_WITH_CF_LIST_LENGTH) {
    throw errWrongLength.create({
      message_type: "join-accept",
      length: phy.length,
      expected: `${JOIN_ACCEPT_LENGTH} or ${JOIN_ACCEPT_WITH_CF_LIST_LENGTH}`,
    });
  }
  return { mType: "joinAccept", encrypted: phy.subarray(1) };
}

export function encodeJoinAccept(frame: JoinAcceptFrame): Uint8Array {
  const encrypted = frame.encrypted;
  if (!(encrypted instanceof Uint8Array) || (encrypted.length !== 16 && encrypted.length !== 32)) {
    throw errField.create({
      field: "join-accept encrypted payload",
      expected: "a Uint8Array of 16 or 32 bytes",
      value: encrypted instanceof Uint8Array ? `${encrypted.length} bytes` : typeof encrypted,
    });
  }
  const phy = new Uint8Array(1 + encrypted.length);
  phy[0] = mhdrByte("joinAccept");
  phy.set(encrypted, 1);
  return phy;
}
