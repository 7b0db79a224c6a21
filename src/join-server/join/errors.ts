import { errorNamespace } from "../../errors/index.ts";

// Errors of the join logic that the shared contract (../errors.ts) does not define.
const errors = errorNamespace("joinserver");

/** A Backend Interfaces Application Server asked for keys of a device served by another. */
export const errApplicationServerMismatch = errors.permissionDenied(
  "application_server_mismatch",
  "the device's Application Server is not `{as_id}`",
);
