import { createHash, randomBytes } from "node:crypto";
import type { OAuthCredential } from "./credentials.ts";
import { errOAuthRefused, errOAuthServer, errUnreachable } from "./errors.ts";

/** The OAuth client the CLI signs in with: `is-db init` registers it, as The Things Stack's. */
export const cliClientId = "cli";

/** What the CLI reads of the OAuth server's discovery document. */
export interface OAuthServerMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  revocation_endpoint?: string;
}

/** A token endpoint's answer (RFC 6749 5.1), as far as the CLI uses it. */
export interface TokenAnswer {
  access_token: string;
  refresh_token?: string;
  /** Seconds. */
  expires_in?: number;
}

/**
 * The discovery document at `<address>/.well-known/openid-configuration`, where `address` is
 * the OAuth server's URL (`<server>/oauth` by default). Endpoints that are not http(s) URLs
 * are refused: the CLI would send codes and tokens there.
 */
export async function discoverOAuthServer(
  address: string,
  doFetch: typeof fetch = fetch,
): Promise<OAuthServerMetadata> {
  const url = `${address.replace(/\/+$/, "")}/.well-known/openid-configuration`;
  const response = await reach(address, () =>
    doFetch(url, { headers: { accept: "application/json" } }),
  );
  const json = parseJson(await response.text()) as Record<string, unknown> | undefined;
  if (!response.ok || !json)
    throw errOAuthServer.create({ url, reason: `HTTP ${response.status}, no discovery document` });
  for (const field of ["issuer", "authorization_endpoint", "token_endpoint"] as const) {
    if (!isHttpUrl(json[field]))
      throw errOAuthServer.create({ url, reason: `no http(s) URL in ${field}` });
  }
  const revocation = json.revocation_endpoint;
  return {
    issuer: String(json.issuer).replace(/\/+$/, ""),
    authorization_endpoint: String(json.authorization_endpoint),
    token_endpoint: String(json.token_endpoint),
    ...(isHttpUrl(revocation) ? { revocation_endpoint: revocation } : {}),
  };
}

/** A PKCE verifier and its S256 challenge (RFC 7636). */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/** A random `state`, to recognize the browser's return to the local callback. */
export function randomState(): string {
  return randomBytes(16).toString("base64url");
}

/** The URL the user opens to sign in and authorize the CLI. */
export function authorizationUrl(
  server: OAuthServerMetadata,
  request: { clientId: string; redirectUri: string; challenge: string; state: string },
): string {
  const url = new URL(server.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: request.clientId,
    response_type: "code",
    redirect_uri: request.redirectUri,
    scope: "openid",
    code_challenge: request.challenge,
    code_challenge_method: "S256",
    state: request.state,
  }).toString();
  return url.href;
}

/**
 * Posts a token request (authorization code or refresh token grant) as a public client. An
 * OAuth error answer becomes `oauth_refused` with its `error` (RFC 6749 5.2), which a rate
 * limit of our server writes as The Things Stack's error JSON instead.
 */
export async function requestTokens(
  tokenEndpoint: string,
  form: Record<string, string>,
  doFetch: typeof fetch = fetch,
): Promise<TokenAnswer> {
  const response = await reach(tokenEndpoint, () =>
    doFetch(tokenEndpoint, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
      },
      body: new URLSearchParams(form).toString(),
    }),
  );
  const json = parseJson(await response.text()) as Record<string, unknown> | undefined;
  if (!response.ok) throw refusal(response.status, json);
  if (typeof json?.access_token !== "string" || json.access_token === "")
    throw errOAuthServer.create({ url: tokenEndpoint, reason: "no access_token in the answer" });
  return {
    access_token: json.access_token,
    ...(typeof json.refresh_token === "string" ? { refresh_token: json.refresh_token } : {}),
    ...(typeof json.expires_in === "number" && Number.isFinite(json.expires_in)
      ? { expires_in: json.expires_in }
      : {}),
  };
}

/** Revokes a token (RFC 7009); a refresh token takes its whole grant along on our server. */
export async function revokeToken(
  revocationEndpoint: string,
  form: { token: string; token_type_hint: "access_token" | "refresh_token"; client_id: string },
  doFetch: typeof fetch = fetch,
): Promise<void> {
  const response = await reach(revocationEndpoint, () =>
    doFetch(revocationEndpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
    }),
  );
  const text = await response.text();
  if (!response.ok) throw refusal(response.status, parseJson(text) as Record<string, unknown>);
}

/** The stored credential of a token answer. */
export function oauthCredential(
  answer: TokenAnswer,
  context: {
    clientId: string;
    server: Pick<OAuthServerMetadata, "token_endpoint" | "revocation_endpoint">;
    owner?: string;
    now: Date;
    previous?: OAuthCredential;
  },
): OAuthCredential {
  const refresh = answer.refresh_token ?? context.previous?.refresh_token;
  const revocation = context.server.revocation_endpoint;
  const owner = context.owner ?? context.previous?.owner;
  return {
    kind: "oauth",
    token: answer.access_token,
    ...(refresh ? { refresh_token: refresh } : {}),
    ...(answer.expires_in === undefined
      ? {}
      : { expires_at: new Date(context.now.getTime() + answer.expires_in * 1000).toISOString() }),
    client_id: context.clientId,
    token_endpoint: context.server.token_endpoint,
    ...(revocation ? { revocation_endpoint: revocation } : {}),
    ...(owner ? { owner } : {}),
    saved_at: context.previous?.saved_at ?? context.now.toISOString(),
  };
}

function refusal(status: number, json: Record<string, unknown> | undefined) {
  if (typeof json?.error === "string")
    return errOAuthRefused.create({
      error: json.error,
      description: String(json.error_description ?? `HTTP ${status}`),
      oauth_error: json.error,
    });
  return errOAuthRefused.create({
    error: `HTTP ${status}`,
    description: typeof json?.message === "string" ? json.message : "no OAuth error",
  });
}

/** The fetch's answer; no connection is `server_unreachable`. */
async function reach(address: string, call: () => Promise<Response>): Promise<Response> {
  try {
    return await call();
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw errUnreachable.create(
      { server: address, reason: cause?.code ?? cause?.message ?? String(error) },
      error,
    );
  }
}

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== "string") return false;
  const url = URL.parse(value);
  return url !== null && (url.protocol === "http:" || url.protocol === "https:");
}

function parseJson(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}
