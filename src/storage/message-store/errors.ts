import { errorNamespace } from "../../errors/index.ts";

const errors = errorNamespace("storage/message-store");

/** A field mask path that names no field, or goes into a field that is not a message. */
export const errInvalidFieldMaskPath = errors.invalidArgument(
  "invalid_field_mask_path",
  "field mask path {path} is invalid for {message}: {reason}",
);
/** `key` is the key in words: its column values joined with `/`. */
export const errNotFound = errors.notFound("not_found", "{table} {key} not found");
export const errKeyTaken = errors.alreadyExists("key_taken", "{table} {key} already exists");
/** A unique index clash; `index` is the index column, `value` the clashing value. */
export const errIndexValueTaken = errors.alreadyExists(
  "index_value_taken",
  "{table} {key}: {index} {value} is already taken by another record",
);
/** An update's function returned a message whose key is not the key it was called for. */
export const errKeyChanged = errors.invalidArgument(
  "key_changed",
  "{table} {key}: an update cannot change the key (to {new_key})",
);
/** A key (or scope) whose number of values does not fit the key columns. */
export const errInvalidKey = errors.invalidArgument(
  "invalid_key",
  "{table}: {key} does not fit the key columns ({columns})",
);
export const errUnknownIndex = errors.invalidArgument(
  "unknown_index",
  "{table} has no index column {index}",
);
