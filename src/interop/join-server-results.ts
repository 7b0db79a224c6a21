/**
 * What a Join Server error becomes in a Backend Interfaces answer, in one table (as The Things
 * Stack's Join Server maps them): a MIC mismatch is MICFailed, an unknown device UnknownDevEUI,
 * a sender that is not the device's home network ActivationDisallowed, an undecodable payload
 * MalformedMessage, the nonce and version refusals JoinReqFailed; anything else is Other.
 */
import { DefinedError, type ErrorDefinition } from "../errors/index.ts";
import {
  errDecodeJoinRequest,
  errDeviceAmbiguous,
  errDeviceNotFound,
  errDevNonceReused,
  errDevNonceTooSmall,
  errJoinNonceExhausted,
  errMicMismatch,
  errNetIdMismatch,
  errNoAppKey,
  errNoNwkKey,
  errRejoinCountTooSmall,
  errSessionKeysNotFound,
  errUnsupportedJoinRequest,
  errUnsupportedMacVersion,
} from "../join-server/errors.ts";
import {
  errActivationDisallowed,
  errJoinReqFailed,
  errMalformedMessage,
  errMicFailed,
  errOther,
  errUnknownDevEui,
} from "./result-codes.ts";

const joinServerResults = new Map<ErrorDefinition, ErrorDefinition>([
  [errMicMismatch, errMicFailed],
  [errDeviceNotFound, errUnknownDevEui],
  [errSessionKeysNotFound, errUnknownDevEui],
  [errNetIdMismatch, errActivationDisallowed],
  [errDecodeJoinRequest, errMalformedMessage],
  [errUnsupportedJoinRequest, errMalformedMessage],
  [errDevNonceReused, errJoinReqFailed],
  [errDevNonceTooSmall, errJoinReqFailed],
  [errRejoinCountTooSmall, errJoinReqFailed],
  [errJoinNonceExhausted, errJoinReqFailed],
  [errUnsupportedMacVersion, errJoinReqFailed],
  [errNoAppKey, errJoinReqFailed],
  [errNoNwkKey, errJoinReqFailed],
  [errDeviceAmbiguous, errJoinReqFailed],
]);

/**
 * The interop error for an error of the Join Server (its message as the Description); an
 * error that is not one of the table's is Other, described only as "internal error".
 */
export function interopErrorOf(error: unknown): Error {
  for (const [definition, result] of joinServerResults) {
    if (definition.matches(error)) return result.create({ description: error.message }, error);
  }
  if (error instanceof DefinedError && error.definition.namespace === "interop") return error;
  return errOther.create({ description: "internal error" }, error);
}
