/**
 * Limits of the OAuth server: rate limits (GCRA) and locks after repeated failures, keyed by
 * client address, account and client; the state behind two small interfaces (`RateLimiter`,
 * `Lockouts`) kept in process memory, so that a shared implementation can take their place.
 */
export { addressKey } from "../../../listeners/address-key.ts";
export {
  type AddressLimited,
  memoryLimiterState,
  OAuthGuard,
  type OAuthLimiterState,
  type Refusal,
} from "./guard.ts";
export { type LockoutPolicy, type Lockouts, lockDuration, MemoryLockouts } from "./lockout.ts";
export {
  defaultOAuthLimits,
  limitsFromSettings,
  type OAuthLimitSettings,
  type OAuthLimits,
  type OAuthRates,
} from "./policy.ts";
export {
  MemoryRateLimiter,
  type Rate,
  type RateDecision,
  type RateLimiter,
} from "./rate-limiter.ts";
