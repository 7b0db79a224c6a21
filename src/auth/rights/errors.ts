import { errorNamespace } from "../../errors/index.ts";

const errors = errorNamespace("identity-server/rights");

/** A right name or number that is not in the rights table. */
export const errUnknownRight = errors.invalidArgument("unknown_right", "unknown right `{right}`");

/** The caller lacks rights; `missing` lists them. */
export const errInsufficientRights = errors.permissionDenied(
  "insufficient_rights",
  "insufficient rights",
);
