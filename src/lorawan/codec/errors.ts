import { errorNamespace } from "../../errors/index.ts";

const errors = errorNamespace("lorawan/codec");

// Decoding

export const errNotBytes = errors.invalidArgument(
  "payload_not_bytes",
  "{what} must be a Uint8Array, got {actual}",
);
export const errTooShort = errors.invalidArgument(
  "payload_too_short",
  "{message_type} of {length} bytes is shorter than {min}",
);
export const errWrongLength = errors.invalidArgument(
  "payload_wrong_length",
  "{message_type} has {length} bytes, expected {expected}",
);
export const errMajor = errors.invalidArgument(
  "major_unsupported",
  "LoRaWAN major version {major} is not supported (only 0, LoRaWAN R1)",
);
export const errRejoinType = errors.invalidArgument(
  "rejoin_type_unknown",
  "rejoin-request type {rejoin_type} is unknown (0, 1 or 2)",
);
export const errFOptsWithFPort0 = errors.invalidArgument(
  "f_opts_with_f_port_0",
  "FOpts of {f_opts_len} bytes with FPort 0: MAC commands go in FOpts or in FRMPayload, not both",
);
export const errCfListType = errors.invalidArgument(
  "cf_list_type_unknown",
  "CFList type {cf_list_type} is unknown (0 for frequencies, 1 for channel masks)",
);

// Encoding

export const errMType = errors.invalidArgument(
  "m_type_unknown",
  "message type `{m_type}` is unknown",
);
export const errField = errors.invalidArgument(
  "field_invalid",
  "{field} must be {expected}, got {value}",
);
export const errFOptsTooLong = errors.invalidArgument(
  "f_opts_too_long",
  "FOpts of {length} bytes exceed the 15 bytes FOptsLen can announce",
);
export const errFrmPayloadWithoutFPort = errors.invalidArgument(
  "frm_payload_without_f_port",
  "FRMPayload of {length} bytes needs an FPort",
);
