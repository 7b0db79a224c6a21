import type { LockoutPolicy } from "./lockout.ts";
import type { Rate } from "./rate-limiter.ts";

/** The rate limits of the OAuth server, by what they count. */
export interface OAuthRates {
  /** Sign-in attempts (`POST <issuer>/login/:uid`) from one client address. */
  loginPerAddress: Rate | undefined;
  /** Sign-in attempts for one account, from browsers that have not signed in to it before. */
  loginPerAccount: Rate | undefined;
  /** Requests to the token and revocation endpoints from one client address. */
  tokenPerAddress: Rate | undefined;
  /** Client secret checks for one OAuth client. */
  tokenPerClient: Rate | undefined;
  /** Requests to the authorization endpoint from one client address. */
  authorizePerAddress: Rate | undefined;
}

/** Every limit of the OAuth server; `undefined` rates are not limited. */
export interface OAuthLimits {
  rates: OAuthRates;
  /** Failed sign-ins of an account (and of an account on one known browser). */
  accountLockout: LockoutPolicy;
  /** Failed client authentications of an OAuth client. */
  clientLockout: LockoutPolicy;
  /** Interactions (sign-ins under way) kept per client address, and in all. */
  interactionsPerAddress: number;
  interactionsMax: number;
}

const minute = 60_000;
const hour = 60 * minute;

/**
 * The defaults. Sign-in: 10 attempts a minute per address and per account, then a lock of the
 * account after 5 failures in a row: 1 minute, doubling with each further failure, never more
 * than 15 minutes at a time. Clients: 10 failed secrets lock the client the same way; a
 * success does not clear them (the real client keeps succeeding while someone else guesses),
 * they are forgotten a day after the last.
 */
export const defaultOAuthLimits: OAuthLimits = {
  rates: {
    loginPerAddress: { perMinute: 10, burst: 10 },
    loginPerAccount: { perMinute: 10, burst: 10 },
    tokenPerAddress: { perMinute: 60, burst: 60 },
    tokenPerClient: { perMinute: 600, burst: 600 },
    authorizePerAddress: { perMinute: 60, burst: 60 },
  },
  accountLockout: { threshold: 5, baseMs: minute, maxMs: 15 * minute, forgetAfterMs: 24 * hour },
  clientLockout: { threshold: 10, baseMs: minute, maxMs: 15 * minute, forgetAfterMs: 24 * hour },
  interactionsPerAddress: 20,
  interactionsMax: 10_000,
};

/** The `oauth.limits` configuration section: per-minute counts (0: no limit) and caps. */
export interface OAuthLimitSettings {
  login_per_address: number;
  login_per_account: number;
  token_per_address: number;
  token_per_client: number;
  authorize_per_address: number;
  interactions_per_address: number;
  interactions_max: number;
}

/** The limits that `settings` configure; the lockout policies are the defaults. */
export function limitsFromSettings(settings: OAuthLimitSettings): OAuthLimits {
  const rate = (perMinute: number): Rate | undefined =>
    perMinute > 0 ? { perMinute, burst: perMinute } : undefined;
  return {
    ...defaultOAuthLimits,
    rates: {
      loginPerAddress: rate(settings.login_per_address),
      loginPerAccount: rate(settings.login_per_account),
      tokenPerAddress: rate(settings.token_per_address),
      tokenPerClient: rate(settings.token_per_client),
      authorizePerAddress: rate(settings.authorize_per_address),
    },
    interactionsPerAddress: settings.interactions_per_address,
    interactionsMax: settings.interactions_max,
  };
}
