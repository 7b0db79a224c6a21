/**
 * OAuth 2.0 / OpenID Connect for the Console and the CLI, on oidc-provider:
 *
 *   const provider = await createOAuthProvider({ issuer: "https://host/oauth", stores,
 *     database: database.db, cookieKeys });
 *   mountOAuth(httpServer.app, provider, "/oauth");       // before listen
 *   lookup.accessToken = oauthAccessTokenVerifier(provider); // API bearer tokens
 *   // now and then: deleteExpiredOAuthArtifacts(database.db)
 *
 * Behind a TLS-terminating proxy, set `provider.proxy = true` so that oidc-provider trusts
 * X-Forwarded-Proto/Host.
 */
export { activeUser, checkCredentials } from "./accounts.ts";
export { DatabaseAdapter, deleteExpiredOAuthArtifacts } from "./adapter.ts";
export { ClientAdapter, clientMetadata } from "./clients.ts";
export { mountOAuth } from "./mount.ts";
export {
  createOAuthProvider,
  defaultOAuthTtl,
  type OAuthProviderOptions,
  type OAuthTtl,
} from "./provider.ts";
export { type OAuthSetup, setUpOAuth } from "./setup.ts";
export { oauthAccessTokenVerifier, type VerifiedAccessToken } from "./verifier.ts";
