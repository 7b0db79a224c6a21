import { errorNamespace } from "../../errors/index.ts";

// Why a data uplink is dropped: the reason published with `ns.up.data.drop`. Names follow
// The Things Stack's where it has them.
const errors = errorNamespace("network-server/uplink");

export const errNoMatchingDevice = errors.notFound(
  "no_matching_device",
  "no device with DevAddr `{dev_addr}` matches the uplink",
);
export const errMicMismatch = errors.invalidArgument(
  "mic_mismatch",
  "the MIC of the uplink with DevAddr `{dev_addr}` and FCnt {f_cnt} does not match",
);
export const errNoSessionKeys = errors.failedPrecondition(
  "session_keys_missing",
  "the {session} session has no `{key}`",
);
/** A replay: the frame is older than the last one accepted. */
export const errFCntTooLow = errors.invalidArgument(
  "f_cnt_too_low",
  "FCnt {f_cnt} is lower than the last accepted {last_f_cnt}",
);
export const errFCntGapTooLarge = errors.invalidArgument(
  "f_cnt_gap_too_large",
  "FCnt {f_cnt} is {gap} ahead of the last accepted {last_f_cnt}, more than {max_gap}",
);
export const errFCntExhausted = errors.invalidArgument(
  "f_cnt_exhausted",
  "FCnt {f_cnt} would pass the 32-bit counter after {last_f_cnt}: the session must end",
);
/** The same FCnt as the last accepted frame, but not a copy of it. */
export const errFCntRepeated = errors.invalidArgument(
  "f_cnt_repeated",
  "FCnt {f_cnt} repeats the last accepted one but the frame is not a retransmission",
);
export const errTransmissionsExceeded = errors.invalidArgument(
  "transmission_number_exceeds",
  "transmission {transmission} of FCnt {f_cnt} is more than the maximum {max_transmissions}",
);
export const errRetransmissionTooLate = errors.invalidArgument(
  "retransmission_delay_exceeds",
  "retransmission of FCnt {f_cnt} came {delay_ms} ms after the last one, more than {max_delay_ms} ms",
);
/** An uplink of a pending session cannot acknowledge a downlink: none was sent in it. */
export const errAckInPendingSession = errors.invalidArgument(
  "pending_session_ack",
  "an uplink in the pending session has ACK set",
);
export const errPendingMacStateMissing = errors.failedPrecondition(
  "pending_mac_state_missing",
  "the device has a pending session but no pending MAC state",
);
export const errMacStateMissing = errors.failedPrecondition(
  "mac_state_missing",
  "the device has a session but no MAC state",
);
export const errNotDataUplink = errors.invalidArgument(
  "not_data_uplink",
  "the frame is a `{m_type}`, not a data uplink",
);
export const errUnknownMacVersion = errors.failedPrecondition(
  "unknown_mac_version",
  "the session's LoRaWAN version {version} is not known",
);
export const errMacCommandsInBoth = errors.invalidArgument(
  "mac_commands_in_f_opts_and_port_0",
  "the uplink carries MAC commands both in FOpts ({f_opts_length} bytes) and on port 0",
);
/** The device changed between the match and the commit (another reception was faster). */
export const errDeviceChanged = errors.aborted(
  "device_changed",
  "the device changed while its uplink was handled: FCnt {f_cnt} is no longer new",
);
export const errDeviceNotFound = errors.notFound(
  "device_not_found",
  "the device of the uplink was deleted while it was handled",
);
export const errBandUnknown = errors.failedPrecondition(
  "band_unknown",
  "the device's frequency plan `{frequency_plan_id}` and regional parameters have no band",
);
export const errDataRateUnknown = errors.invalidArgument(
  "data_rate_unknown",
  "the uplink's data rate is not one of the device's band",
);
