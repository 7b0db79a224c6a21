import { errorNamespace } from "../errors/index.ts";

/** Mistakes in what the operator typed: `lorastack` exits 2 for these, before any call. */
const errors = errorNamespace("cli");

/** No entity ID: neither the argument nor its flag. */
export const errMissingId = errors.invalidArgument(
  "missing_id",
  "missing {field}: give it as the first argument or with --{flag}",
);

/** The same ID given twice, differently. */
export const errConflictingId = errors.invalidArgument(
  "conflicting_id",
  "{field} given twice: `{argument}` and --{flag} `{value}`",
);

/** Create without an owner, or with two. */
export const errOwner = errors.invalidArgument("owner", "give exactly one of {flags}");

/** An attribute that is not `key=value`. */
export const errAttribute = errors.invalidArgument(
  "invalid_attribute",
  "invalid attribute `{value}`: use key=value",
);

/** An EUI that is not 16 hex digits. */
export const errEui = errors.invalidArgument(
  "invalid_eui",
  "invalid --{flag} `{value}`: use 16 hex digits",
);

/** A timestamp that does not parse. */
export const errTimestamp = errors.invalidArgument(
  "invalid_timestamp",
  "invalid --{flag} `{value}`: use RFC 3339 (2027-01-31T00:00:00Z)",
);

/** An update that changes nothing. */
export const errNothingToUpdate = errors.invalidArgument(
  "nothing_to_update",
  "nothing to update: give at least one of {flags}",
);

/** `--limit` or `--page` that is not a whole number. */
export const errWholeNumber = errors.invalidArgument(
  "invalid_number",
  "invalid --{flag} `{value}`: use a whole number",
);

/** A `--server` that is not an http(s) URL. */
export const errServer = errors.invalidArgument(
  "invalid_server",
  "invalid server `{value}`: use http://host:port or https://host",
);

/** A required flag missing for this command. */
export const errMissingFlag = errors.invalidArgument("missing_flag", "missing {flags}");

/** Login without a method we have. */
export const errLoginMethod = errors.invalidArgument(
  "login_method",
  "--api-key - read no key from stdin: give the key, or leave --api-key out to log in with OAuth",
);

/** A flag's value that is not one of its choices. */
export const errChoice = errors.invalidArgument(
  "invalid_choice",
  "invalid --{flag} `{value}`: use {choices}",
);
