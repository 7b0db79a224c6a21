import { decodeDataFrame } from "./data-frame.ts";
import type { PhyPayload } from "./frame.ts";
import { decodeJoinAccept } from "./join-accept.ts";
import { decodeJoinRequest } from "./join-request.ts";
import { mTypeOfMhdr } from "./mhdr.ts";
import { decodeProprietary } from "./proprietary.ts";
import { decodeRejoinRequest } from "./rejoin-request.ts";
import { checkInput } from "./validate.ts";

/**
 * Decodes a PHYPayload (MHDR to MIC) of LoRaWAN 1.0.x or 1.1. Any input gives a frame or
 * throws a DefinedError (`lorawan/codec:*`). The frame's byte fields are views of one private
 * copy of `phy`, so the caller may reuse its buffer; MIC and encryption are not checked here.
 */
export function decodePhyPayload(phy: Uint8Array): PhyPayload {
  const own = new Uint8Array(checkInput(phy, "PHYPayload", 1));
  const mType = mTypeOfMhdr(own[0] ?? 0);
  switch (mType) {
    case "joinRequest":
      return decodeJoinRequest(own);
    case "joinAccept":
      return decodeJoinAccept(own);
    case "rejoinRequest":
      return decodeRejoinRequest(own);
    case "proprietary":
      return decodeProprietary(own);
    default:
      return decodeDataFrame(own, mType);
  }
}
