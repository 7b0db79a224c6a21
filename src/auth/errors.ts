import { errorNamespace } from "../errors/index.ts";

const errors = errorNamespace("api/auth");

export const errUnsupportedAuthorization = errors.unauthenticated(
  "unsupported_authorization",
  "the Authorization header must be `Bearer <token>`",
);
export const errUnknownToken = errors.unauthenticated("unknown_token", "token is not valid");
export const errTokenExpired = errors.unauthenticated(
  "token_expired",
  "token expired at {expired_at}",
);
export const errNoCredentials = errors.unauthenticated(
  "no_credentials",
  "this call needs credentials",
);
export const errNoRights = errors.permissionDenied(
  "no_rights",
  "caller has no rights on {entity_kind} `{entity_id}`",
);
export const errMissingRights = errors.permissionDenied(
  "missing_rights",
  "caller lacks {missing} on {entity_kind} `{entity_id}`",
);

// The refusals of a user whose account is not in good standing, with The Things Stack's names.
export const errUserRequested = errors.permissionDenied(
  "user_requested",
  "user account approval is pending",
);
export const errUserRejected = errors.permissionDenied(
  "user_rejected",
  "user account was rejected",
);
export const errUserSuspended = errors.permissionDenied(
  "user_suspended",
  "user account was suspended",
);
