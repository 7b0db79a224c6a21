import { startCallbackServer } from "../client/callback-server.ts";
import { describeCaller } from "../client/caller.ts";
import type { OAuthCredential } from "../client/credentials.ts";
import { errNoAuthorization } from "../client/errors.ts";
import {
  authorizationUrl,
  cliClientId,
  discoverOAuthServer,
  type OAuthServerMetadata,
  oauthCredential,
  pkcePair,
  randomState,
  requestTokens,
} from "../client/oauth.ts";
import { openBrowser } from "../client/open-browser.ts";
import { credentialsStore, resolveServer } from "../client/session.ts";
import { errServer } from "../errors.ts";
import type { CommandIO } from "../io.ts";

/** What `lorastack login` takes for OAuth. */
export interface OAuthLoginFlags {
  server?: string;
  /** The OAuth server's URL; default `<server>/oauth`. */
  oauthServerAddress?: string;
  /** Wait for the browser on a local callback (default), else read the pasted code. */
  callback: boolean;
  /** Start the browser (default); the URL is printed either way. */
  browser: boolean;
}

/** How long the local callback waits for the browser (an authorization code lasts 5). */
const callbackTimeoutMs = 10 * 60_000;

/**
 * `lorastack login` without `--api-key`: OAuth 2.0 authorization code with PKCE as the public
 * client `cli`, as ttn-lw-cli. With the local callback (default) the browser comes back to
 * the CLI's own server on a free 127.0.0.1 port; with `--callback=false` the OAuth server shows
 * the code on its `code` page and the user pastes it. The tokens are stored for the server
 * (`kind: "oauth"`) and renewed when they expire (oauth-session.ts).
 */
export async function oauthLogin(flags: OAuthLoginFlags, io: CommandIO): Promise<void> {
  const server = resolveServer(flags, io.env);
  const address = flags.oauthServerAddress ?? `${server}/oauth`;
  if (!URL.canParse(address) || !/^https?:$/.test(new URL(address).protocol))
    throw errServer.create({ value: address });
  const metadata = await discoverOAuthServer(address);
  const { verifier, challenge } = pkcePair();
  const state = randomState();
  const exchange = async (code: string, redirectUri: string): Promise<OAuthCredential> => {
    const now = new Date();
    const answer = await requestTokens(metadata.token_endpoint, {
      grant_type: "authorization_code",
      code,
      redirect_uri: redirectUri,
      client_id: cliClientId,
      code_verifier: verifier,
    });
    return oauthCredential(answer, { clientId: cliClientId, server: metadata, now });
  };

  let credential: OAuthCredential;
  if (flags.callback) {
    let redirectUri = "";
    const callback = await startCallbackServer<OAuthCredential>({
      state,
      exchange: (code) => exchange(code, redirectUri),
      timeoutMs: callbackTimeoutMs,
    });
    redirectUri = callback.redirectUri;
    try {
      const url = link(metadata, redirectUri, challenge, state);
      io.stderr(`Open this URL in a browser to log in to ${server}:\n\n  ${url}\n\n`);
      if (flags.browser && !(await openBrowser(url, io.env)))
        io.stderr("Could not start a browser: open the URL yourself.\n");
      io.stderr("Waiting for the authorization in the browser...\n");
      credential = await callback.done;
    } finally {
      await callback.close();
    }
  } else {
    const redirectUri = `${metadata.issuer}/code`;
    const url = link(metadata, redirectUri, challenge, state);
    io.stderr(
      `Open this URL in a browser on any machine to log in to ${server}:\n\n  ${url}\n\n` +
        "then paste the authorization code it shows here and press Enter.\n",
    );
    credential = await exchange(await pastedCode(io), redirectUri);
  }

  const owner = await describeCaller(server, credential.token);
  const stored = owner ? { ...credential, owner } : credential;
  const store = credentialsStore(io.env);
  await store.set(server, stored);
  io.stderr(
    `logged in to ${server} as ${owner ?? "an unknown user"} with OAuth client ${cliClientId}` +
      `${credential.expires_at ? ` (the access token is renewed after ${credential.expires_at})` : ""}` +
      `; stored in ${store.path}\n`,
  );
}

function link(
  metadata: OAuthServerMetadata,
  redirectUri: string,
  challenge: string,
  state: string,
): string {
  return authorizationUrl(metadata, { clientId: cliClientId, redirectUri, challenge, state });
}

/** The first non-empty line of stdin, trimmed: the code the `code` page showed. */
async function pastedCode(io: CommandIO): Promise<string> {
  const lines = io.readLines?.();
  if (lines) {
    io.stderr("> ");
    for await (const line of lines) {
      const code = line.trim();
      if (code) return code;
      io.stderr("> ");
    }
  }
  throw errNoAuthorization.create({ reason: "stdin ended before an authorization code" });
}
