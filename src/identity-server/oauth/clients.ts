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
 * Redirect URIs that are not absolute URLs (The Things Stack allows relative ones for the
 * Console) are left out: oidc-provider only accepts absolute ones.
 */
export function clientMetadata(client: Client): Record<string, unknown> | undefined {
  const grants = [
    ...new Set((client.grants ?? []).map((grant) => grantTypes[grant]).filter(isString)),
  ];
  if (!grants.includes("authorization_code")) return undefined;
  const redirectUris = (client.redirectUris ?? []).filter(isAbsoluteUrl);
  if (redirectUris.length === 0) return undefined;
  return {
    client_id: client.clientId,
    ...(client.secret
      ? { client_secret: client.secret, token_endpoint_auth_method: "client_secret_basic" }
      : { token_endpoint_auth_method: "none" }),
    ...(client.name ? { client_name: client.name } : {}),
    redirect_uris: redirectUris,
    post_logout_redirect_uris: (client.logoutRedirectUris ?? []).filter(isAbsoluteUrl),
    grant_types: grants,
    response_types: ["code"],
    skip_authorization: client.skipAuthorization === true,
  };
}

/** oidc-provider's Client adapter: clients are read from our registry, never written. */
export class ClientAdapter {
  readonly #clients: ClientStore;

  constructor(clients: ClientStore) {
    this.#clients = clients;
  }

  async find(id: string): Promise<Record<string, unknown> | undefined> {
    const client = await approvedClient(this.#clients, id);
    return client ? clientMetadata(client) : undefined;
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

function isAbsoluteUrl(uri: string): boolean {
  return URL.canParse(uri);
}
