import { errorNamespace } from "../../errors/index.ts";

const errors = errorNamespace("lorawan/mac");

/** A CID in 0x00–0x7F that this table does not hold for the direction (relay 0x40–0x46 included). */
export const errUnknownCommand = errors.invalidArgument(
  "unknown_command",
  "unknown {direction} MAC command CID {cid_hex} at offset {offset}",
);

/** A CID in 0x80–0xFF: proprietary commands have no standard length, so parsing cannot go on. */
export const errProprietaryCommand = errors.invalidArgument(
  "proprietary_command",
  "proprietary {direction} MAC command CID {cid_hex} at offset {offset} has no known length",
);

/** A command whose payload runs past the end of the bytes. */
export const errTruncatedCommand = errors.invalidArgument(
  "truncated_command",
  "{direction} MAC command {name} (CID {cid_hex}) at offset {offset} needs {length} payload bytes, {available} left",
);

/** A field that cannot be put on the wire: wrong type, out of its range or a reserved value. */
export const errInvalidField = errors.invalidArgument(
  "invalid_field",
  "MAC command {command} field {field} is {value}, expected {expected}",
);

/** A command name that has no entry for the direction being encoded. */
export const errUnknownCommandName = errors.invalidArgument(
  "unknown_command_name",
  "no {direction} MAC command named {name}",
);

/** A command whose `cid` does not match the CID of its `name`. */
export const errCidMismatch = errors.invalidArgument(
  "cid_mismatch",
  "MAC command {name} has CID {expected_cid_hex}, not {cid}",
);

/** A direction other than `uplink` or `downlink`, or bytes that are not a Uint8Array. */
export const errInvalidInput = errors.invalidArgument(
  "invalid_input",
  "invalid MAC command input: {reason}",
);
