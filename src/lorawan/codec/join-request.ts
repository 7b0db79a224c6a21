import { readWireOrder, writeWireOrder } from "../types/index.ts";
import { errWrongLength } from "./errors.ts";
import type { JoinRequestFrame } from "./frame.ts";
import { readUint16, writeUint16 } from "./little-endian.ts";
import { mhdrByte } from "./mhdr.ts";
import { checkBytes, checkUint } from "./validate.ts";

/** MHDR(1) JoinEUI(8) DevEUI(8) DevNonce(2) MIC(4). */
export const JOIN_REQUEST_LENGTH = 23;

/** Decodes a join-request PHYPayload whose MHDR has been checked. */
export function decodeJoinRequest(phy: Uint8Array): JoinRequestFrame {
  if (phy.length !== JOIN_REQUEST_LENGTH) {
    throw errWrongLength.create({
      message_type: "join-request",
      length: phy.length,
      expected: JOIN_REQUEST_LENGTH,
    });
  }
  return {
    mType: "joinRequest",
    joinEui: readWireOrder(phy, 1, 8),
    devEui: readWireOrder(phy, 9, 8),
    devNonce: readUint16(phy, 17),
    mic: phy.subarray(19, 23),
  };
}

export function encodeJoinRequest(frame: JoinRequestFrame): Uint8Array {
  const joinEui = checkBytes("JoinEUI", frame.joinEui, 8);
  const devEui = checkBytes("DevEUI", frame.devEui, 8);
  const devNonce = checkUint("DevNonce", frame.devNonce, 0xffff);
  const mic = checkBytes("MIC", frame.mic, 4);
  const phy = new Uint8Array(JOIN_REQUEST_LENGTH);
  phy[0] = mhdrByte("joinRequest");
  writeWireOrder(phy, 1, joinEui);
  writeWireOrder(phy, 9, devEui);
  writeUint16(phy, 17, devNonce);
  phy.set(mic, 19);
  return phy;
}
