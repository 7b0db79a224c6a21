import { errorToHttp } from "../../api/errors.ts";
import type { DefinedError } from "../../errors/index.ts";
import { errRateLimitExceeded, errTooManyFailures } from "./errors.ts";
import type { Refusal } from "./limits/index.ts";

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** The error a refusal is reported as. */
export function refusalError(refusal: Refusal): DefinedError {
  return refusal.reason === "rate_limit"
    ? errRateLimitExceeded.create({ rate: refusal.perMinute, key: refusal.key })
    : errTooManyFailures.create({
        key: refusal.key,
        retry_after: seconds(refusal.retryAfterMs),
      });
}

/**
 * The response headers of a refusal: `Retry-After`, and for a rate limit The Things Stack's
 * `X-Rate-Limit-*` (the burst, what is left, and seconds until it is full and until a retry).
 */
export function refusalHeaders(refusal: Refusal): Record<string, string> {
  const headers: Record<string, string> = { "retry-after": String(seconds(refusal.retryAfterMs)) };
  if (refusal.reason === "rate_limit") {
    headers["x-rate-limit-limit"] = String(refusal.limit);
    headers["x-rate-limit-available"] = String(refusal.remaining);
    headers["x-rate-limit-reset"] = String(Math.ceil(refusal.resetAfterMs / 1000));
    headers["x-rate-limit-retry"] = String(seconds(refusal.retryAfterMs));
  }
  return headers;
}

/** The status (429) and JSON body of a refusal, in the API's error shape. */
export function refusalJson(refusal: Refusal): { status: number; body: object } {
  return errorToHttp(refusalError(refusal));
}

/** "in 40 seconds", "in 3 minutes": when a refused person may try again. */
export function retryPhrase(retryAfterMs: number): string {
  const wait = seconds(retryAfterMs);
  if (wait < 90) return `in ${wait} second${wait === 1 ? "" : "s"}`;
  return `in ${Math.ceil(wait / 60)} minutes`;
}

/** What the sign-in page says to a refused person. */
export function loginRefusalMessage(refusal: Refusal): string {
  const what =
    refusal.reason === "locked_out"
      ? "Too many failed sign-in attempts for this account."
      : "Too many sign-in attempts.";
  return `${what} Please try again ${retryPhrase(refusal.retryAfterMs)}.`;
}
