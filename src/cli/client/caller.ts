/** Who a key or token is: `GET /auth_info` read for the login messages. */
import { createApiClient } from "./api-client.ts";

/** What `GET /auth_info` answers, as far as login reads it. */
export interface AuthInfo {
  api_key?: {
    api_key?: { id?: string; rights?: string[] };
    entity_ids?: Record<string, Record<string, unknown>>;
  };
  oauth_access_token?: { user_ids?: { user_id?: string } };
  is_admin?: boolean;
}

/**
 * Who `token` is on `server` (`GET /auth_info`, which also proves it works): `user admin`,
 * `application my-app`, with ` (admin)` for an admin.
 */
export async function describeCaller(server: string, token: string): Promise<string | undefined> {
  const { json } = await createApiClient({ server, token }).call<AuthInfo>("GET", "/auth_info");
  const owner = describeOwner(json);
  return owner && json.is_admin ? `${owner} (admin)` : owner;
}

/** `user admin`, `application my-app`, ... from the key's or token's identifiers. */
export function describeOwner(info: AuthInfo): string | undefined {
  const user = info.oauth_access_token?.user_ids?.user_id;
  if (typeof user === "string") return `user ${user}`;
  const ids = info.api_key?.entity_ids;
  if (!ids) return undefined;
  for (const [field, value] of Object.entries(ids)) {
    const kind = field.replace(/_ids$/, "");
    const id = value?.[`${kind === "device" ? "device" : kind}_id`];
    if (typeof id === "string") return `${kind} ${id}`;
  }
  return undefined;
}
