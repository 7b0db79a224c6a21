import { errorNamespace } from "../../errors/index.ts";

const errors = errorNamespace("lorawan/types");

export const errInvalidHex = errors.invalidArgument(
  "invalid_hex",
  "{kind} `{input}` is not {expected} bytes of hex (like {example}, optionally separated by -, : or spaces)",
);
export const errInvalidLength = errors.invalidArgument(
  "invalid_length",
  "{kind} `{input}` has {length} bytes instead of {expected}",
);
export const errInvalidBytes = errors.invalidArgument(
  "invalid_bytes",
  "{kind} must be a Uint8Array of {expected} bytes, got {actual}",
);
export const errInvalidDevAddrPrefix = errors.invalidArgument(
  "invalid_dev_addr_prefix",
  "DevAddr prefix `{input}` is not of the form 26000000/7 (DevAddr hex, slash, 0 to 32 bits)",
);
export const errNwkAddrOutOfRange = errors.invalidArgument(
  "nwk_addr_out_of_range",
  "NwkAddr {nwk_addr} does not fit the {bits} bits of a NetID type {net_id_type} DevAddr",
);
