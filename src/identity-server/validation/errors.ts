import { errorNamespace } from "../../errors/index.ts";

const errors = errorNamespace("identity-server/validation");

/** A field out of The Things Stack's bounds (its `validate` rules), named by its API path. */
export const errValidation = errors.invalidArgument("validation", "invalid `{field}`: {reason}");
