import { errorNamespace } from "../../errors/index.ts";

// Why a join-request is dropped, with The Things Stack's names where it has them.
const errors = errorNamespace("network-server/join");

export const errDecodePayload = errors.invalidArgument(
  "decode_payload",
  "the uplink is not a LoRaWAN frame: {reason}",
);
export const errNotJoinRequest = errors.invalidArgument(
  "not_join_request",
  "the uplink is a `{m_type}`, not a join-request",
);
/** Rejoin-requests are LoRaWAN 1.1 (§6.2.4); an older device is not answered. */
export const errRejoinNotLorawan11 = errors.failedPrecondition(
  "rejoin_not_lorawan_1_1",
  "rejoin-request of a device of LoRaWAN version `{lorawan_version}`, not 1.1",
);
/** Types 0 and 2 name the device's home network: a roaming device's home is another network. */
export const errRejoinNetIdMismatch = errors.notFound(
  "rejoin_net_id_mismatch",
  "rejoin-request for NetID `{net_id}`, not this network's",
);
export const errDevEuiNotFound = errors.notFound(
  "dev_eui_not_found",
  "no end device with DevEUI `{dev_eui}`",
);
export const errDevEuiAmbiguous = errors.failedPrecondition(
  "dev_eui_ambiguous",
  "DevEUI `{dev_eui}` is registered with more than one JoinEUI",
);
/** Types 0 and 2 are signed with the session's SNwkSIntKey: a device without one cannot be checked. */
export const errRejoinNoSession = errors.failedPrecondition(
  "rejoin_no_session",
  "rejoin-request of type {rejoin_type} from a device without a session",
);
export const errRejoinMicMismatch = errors.invalidArgument(
  "rejoin_mic_mismatch",
  "the rejoin-request's MIC is not the session's (SNwkSIntKey)",
);
export const errRejoinCountTooSmall = errors.invalidArgument(
  "rejoin_count_too_small",
  "RJcount0 `{rejoin_count}` is not greater than the last one, `{last_rejoin_count}`",
);
/** The Network Server was built without the DevEUI lookup that rejoin types 0 and 2 need. */
export const errDevEuiLookupMissing = errors.unavailable(
  "dev_eui_lookup_missing",
  "rejoin-requests of types 0 and 2 cannot be served: no DevEUI lookup",
);
export const errDeviceNotFound = errors.notFound(
  "device_not_found",
  "no end device with JoinEUI `{join_eui}` and DevEUI `{dev_eui}`",
);
export const errAbpJoinRequest = errors.failedPrecondition(
  "abp_join_request",
  "ABP device sent a join-request",
);
export const errUplinkChannelNotFound = errors.notFound(
  "uplink_channel_not_found",
  "frequency {frequency} Hz is not an uplink channel of the device",
);
export const errJoinServerNotFound = errors.notFound(
  "join_server_not_found",
  "no Join Server found for JoinEUI `{join_eui}`",
);
export const errMissingSessionKeys = errors.dataLoss(
  "missing_session_keys",
  "the Join Server's answer holds no `{key}`",
);
/** The device was deleted or changed (EUIs, plan, versions) while its join was being handled. */
export const errDeviceChanged = errors.aborted(
  "device_changed",
  "the device changed while its join-request or rejoin-request was handled",
);
