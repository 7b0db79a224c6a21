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
/** As The Things Stack, which does not implement rejoin-requests either. */
export const errRejoinRequest = errors.unavailable(
  "rejoin_request",
  "rejoin-request handling is not implemented",
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
  "the device changed while its join-request was handled",
);
