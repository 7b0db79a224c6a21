import { AsyncLocalStorage } from "node:async_hooks";
import type { Refusal } from "./limits/index.ts";

/** What the OAuth server's parts learn about the request they serve. */
export interface OAuthRequest {
  /** The client address's limiter key (see `addressKey`). */
  address: string;
  /** Set by a check deep inside oidc-provider (a client's secret) to answer 429 instead. */
  refusal?: Refusal;
}

/**
 * The request being served, for code that oidc-provider calls without it: the storage adapter
 * (which address an interaction belongs to) and the client secret check.
 */
export const oauthRequests = new AsyncLocalStorage<OAuthRequest>();
