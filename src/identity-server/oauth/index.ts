/**
 * OAuth 2.0 / OpenID Connect for the Console and the CLI, on oidc-provider:
 *
 *   const provider = await createOAuthProvider({ issuer: "https://host/oauth", stores,
 *     database: database.db, cookieKeys, limits });
 *   mountOAuth(httpServer.app, provider, "/oauth");       // before listen
 *   lookup.accessToken = oauthAccessTokenVerifier(provider); // API bearer tokens
 *   const sweeper = startOAuthSweeper({ db: database.db, intervalMs }); // expired artifacts
 *
 * (`setUpOAuth` does all of this for the Identity Server.) Sign-in, token and authorization
 * requests are rate limited, repeated failures lock an account or a client (`limits/`), and
 * tokens, codes and sessions are stored by the SHA-256 of their ID (`adapter.ts`); see
 * docs/security.md.
 *
 * Behind a TLS-terminating proxy, set `provider.proxy = true` so that oidc-provider trusts
 * X-Forwarded-Proto/Host.
 */
export { accountName, activeUser, checkCredentials, checkPassword } from "./accounts.ts";
export { DatabaseAdapter, deleteExpiredOAuthArtifacts } from "./adapter.ts";
export { artifactKey } from "./artifact-key.ts";
export {
  type OAuthAuthorization,
  OAuthAuthorizations,
  type OAuthPage,
  type OAuthPageOptions,
  type OAuthTokenRecord,
} from "./authorizations.ts";
export { ClientAdapter, clientMetadata } from "./clients.ts";
export { errRateLimitExceeded, errTooManyFailures } from "./errors.ts";
export { InteractionBounds } from "./interactions.ts";
export {
  defaultOAuthLimits,
  limitsFromSettings,
  memoryLimiterState,
  type OAuthLimiterState,
  type OAuthLimitSettings,
  type OAuthLimits,
} from "./limits/index.ts";
export { mountOAuth } from "./mount.ts";
export {
  createOAuthProvider,
  defaultOAuthTtl,
  type OAuthProviderOptions,
  type OAuthTtl,
} from "./provider.ts";
export {
  defaultSweepIntervalMs,
  type OAuthLogger,
  type OAuthServer,
  type OAuthSetup,
  setUpOAuth,
} from "./setup.ts";
export { type OAuthSweeper, startOAuthSweeper } from "./sweeper.ts";
export { oauthAccessTokenVerifier, type VerifiedAccessToken } from "./verifier.ts";
