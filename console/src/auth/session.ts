/**
 * The Console's OAuth 2.0 session: the authorization code flow with PKCE (S256) as the public
 * client `console`, tokens kept in sessionStorage (one browser tab, gone when it closes),
 * refreshed before they expire, revoked on logout.
 */

/** The OAuth client the Console signs in as (registered by first start and `is-db init`). */
export const clientId = "console";

const tokensKey = "lorastack-console-tokens";
const pendingKey = "lorastack-console-login";
/** A token is refreshed when it has less than this left. */
const refreshMarginMs = 60_000;

interface Tokens {
  accessToken: string;
  refreshToken?: string | undefined;
  idToken?: string | undefined;
  /** When the access token expires (ms since the epoch). */
  expiresAt: number;
}

interface PendingLogin {
  state: string;
  verifier: string;
  /** The Console path to go back to after signing in. */
  returnTo: string;
}

/** The OAuth server's URL: the `<meta name="oauth-issuer">` the server writes, else `/oauth` here. */
export function issuer(): string {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="oauth-issuer"]')?.content;
  const value = meta && URL.canParse(meta) ? meta : `${window.location.origin}/oauth`;
  return value.replace(/\/+$/, "");
}

/** Where the Console is served for the OAuth server: its redirect URIs are on the issuer's origin. */
export function consoleOrigin(): string {
  return new URL(issuer()).origin;
}

export function redirectUri(): string {
  return `${consoleOrigin()}/console/oauth/callback`;
}

function readJson<T>(key: string): T | undefined {
  try {
    const text = sessionStorage.getItem(key);
    return text ? (JSON.parse(text) as T) : undefined;
  } catch {
    return undefined;
  }
}

function storedTokens(): Tokens | undefined {
  const tokens = readJson<Tokens>(tokensKey);
  return tokens && typeof tokens.accessToken === "string" && typeof tokens.expiresAt === "number"
    ? tokens
    : undefined;
}

function storeTokens(tokens: Tokens | undefined): void {
  if (tokens) sessionStorage.setItem(tokensKey, JSON.stringify(tokens));
  else sessionStorage.removeItem(tokensKey);
}

/** Whether there is a session to use (maybe expired, then refreshed). */
export function hasSession(): boolean {
  return storedTokens() !== undefined;
}

