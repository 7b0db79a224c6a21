import { createApiClient } from "../client/api-client.ts";
import { credentialsStore, resolveServer } from "../client/session.ts";
import { errLoginMethod } from "../errors.ts";
import type { CommandIO } from "../io.ts";

/** What `GET /auth_info` answers, as far as login reads it. */
interface AuthInfo {
  api_key?: {
    api_key?: { id?: string; rights?: string[] };
    entity_ids?: Record<string, Record<string, unknown>>;
  };
  is_admin?: boolean;
}

/**
 * `lorastack login --api-key <key|->`: asks the server whose key it is (`GET /auth_info`),
 * which also proves the key works, then stores it for that server. A refused key stores
 * nothing and exits 1 with the API's error.
 */
export async function login(
  flags: { server?: string; apiKey?: string },
  io: CommandIO,
): Promise<void> {
  const server = resolveServer(flags, io.env);
  if (flags.apiKey === undefined) throw errLoginMethod.create();
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

/** `user admin`, `application my-app`, ... from the key's entity identifiers. */
function describeOwner(info: AuthInfo): string | undefined {
  const ids = info.api_key?.entity_ids;
  if (!ids) return undefined;
  for (const [field, value] of Object.entries(ids)) {
    const kind = field.replace(/_ids$/, "");
    const id = value?.[`${kind === "device" ? "device" : kind}_id`];
    if (typeof id === "string") return `${kind} ${id}`;
  }
  return undefined;
}

/** `lorastack logout`: removes the server's entry. */
export async function logout(flags: { server?: string }, io: CommandIO): Promise<void> {
  const server = resolveServer(flags, io.env);
  const removed = await credentialsStore(io.env).remove(server);
  io.stderr(removed ? `logged out of ${server}\n` : `no credentials were stored for ${server}\n`);
}
