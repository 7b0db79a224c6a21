import { errorNamespace } from "../../errors/index.ts";

const errors = errorNamespace("identity-server/ids");

/** An entity ID that breaks the ID rules; attributes `field` and `value`. */
export const errInvalidId = errors.invalidArgument(
  "invalid_id",
  "invalid {field} `{value}`: use at least 3 lower-case letters or digits, " +
    "single dashes only between them, at most 36 characters",
);

/** A reserved ID that may not be registered; attributes `field` and `value`. */
export const errForbiddenId = errors.invalidArgument(
  "forbidden_id",
  "{field} `{value}` is reserved and can not be registered",
);

/** Not an email address; attributes `field` and `value`. */
export const errInvalidEmail = errors.invalidArgument(
  "invalid_email",
  "{field} `{value}` is not a valid email address",
);
