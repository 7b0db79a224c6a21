import type { CredentialsStore, OAuthCredential, StoredCredential } from "./credentials.ts";
import { errNoCredentials, errOAuthRefused, errOAuthSessionEnded } from "./errors.ts";
import { oauthCredential, requestTokens } from "./oauth.ts";

/** An access token this close to its expiry is renewed first, so it does not expire in flight. */
export const renewalMarginMs = 60_000;

/** Whether the OAuth credential's access token is expired or about to be. */
export function needsRenewal(credential: OAuthCredential, now: Date): boolean {
  if (credential.expires_at === undefined) return false;
  const expiry = Date.parse(credential.expires_at);
  // An expiry that does not parse is taken as expired: renewing costs one request.
  return !Number.isFinite(expiry) || expiry - renewalMarginMs <= now.getTime();
}

/**
 * The bearer token of a stored credential: an API key as it is; an OAuth access token renewed
 * with the refresh token when it is (about to be) expired, and stored again atomically under
 * the credentials file's lock. The entry is read again under the lock, so that of processes
 * started together only the first renews (a refresh token works once: using it twice would
 * end the login) and the others take its new token.
 */
export async function bearerToken(
  store: CredentialsStore,
  server: string,
  credential: StoredCredential,
  options: { now?: () => Date; fetch?: typeof fetch } = {},
): Promise<string> {
  const now = options.now ?? (() => new Date());
  if (credential.kind !== "oauth" || !needsRenewal(credential, now())) return credential.token;
  const stored = await store.update(server, async (current) => {
    if (current?.kind !== "oauth" || !needsRenewal(current, now())) return current;
    if (!current.refresh_token)
      throw errOAuthSessionEnded.create({ server, reason: "the access token expired" });
    let answer: Awaited<ReturnType<typeof requestTokens>>;
    try {
      answer = await requestTokens(
        current.token_endpoint,
        {
          grant_type: "refresh_token",
          refresh_token: current.refresh_token,
          client_id: current.client_id,
        },
        options.fetch,
      );
    } catch (error) {
      if (errOAuthRefused.matches(error) && error.attributes.oauth_error === "invalid_grant")
        throw errOAuthSessionEnded.create(
          { server, reason: "the server refused the refresh token" },
          error,
        );
      throw error;
    }
    return oauthCredential(answer, {
      clientId: current.client_id,
      server: current,
      now: now(),
      previous: current,
    });
  });
  if (!stored) throw errNoCredentials.create({ server });
  return stored.token;
}
