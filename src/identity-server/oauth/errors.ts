import { errorNamespace } from "../../errors/index.ts";

const errors = errorNamespace("identity-server/oauth");

/** A rate limit of the OAuth server; the message is The Things Stack's. */
export const errRateLimitExceeded = errors.resourceExhausted(
  "rate_limit_exceeded",
  "rate limit of `{rate}` accesses per minute exceeded for resource `{key}`",
);

/** A lock after repeated failures (sign-in or client secret). */
export const errTooManyFailures = errors.resourceExhausted(
  "too_many_failures",
  "too many failed attempts for resource `{key}`, retry in {retry_after} seconds",
);

/** The stores could not answer whether an access token is valid (a database failure). */
export const errTokenCheckFailed = errors.unavailable(
  "token_check_failed",
  "the access token cannot be checked now; try again later",
);
