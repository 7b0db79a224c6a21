import { errServer } from "../errors.ts";
import { type ApiClient, createApiClient } from "./api-client.ts";
import { CredentialsStore, credentialsPath } from "./credentials.ts";
import { errNoCredentials } from "./errors.ts";
import { bearerToken } from "./oauth-session.ts";

/** The server when neither `--server` nor `LORASTACK_SERVER` names one. */
export const defaultServer = "http://localhost:1885";

/** The options every client command has. */
export interface ClientOptions {
  server?: string;
  json?: boolean;
}

/**
 * The server URL from `--server`, else `LORASTACK_SERVER`, else the default, in the one form
 * credentials are stored under (`http://host:port`, no trailing slash). Not an http(s) URL:
 * a usage error.
 */
export function resolveServer(options: ClientOptions, env: NodeJS.ProcessEnv): string {
  const given = options.server ?? (env.LORASTACK_SERVER || defaultServer);
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw errServer.create({ value: given });
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.search || url.hash)
    throw errServer.create({ value: given });
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/** The credentials store of this user (`$XDG_CONFIG_HOME/lorastack/credentials.json`). */
export function credentialsStore(env: NodeJS.ProcessEnv): CredentialsStore {
  return new CredentialsStore(credentialsPath(env));
}

/**
 * The server and bearer token of the caller: `LORASTACK_API_KEY` when set, else what
 * `lorastack login` stored for that server (an OAuth access token renewed when it expired,
 * see oauth-session.ts); neither is `no_credentials`. For commands that talk to the server
 * other than through {@link authenticatedClient} (streams).
 */
export async function sessionCredentials(
  options: ClientOptions,
  env: NodeJS.ProcessEnv,
): Promise<{ server: string; token: string }> {
  const server = resolveServer(options, env);
  if (env.LORASTACK_API_KEY) return { server, token: env.LORASTACK_API_KEY };
  const store = credentialsStore(env);
  const stored = await store.get(server);
  if (!stored) throw errNoCredentials.create({ server });
  return { server, token: await bearerToken(store, server, stored) };
}

/** A client of the server with the caller's credentials ({@link sessionCredentials}). */
export async function authenticatedClient(
  options: ClientOptions,
  env: NodeJS.ProcessEnv,
): Promise<ApiClient> {
  return createApiClient(await sessionCredentials(options, env));
}
