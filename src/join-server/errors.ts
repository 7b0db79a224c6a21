import { errorNamespace } from "../errors/index.ts";

// The Join Server's errors, with The Things Stack's names where it has them. The join errors
// are also what a Backend Interfaces answer's Result is computed from (see src/interop/).
const errors = errorNamespace("joinserver");

export const errDeviceNotFound = errors.notFound(
  "device_not_found",
  "end device `{join_eui}`/`{dev_eui}` not found in the Join Server",
);
export const errDeviceIdsNotFound = errors.notFound(
  "end_device_not_found",
  "end device `{application_id}.{device_id}` not found in the Join Server",
);
/** A rejoin-request type 0 or 2 whose DevEUI names devices of more than one JoinEUI. */
export const errDeviceAmbiguous = errors.failedPrecondition(
  "device_ambiguous",
  "DevEUI `{dev_eui}` is registered with more than one JoinEUI",
);
/** A JoinEUI outside `js.join_eui_prefixes`: refused on registration and on joins. */
export const errUnknownJoinEui = errors.invalidArgument(
  "unknown_join_eui",
  "JoinEUI `{join_eui}` is not served by this Join Server",
);
export const errDecodeJoinRequest = errors.invalidArgument(
  "decode_payload",
  "the join-request could not be decoded",
);
export const errMicMismatch = errors.invalidArgument("mic_mismatch", "MIC mismatch");
export const errNoAppKey = errors.failedPrecondition("no_app_key", "the device has no AppKey");
export const errNoNwkKey = errors.failedPrecondition("no_nwk_key", "the device has no NwkKey");
/** LoRaWAN 1.0 to 1.0.3: a DevNonce the device used before (the history is kept). */
export const errDevNonceReused = errors.invalidArgument(
  "dev_nonce_reused",
  "DevNonce `{dev_nonce}` was used before",
);
/** LoRaWAN 1.0.4 and 1.1: DevNonces strictly increase. */
export const errDevNonceTooSmall = errors.invalidArgument(
  "dev_nonce_too_small",
  "DevNonce `{dev_nonce}` is not greater than the last one, `{last_dev_nonce}`",
);
/** Rejoin-requests: RJcount0 and RJcount1 strictly increase. */
export const errRejoinCountTooSmall = errors.invalidArgument(
  "rejoin_count_too_small",
  "RJcount{rejoin_type} `{rejoin_count}` is not greater than the last one, `{last_rejoin_count}`",
);
export const errJoinNonceExhausted = errors.resourceExhausted(
  "join_nonce_exhausted",
  "the device used every JoinNonce; it must be registered with new root keys",
);
export const errUnsupportedMacVersion = errors.invalidArgument(
  "unsupported_lorawan_version",
  "LoRaWAN version `{version}` is not supported",
);
export const errUnsupportedJoinRequest = errors.invalidArgument(
  "unsupported_join_request",
  "`{message_type}` is not a join-request or a 1.1 rejoin-request",
);
/** A Backend Interfaces JoinReq from a sender other than the device's home NetID. */
export const errNetIdMismatch = errors.permissionDenied(
  "net_id_mismatch",
  "the device's home NetID is not `{net_id}`",
);
export const errSessionKeysNotFound = errors.notFound(
  "session_keys_not_found",
  "no session keys `{session_key_id}` for end device `{join_eui}`/`{dev_eui}`",
);
export const errNoKek = errors.failedPrecondition(
  "no_kek",
  "the key vault holds no key encryption key `{label}` to wrap keys for the {receiver}",
);
