import { errorNamespace } from "../../errors/index.ts";

const errors = errorNamespace("network-server/downlink");

/** The uplink's data rate is not one of the band's: no receive window can follow from it. */
export const errUnknownDataRate = errors.invalidArgument(
  "unknown_data_rate",
  "data rate index {data_rate_index} is not defined in band `{band_id}`",
);
/** The RX2 (or class C) data rate of the device is not one of the band's. */
export const errUnknownRx2DataRate = errors.failedPrecondition(
  "unknown_rx2_data_rate",
  "RX2 data rate index {data_rate_index} is not defined in band `{band_id}`",
);
/** An uplink none of whose receptions can carry a downlink (no token, or NEVER). */
export const errNoDownlinkPath = errors.failedPrecondition(
  "no_downlink_path",
  "no gateway can send a downlink to this device",
);
/** Neither receive window can still be reached. */
export const errTooLate = errors.failedPrecondition(
  "too_late",
  "both receive windows of the uplink have passed or are too close",
);

/** The device has no session (or no MAC state) to send a data downlink in. */
export const errNoSession = errors.failedPrecondition(
  "no_session",
  "the device has no session or MAC state to send a downlink in",
);
/** A session key the version needs is not there in plain. */
export const errNoSessionKey = errors.failedPrecondition(
  "session_key_missing",
  "the session has no `{key}`",
);
/** The device's frequency plan or PHY version gives no band. */
export const errNoDeviceBand = errors.failedPrecondition(
  "no_device_band",
  "no band for frequency plan `{frequency_plan_id}`",
);
/** The gateways were asked and none scheduled the downlink. */
export const errScheduleFailed = errors.aborted("schedule", "no gateway scheduled the downlink");
/** A gateway reported that it did not transmit a downlink. */
export const errTransmission = errors.aborted(
  "transmission",
  "downlink transmission failed with result `{result}`",
);
/** A multicast group cannot acknowledge: its downlinks are never confirmed. */
export const errConfirmedMulticast = errors.failedPrecondition(
  "confirmed_multicast_downlink",
  "a multicast downlink cannot be confirmed",
);
/** A multicast group has no uplinks to find gateways by: its downlinks name them. */
export const errMulticastWithoutGateways = errors.failedPrecondition(
  "multicast_without_gateways",
  "a multicast downlink must name its gateways in `class_b_c.gateways`",
);
/** A downlink for an absolute time that passed before it could be sent. */
export const errAbsoluteTimePassed = errors.failedPrecondition(
  "absolute_time_passed",
  "the downlink's absolute time has passed",
);
