import { errorNamespace } from "../../errors/index.ts";

const errors = errorNamespace("lorawan/crypto");

/** An AES key of the wrong size: LoRaWAN keys are 16 bytes; a KEK may be 16, 24 or 32. */
export const errInvalidKeyLength = errors.invalidArgument(
  "invalid_key_length",
  "{key} must be {expected} bytes long, got {length}",
);

/** A fixed-size field (DevAddr, EUI, NetID, MIC, ...) or a bounded message of the wrong size. */
export const errInvalidFieldLength = errors.invalidArgument(
  "invalid_field_length",
  "{field} must be {expected} bytes long, got {length}",
);

/** A numeric field (frame counter, nonce, data rate index, ...) outside its range. */
export const errInvalidFieldValue = errors.invalidArgument(
  "invalid_field_value",
  "{field} must be an integer from {min} to {max}, got {value}",
);

/** A field that takes one of a few listed values. */
export const errInvalidFieldChoice = errors.invalidArgument(
  "invalid_field_choice",
  "{field} must be one of {allowed}, got {value}",
);

/** Block-cipher input that is not a whole number of 16-byte blocks. */
export const errInvalidBlockLength = errors.invalidArgument(
  "invalid_block_length",
  "{operation} needs a multiple of 16 bytes, got {length}",
);

/** RFC 3394 unwrap whose integrity check value did not match: wrong KEK or corrupted data. */
export const errKeyUnwrapIntegrity = errors.invalidArgument(
  "key_unwrap_integrity",
  "unwrapped key failed the integrity check (wrong KEK or corrupted wrapped key)",
);

/** A 16-bit frame counter that can only follow `last` by passing the 32-bit maximum. */
export const errFCntExhausted = errors.outOfRange(
  "f_cnt_exhausted",
  "frame counter {f_cnt} after {last} would pass the 32-bit maximum",
);
