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
