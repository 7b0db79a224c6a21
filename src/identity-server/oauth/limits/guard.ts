import { KeyedQueue } from "../../../concurrency/keyed-queue.ts";
import { type LockoutPolicy, type Lockouts, MemoryLockouts } from "./lockout.ts";
import type { OAuthLimits, OAuthRates } from "./policy.ts";
import { MemoryRateLimiter, type Rate, type RateLimiter } from "./rate-limiter.ts";

/**
 * Where the OAuth server keeps its limiter state. In one process: {@link memoryLimiterState}.
 * A cluster gives every instance the same Redis-backed pair, so that limits and locks hold
 * whichever instance a request reaches.
 */
export interface OAuthLimiterState {
  rates: RateLimiter;
  lockouts: Lockouts;
}

/** Limiter state in process memory. */
export function memoryLimiterState(now?: () => number): OAuthLimiterState {
  return { rates: new MemoryRateLimiter({ now }), lockouts: new MemoryLockouts({ now }) };
}

/** Why a request was refused, with what the caller needs to know to come back. */
export interface Refusal {
  reason: "rate_limit" | "locked_out";
  /** What was limited, e.g. `oauth:login:address:192.0.2.1`. */
  key: string;
  /** The average rate per minute of a rate limit. */
  perMinute?: number;
  /** The burst of a rate limit (0 for a lock). */
  limit: number;
  remaining: number;
  resetAfterMs: number;
  retryAfterMs: number;
}

/** The endpoints limited per client address, and their rate. */
export type AddressLimited = "login" | "token" | "authorize";

const addressRates: Record<AddressLimited, keyof OAuthRates> = {
  login: "loginPerAddress",
  token: "tokenPerAddress",
  authorize: "authorizePerAddress",
};

/**
 * The OAuth server's limits applied: per client address, per account (sign-in) and per client
 * (client secrets), with locks after repeated failures. Every check answers `undefined` (go
 * on) or the {@link Refusal}; `onRefusal` sees each refusal (metrics).
 *
 * Sign-in locks: an account is locked after repeated failures (bounded: no single lock lasts
 * longer than the policy's maximum). A browser that has signed in to the account before (it
 * shows the known-device cookie) is exempt from the account's rate limit and lock, and has a
 * lock of its own instead, so someone guessing from elsewhere cannot lock the owner out of the
 * browser they use.
 */
export class OAuthGuard {
  readonly #state: OAuthLimiterState;
  readonly #limits: OAuthLimits;
  readonly #onRefusal: (refusal: Refusal) => void;
  readonly #queues = new KeyedQueue();

  constructor(
    state: OAuthLimiterState,
    limits: OAuthLimits,
    onRefusal: (refusal: Refusal) => void = () => {},
  ) {
    this.#state = state;
    this.#limits = limits;
    this.#onRefusal = onRefusal;
  }

  /** Takes one request of `address` at an address-limited endpoint. */
  address(endpoint: AddressLimited, address: string): Promise<Refusal | undefined> {
    const rate = this.#limits.rates[addressRates[endpoint]];
    return this.#take(`oauth:${endpoint}:address:${address}`, rate);
  }

  /**
   * Before checking a password for `account`; `device` is the known-device id, if shown. An
   * allowed attempt counts as a failure until {@link loginSucceeded} says otherwise, so that
   * guesses sent at the same time cannot all pass before the first failure is known.
   */
  async loginAttempt(account: string, device: string | undefined): Promise<Refusal | undefined> {
    const policy = this.#limits.accountLockout;
    if (device !== undefined) return this.#attempt(deviceKey(account, device), policy);
    return (
      (await this.#take(accountKey(account), this.#limits.rates.loginPerAccount)) ??
      (await this.#attempt(accountKey(account), policy))
    );
  }

  /** A right password proves the owner: their failures so far are forgotten. */
  async loginSucceeded(account: string, device: string | undefined): Promise<void> {
    await this.#state.lockouts.clear(accountKey(account));
    if (device !== undefined) await this.#state.lockouts.clear(deviceKey(account, device));
  }

  /**
   * Checks a secret of `clientId` with `verify` under the client's rate limit and lock: a
   * refusal, or whether it matched. A client's successes must not count as failures, so the
   * lock is not checked and counted in one step as for a sign-in; instead the checks of one
   * client run one at a time (in this process), so that secrets sent at the same time cannot
   * all be checked before the one that locks the client is counted. The rate limit is taken
   * first, which bounds the queue.
   */
  async clientSecret(
    clientId: string,
    verify: () => Promise<boolean>,
  ): Promise<{ refusal: Refusal } | { matches: boolean }> {
    const key = clientKey(clientId);
    const limited = await this.#take(key, this.#limits.rates.tokenPerClient);
    if (limited) return { refusal: limited };
    return this.#queues.run(key, async () => {
      const locked = await this.#locked(key);
      if (locked) return { refusal: locked };
      const matches = await verify();
      if (!matches) await this.#state.lockouts.fail(key, this.#limits.clientLockout);
      return { matches };
    });
  }

  async #take(key: string, rate: Rate | undefined): Promise<Refusal | undefined> {
    if (!rate) return undefined;
    const decision = await this.#state.rates.take(key, rate);
    if (decision.allowed) return undefined;
    return this.#refuse({
      reason: "rate_limit",
      key,
      perMinute: rate.perMinute,
      limit: decision.limit,
      remaining: decision.remaining,
      resetAfterMs: decision.resetAfterMs,
      retryAfterMs: decision.retryAfterMs,
    });
  }

  async #attempt(key: string, policy: LockoutPolicy): Promise<Refusal | undefined> {
    return this.#lockRefusal(key, await this.#state.lockouts.attempt(key, policy));
  }

  async #locked(key: string): Promise<Refusal | undefined> {
    return this.#lockRefusal(key, await this.#state.lockouts.lockedFor(key));
  }

  #lockRefusal(key: string, lockedFor: number): Refusal | undefined {
    if (lockedFor <= 0) return undefined;
    return this.#refuse({
      reason: "locked_out",
      key,
      limit: 0,
      remaining: 0,
      resetAfterMs: lockedFor,
      retryAfterMs: lockedFor,
    });
  }

  #refuse(refusal: Refusal): Refusal {
    this.#onRefusal(refusal);
    return refusal;
  }
}

// Names are encoded so that a typed user name such as `alice:device:x` is no other key.
const accountKey = (account: string) => `oauth:login:account:${encodeURIComponent(account)}`;
const deviceKey = (account: string, device: string) =>
  `${accountKey(account)}:device:${encodeURIComponent(device)}`;
const clientKey = (clientId: string) => `oauth:token:client:${encodeURIComponent(clientId)}`;
