import { createApiClient } from "../client/api-client.ts";
import { type AuthInfo, describeOwner } from "../client/caller.ts";
import { revokeToken } from "../client/oauth.ts";
import { credentialsStore, resolveServer } from "../client/session.ts";
import { errLoginMethod } from "../errors.ts";
import type { CommandIO } from "../io.ts";
import type { OAuthLoginFlags } from "./oauth-login.ts";

/**
 * `lorastack login --api-key <key|->`: asks the server whose key it is (`GET /auth_info`),
 * which also proves the key works, then stores it for that server. A refused key stores
 * nothing and exits 1 with the API's error. Without `--api-key`: OAuth (oauth-login.ts).
 */
export async function login(
  flags: Partial<OAuthLoginFlags> & { apiKey?: string },
  io: CommandIO,
): Promise<void> {
  if (flags.apiKey === undefined) {
    const { oauthLogin } = await import("./oauth-login.ts");
    await oauthLogin(
      { ...flags, callback: flags.callback ?? true, browser: flags.browser ?? true },
      io,
    );
    return;
  }
  const server = resolveServer(flags, io.env);
  const key = flags.apiKey === "-" ? ((await io.readStdin?.()) ?? "").trim() : flags.apiKey.trim();
  if (!key) throw errLoginMethod.create();
  const client = createApiClient({ server, token: key });
  const { json } = await client.call<AuthInfo>("GET", "/auth_info");
  const owner = describeOwner(json);
  const store = credentialsStore(io.env);
  await store.set(server, {
    kind: "api-key",
    token: key,
    ...(owner ? { owner } : {}),
    saved_at: new Date().toISOString(),
  });
  const keyId = json.api_key?.api_key?.id;
  io.stderr(
    `logged in to ${server} with API key ${keyId ?? "(unknown id)"} of ${owner ?? "an unknown entity"}` +
      `${json.is_admin ? " (admin)" : ""}; stored in ${store.path}\n`,
  );
}

/**
 * `lorastack logout`: removes the server's entry. An OAuth login is revoked at the server
 * first (RFC 7009: the refresh token, which takes its grant's access tokens along, then the
 * access token); when that fails the entry is removed all the same and the user is told
 * until when the tokens stay valid, as ttn-lw-cli does.
 */
export async function logout(flags: { server?: string }, io: CommandIO): Promise<void> {
  const server = resolveServer(flags, io.env);
  const store = credentialsStore(io.env);
  const stored = await store.get(server);
  if (stored?.kind === "oauth") {
    try {
      if (!stored.revocation_endpoint) throw new Error("the OAuth server revokes no tokens");
      const revoke = (token: string, hint: "access_token" | "refresh_token") =>
        revokeToken(stored.revocation_endpoint as string, {
          token,
          token_type_hint: hint,
          client_id: stored.client_id,
        });
      if (stored.refresh_token) await revoke(stored.refresh_token, "refresh_token");
      await revoke(stored.token, "access_token");
      io.stderr(`revoked the OAuth tokens at ${server}\n`);
    } catch (error) {
      io.stderr(
        `could not revoke the OAuth tokens at ${server}: ${(error as Error).message}\n` +
          `the access token stays valid until ${stored.expires_at ?? "it expires"}` +
          `${stored.refresh_token ? "; the refresh token until the login's session ends" : ""}\n`,
      );
    }
  }
  const removed = await store.remove(server);
  io.stderr(removed ? `logged out of ${server}\n` : `no credentials were stored for ${server}\n`);
}
