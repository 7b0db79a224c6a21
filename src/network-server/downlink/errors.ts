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
