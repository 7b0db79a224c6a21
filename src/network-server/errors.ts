import { errorNamespace } from "../errors/index.ts";

// The Network Server's errors, with The Things Stack's names where it has them.
const errors = errorNamespace("networkserver");

export const errDeviceNotFound = errors.notFound(
  "end_device_not_found",
  "end device `{application_id}.{device_id}` not found in the Network Server",
);
export const errInvalidNetId = errors.invalidArgument(
  "net_id",
  "NetID `{net_id}` is not 6 hexadecimal digits",
);
export const errInvalidDevAddrPrefix = errors.invalidArgument(
  "dev_addr_prefix",
  'DevAddr prefix `{prefix}` is not "<8 hexadecimal digits>/<0 to 32>"',
);
/** A configured prefix that is not inside the NetID's DevAddr range. */
export const errDevAddrPrefixOutsideNetId = errors.invalidArgument(
  "dev_addr_prefix_net_id",
  "DevAddr prefix `{prefix}` is not inside the range `{net_id_prefix}` of NetID `{net_id}`",
);
export const errNoDevAddrPrefixes = errors.failedPrecondition(
  "no_dev_addr_prefixes",
  "no DevAddr prefixes are configured",
);
export const errUnknownFrequencyPlan = errors.invalidArgument(
  "frequency_plan_not_found",
  "frequency plan `{id}` is not known",
);
export const errUnknownPhyVersion = errors.invalidArgument(
  "unknown_phy_version",
  "regional parameters version `{version}` is not known",
);
export const errNoBand = errors.invalidArgument(
  "band_not_found",
  "band `{band_id}` has no regional parameters version `{version}`",
);
/** An ABP device's reset without a session: its stored state is not what a device must be. */
export const errCorruptedMacState = errors.dataLoss(
  "corrupted_mac_state",
  "the stored device has no session to reset",
);
export const errNoKek = errors.failedPrecondition(
  "no_kek",
  "the key vault holds no key encryption key `{label}` to wrap session keys at rest",
);
