import type Provider from "oidc-provider";
import { activeUser } from "./accounts.ts";
import { approvedClient } from "./clients.ts";
import { errTokenCheckFailed } from "./errors.ts";
import { oauthContext } from "./provider.ts";

/** What an OAuth access token stands for. */
export interface VerifiedAccessToken {
  userId: string;
  /** The rights of the client the token was issued to (the user's own rights bound them). */
  rights: string[];
  expiresAt: Date;
}

/**
 * A verifier of the opaque access tokens `provider` issues, for the API's bearer
 * authentication: `undefined` for an unknown, expired or revoked token, for one whose sign-in
 * session ended (unless issued with `offline_access`), and for one whose user or client is
 * gone, deleted, suspended/rejected or no longer approved. The rights are read from the client
 * at every call, so a change to the client's rights applies at once.
 *
 * A token that cannot be checked (the database fails) is not an unknown token: that is
 * `token_check_failed` (503, logged with its cause by the API), so that a client retries
 * instead of signing its user out.
 */
export function oauthAccessTokenVerifier(
  provider: Provider,
): (token: string) => Promise<VerifiedAccessToken | undefined> {
  const context = oauthContext(provider);
  return async (token) => {
    // oidc-provider's opaque tokens are 43 base64url characters; refuse anything odd early.
    if (typeof token !== "string" || !/^[A-Za-z0-9_-]{20,256}$/.test(token)) return undefined;
    try {
      return await verify(provider, context, token);
    } catch (error) {
      throw errTokenCheckFailed.create({}, error);
    }
  };
}

async function verify(
  provider: Provider,
  context: ReturnType<typeof oauthContext>,
  token: string,
): Promise<VerifiedAccessToken | undefined> {
  // `find` answers `undefined` for unknown and invalid tokens; it throws only when the
  // adapter (the database) does.
  const accessToken = await provider.AccessToken.find(token);
  if (!accessToken) return undefined;
  const expiresAt = new Date(accessToken.exp * 1000);
  if (expiresAt.getTime() <= context.now().getTime()) return undefined;
  const [client, user, session] = await Promise.all([
    approvedClient(context.stores.clients, accessToken.clientId),
    activeUser(context.stores.users, accessToken.accountId),
    // A token without `offline_access` lives only as long as the sign-in session.
    accessToken.expiresWithSession && accessToken.sessionUid
      ? provider.Session.findByUid(accessToken.sessionUid)
      : true,
  ]);
  if (!client || !user || !session) return undefined;
  return { userId: user.userId, rights: [...(client.rights ?? [])], expiresAt };
}
