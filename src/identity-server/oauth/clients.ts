import type { Client, ClientStore } from "../store/index.ts";
import { errNotFound } from "../store/index.ts";

/** The grants of our clients and their OAuth names; `GRANT_PASSWORD` is not supported. */
const grantTypes: Record<string, string> = {
  GRANT_AUTHORIZATION_CODE: "authorization_code",
  GRANT_REFRESH_TOKEN: "refresh_token",
};

/** The approved client, or `undefined` when it is missing, deleted or not approved. */
export async function approvedClient(
  clients: ClientStore,
  clientId: string,
): Promise<Client | undefined> {
  if (typeof clientId !== "string" || clientId === "") return undefined;
  try {
    const client = await clients.get(clientId);
    return client.state === "STATE_APPROVED" ? client : undefined;
  } catch (error) {
    if (errNotFound.matches(error)) return undefined;
    throw error;
  }
}

/**
 * oidc-provider's metadata of a stored client, or `undefined` when it cannot use the
 * authorization code flow.
 *
 * Client authentication: a client with a secret is confidential (`client_secret_basic`, and
 * `client_secret_post` is accepted too); `client_secret` carries the stored *hash* and
 * provider.ts replaces oidc-provider's plain comparison by a password-hash
 * verification against it. A client without a secret is public (`none`), like a CLI; PKCE
 * (S256) is required of every client either way.
 *
 * Redirect URIs: The Things Stack's relative ones of its CLI client (`local-callback`, `code`)
 * are resolved by {@link resolveRedirectUri}; other relative ones (The Things Stack allows them
 * for the Console) are left out: oidc-provider only accepts absolute ones.
 */
export function clientMetadata(
  client: Client,
  issuer: string,
): Record<string, unknown> | undefined {
  const grants = [
    ...new Set((client.grants ?? []).map((grant) => grantTypes[grant]).filter(isString)),
  ];
  if (!grants.includes("authorization_code")) return undefined;
  const redirectUris = [
    ...new Set((client.redirectUris ?? []).map((uri) => resolveRedirectUri(uri, issuer))),
  ].filter(isString);
  if (redirectUris.length === 0) return undefined;
  return {
    client_id: client.clientId,
    ...(client.secret
      ? { client_secret: client.secret, token_endpoint_auth_method: "client_secret_basic" }
      : { token_endpoint_auth_method: "none" }),
    ...(client.name ? { client_name: client.name } : {}),
    redirect_uris: redirectUris,
    post_logout_redirect_uris: (client.logoutRedirectUris ?? []).filter((uri) => URL.canParse(uri)),
    grant_types: grants,
    response_types: ["code"],
    skip_authorization: client.skipAuthorization === true,
  };
}

/** oidc-provider's Client adapter: clients are read from our registry, never written. */
export class ClientAdapter {
  readonly #clients: ClientStore;
  readonly #issuer: string;

  /** `issuer`: the OAuth server's URL without trailing slash, for relative redirect URIs. */
  constructor(clients: ClientStore, issuer: string) {
    this.#clients = clients;
    this.#issuer = issuer;
  }

  async find(id: string): Promise<Record<string, unknown> | undefined> {
    const client = await approvedClient(this.#clients, id);
    return client ? clientMetadata(client, this.#issuer) : undefined;
  }

  async upsert(): Promise<void> {
    throw new Error("OAuth clients are managed by the Identity Server registry");
  }

  async destroy(): Promise<void> {
    throw new Error("OAuth clients are managed by the Identity Server registry");
  }

  async findByUid(): Promise<undefined> {
    return undefined;
  }

  async findByUserCode(): Promise<undefined> {
    return undefined;
  }

  async consume(): Promise<void> {}

  async revokeByGrantId(): Promise<void> {}
}

function isString(value: string | undefined): value is string {
  return typeof value === "string";
}

/**
 * The loopback redirect URI that The Things Stack's `local-callback` stands for: the CLI's own
 * HTTP server on 127.0.0.1, on whichever port it got (see {@link loopbackRedirectAllowed}).
 */
export const loopbackCallback = "http://127.0.0.1/oauth/callback";

/**
 * The relative redirect URIs of The Things Stack's CLI client (`is-db create-oauth-client
 * --redirect-uri local-callback --redirect-uri code`) and what they stand for. `code` is the
 * page of the OAuth server that shows the authorization code to copy into a headless CLI.
 */
const relativeRedirects: Record<string, (issuer: string) => string> = {
  "local-callback": () => loopbackCallback,
  code: (issuer) => `${issuer}/code`,
};

/** The absolute redirect URI a stored one stands for; `undefined` when it has none. */
export function resolveRedirectUri(uri: string, issuer: string): string | undefined {
  const relative = relativeRedirects[uri];
  if (relative) return relative(issuer.replace(/\/+$/, ""));
  return URL.canParse(uri) ? uri : undefined;
}

const loopbackHosts = new Set(["127.0.0.1", "[::1]"]);

/**
 * RFC 8252 §7.3: a registered redirect URI on a loopback IP address without a port admits the
 * same URI on any port, because a native app's local server takes whichever port is free.
 * (oidc-provider applies this to `native` clients only, whose other redirect URIs may not be
 * plain HTTP on a public host, which the `code` page of an HTTP stack is.)
 */
export function loopbackRedirectAllowed(value: string, registered: readonly string[]): boolean {
  const url = URL.parse(value);
  if (url?.protocol !== "http:" || !loopbackHosts.has(url.hostname) || url.port === "")
    return false;
  if (url.username || url.password || url.hash) return false;
  url.port = "";
  return registered.some((uri) => {
    const allowed = URL.parse(uri);
    return (
      allowed !== null &&
      allowed.protocol === "http:" &&
      loopbackHosts.has(allowed.hostname) &&
      allowed.port === "" &&
      allowed.href === url.href
    );
  });
}
