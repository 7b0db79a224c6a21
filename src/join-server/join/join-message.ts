/**
 * The join-request or rejoin-request a Network Server forwards, decoded from its raw
 * PHYPayload into what the Join Server needs: which device, which nonce, and the signed bytes.
 */
import { DefinedError } from "../../errors/index.ts";
import { decodePhyPayload } from "../../lorawan/codec/index.ts";
import { errDecodeJoinRequest, errUnsupportedJoinRequest } from "../errors.ts";

/** A join-request: the device names itself by JoinEUI and DevEUI and counts with DevNonce. */
export interface JoinMessage {
  kind: "join";
  joinEui: Uint8Array;
  devEui: Uint8Array;
  devNonce: number;
  /** MHDR to DevNonce: what the MIC signs. */
  signed: Uint8Array;
  mic: Uint8Array;
}

/**
 * A LoRaWAN 1.1 rejoin-request. Types 0 and 2 carry the NetID instead of the JoinEUI (and their
 * MIC, with SNwkSIntKey, is the Network Server's to check); type 1 carries the JoinEUI and is
 * signed with JSIntKey.
 */
export interface RejoinMessage {
  kind: "rejoin";
  rejoinType: 0 | 1 | 2;
  /** Type 1 only. */
  joinEui?: Uint8Array;
  devEui: Uint8Array;
  /** RJcount0 (types 0 and 2) or RJcount1 (type 1). */
  rejoinCount: number;
  signed: Uint8Array;
  mic: Uint8Array;
}

export type JoinRequestMessage = JoinMessage | RejoinMessage;

/** Decodes a forwarded PHYPayload; anything but a join- or rejoin-request is refused. */
export function decodeJoinMessage(raw: Uint8Array): JoinRequestMessage {
  let frame: ReturnType<typeof decodePhyPayload>;
  try {
    frame = decodePhyPayload(raw);
  } catch (error) {
    throw errDecodeJoinRequest.create({}, error instanceof DefinedError ? error : undefined);
  }
  const signed = raw.subarray(0, raw.length - 4);
  if (frame.mType === "joinRequest") {
    const { joinEui, devEui, devNonce, mic } = frame;
    return { kind: "join", joinEui, devEui, devNonce, signed, mic };
  }
  if (frame.mType === "rejoinRequest") {
    if (frame.rejoinType === 1) {
      const { joinEui, devEui, rjCount1, mic } = frame;
      return { kind: "rejoin", rejoinType: 1, joinEui, devEui, rejoinCount: rjCount1, signed, mic };
    }
    const { rejoinType, devEui, rjCount0, mic } = frame;
    return { kind: "rejoin", rejoinType, devEui, rejoinCount: rjCount0, signed, mic };
  }
  throw errUnsupportedJoinRequest.create({ message_type: frame.mType });
}
