import { encodeDataFrame } from "./data-frame.ts";
import { errMType } from "./errors.ts";
import type { PhyPayload } from "./frame.ts";
import { encodeJoinAccept } from "./join-accept.ts";
import { encodeJoinRequest } from "./join-request.ts";
import { encodeProprietary } from "./proprietary.ts";
import { encodeRejoinRequest } from "./rejoin-request.ts";
import { checkObject } from "./validate.ts";

/**
 * Encodes a frame to its PHYPayload bytes (MHDR with Major 0 to MIC). Every field is
 * validated; a bad one throws a DefinedError naming it. The MIC is written as given.
 */
export function encodePhyPayload(frame: PhyPayload): Uint8Array {
  checkObject("frame", frame);
  switch (frame.mType) {
    case "joinRequest":
      return encodeJoinRequest(frame);
    case "joinAccept":
      return encodeJoinAccept(frame);
    case "rejoinRequest":
      return encodeRejoinRequest(frame);
    case "proprietary":
      return encodeProprietary(frame);
    case "unconfirmedDataUp":
    case "confirmedDataUp":
    case "unconfirmedDataDown":
    case "confirmedDataDown":
      return encodeDataFrame(frame);
    default:
      throw errMType.create({ m_type: String((frame as { mType: unknown }).mType) });
  }
}