function base64Url(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomString(bytes: number): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

/** The path under `/console` to come back to; anything else (another site) becomes `/`. */
function safeReturnPath(path: string): string {
  return path.startsWith("/") && !path.startsWith("//") && !path.startsWith("/oauth/") ? path : "/";
}

/** Leaves for the OAuth server's sign-in; comes back to `returnTo` (a Console path). */
export async function beginLogin(returnTo: string): Promise<never> {
  const verifier = randomString(48);
  const state = randomString(24);
  const pending: PendingLogin = { state, verifier, returnTo: safeReturnPath(returnTo) };
  sessionStorage.setItem(pendingKey, JSON.stringify(pending));
  const url = new URL(`${issuer()}/authorize`);
  url.search = new URLSearchParams({
    client_id: clientId,
    response_type: "code",
    redirect_uri: redirectUri(),
    scope: "openid profile email",
    state,
    code_challenge: await challengeOf(verifier),
    code_challenge_method: "S256",
  }).toString();
  window.location.assign(url.toString());
  // The page is being replaced; nothing after this runs.
  return new Promise<never>(() => {});
}

/** The token endpoint's answer as Tokens; throws with the server's description. */
async function tokenRequest(form: Record<string, string>): Promise<Tokens> {
  const response = await fetch(`${issuer()}/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: new URLSearchParams({ client_id: clientId, ...form }).toString(),
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok || typeof body.access_token !== "string") {
    const description =
      typeof body.error_description === "string" ? body.error_description : response.statusText;
    throw new Error(`The sign-in was refused: ${description || `status ${response.status}`}`);
  }
  const expiresIn = typeof body.expires_in === "number" ? body.expires_in : 3600;
  return {
    accessToken: body.access_token,
    refreshToken: typeof body.refresh_token === "string" ? body.refresh_token : undefined,
    idToken: typeof body.id_token === "string" ? body.id_token : undefined,
    expiresAt: Date.now() + expiresIn * 1000,
  };
}

/**
 * Completes the sign-in on `/console/oauth/callback`: checks the state, trades the code for
 * tokens and answers the Console path to go back to.
 */
export async function completeLogin(search: string): Promise<string> {
  const params = new URLSearchParams(search);
  const pending = readJson<PendingLogin>(pendingKey);
  sessionStorage.removeItem(pendingKey);
  const error = params.get("error");
  if (error) {
    throw new Error(`The sign-in failed: ${params.get("error_description") ?? error}`);
  }
  const code = params.get("code");
  if (!pending || !code || params.get("state") !== pending.state) {
    throw new Error("This sign-in link is not valid (any more). Sign in again.");
  }
  storeTokens(
    await tokenRequest({
      grant_type: "authorization_code",
      code,
      redirect_uri: redirectUri(),
      code_verifier: pending.verifier,
    }),
  );
  return safeReturnPath(pending.returnTo);
}

let refreshing: Promise<string> | undefined;

/** Trades the refresh token for new tokens (once at a time); no session: sign in again. */
function refresh(): Promise<string> {
  refreshing ??= (async () => {
    try {
      const tokens = storedTokens();
      if (!tokens?.refreshToken) return await signInAgain();
      try {
        const fresh = await tokenRequest({
          grant_type: "refresh_token",
          refresh_token: tokens.refreshToken,
        });
        storeTokens({
          ...fresh,
          refreshToken: fresh.refreshToken ?? tokens.refreshToken,
          idToken: fresh.idToken ?? tokens.idToken,
        });
        scheduleRefresh();
        return fresh.accessToken;
      } catch {
        return await signInAgain();
      }
    } finally {
      refreshing = undefined;
    }
  })();
  return refreshing;
}

function currentConsolePath(): string {
  const { pathname, search, hash } = window.location;
  return `${pathname.replace(/^\/console/, "") || "/"}${search}${hash}`;
}

function signInAgain(): Promise<never> {
  storeTokens(undefined);
  return beginLogin(currentConsolePath());
}

/** A valid access token, refreshed first when it is about to expire. */
export async function accessToken(): Promise<string> {
  const tokens = storedTokens();
  if (!tokens) return signInAgain();
  if (tokens.expiresAt - Date.now() < refreshMarginMs) return refresh();
  return tokens.accessToken;
}

/** The server refused the token in use: a fresh one (or a new sign-in). */
export function tokenRejected(): Promise<string> {
  return refresh();
}

let refreshTimer: ReturnType<typeof setTimeout> | undefined;

/** Refreshes the tokens ahead of their expiry while the Console is open. */
export function scheduleRefresh(): void {
  clearTimeout(refreshTimer);
  const tokens = storedTokens();
  if (!tokens?.refreshToken) return;
  const delay = Math.max(5_000, tokens.expiresAt - Date.now() - refreshMarginMs);
  refreshTimer = setTimeout(() => void refresh().catch(() => {}), Math.min(delay, 2 ** 31 - 1));
}

async function revoke(token: string, hint: string): Promise<void> {
  await fetch(`${issuer()}/token/revocation`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ client_id: clientId, token, token_type_hint: hint }).toString(),
  }).catch(() => undefined);
}

/**
 * Signs out: revokes the tokens, forgets them and ends the session at the OAuth server
 * (its sign-out page), which comes back to the Console.
 */
export async function logout(): Promise<void> {
  clearTimeout(refreshTimer);
  const tokens = storedTokens();
  storeTokens(undefined);
  if (tokens?.refreshToken) await revoke(tokens.refreshToken, "refresh_token");
  if (tokens) await revoke(tokens.accessToken, "access_token");
  const url = new URL(`${issuer()}/logout`);
  url.search = new URLSearchParams({
    client_id: clientId,
    post_logout_redirect_uri: `${consoleOrigin()}/console`,
    ...(tokens?.idToken ? { id_token_hint: tokens.idToken } : {}),
  }).toString();
  window.location.assign(url.toString());
}
