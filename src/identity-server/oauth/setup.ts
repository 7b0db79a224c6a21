import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../../storage/index.ts";
import type { IdentityStores } from "../store/index.ts";
import { mountOAuth } from "./mount.ts";
import { createOAuthProvider } from "./provider.ts";
import { oauthAccessTokenVerifier } from "./verifier.ts";

const cookieKeyMetadata = "oauth_cookie_key";

/**
 * The cookie key when none is configured: made once and kept in the database, so sessions
 * survive restarts and every instance of a cluster signs alike.
 */
async function storedCookieKey(db: Kysely<DatabaseSchema>): Promise<string> {
  await db
    .insertInto("metadata")
    .values({
      key: cookieKeyMetadata,
      value: randomBytes(32).toString("base64url"),
      updated_at: new Date().toISOString(),
    })
    .onConflict((conflict) => conflict.column("key").doNothing())
    .execute();
  const row = await db
    .selectFrom("metadata")
    .select("value")
    .where("key", "=", cookieKeyMetadata)
    .executeTakeFirstOrThrow();
  return row.value;
}

/** What the OAuth server needs from the Identity Server. */
export interface OAuthSetup {
  /** The HTTP app the server is mounted on (under the issuer's path). */
  http: FastifyInstance;
  db: Kysely<DatabaseSchema>;
  stores: IdentityStores;
  /** The issuer URL (`oauth.issuer` or its default). */
  issuer: string;
  /** `oauth.cookie_keys`; when empty, one key kept in the database. */
  cookieKeys: readonly string[];
}

/**
 * Starts the OAuth 2.0 / OpenID Connect server under the issuer's path on the HTTP port.
 * Returns the verifier of its access tokens, for the API's authentication.
 */
export async function setUpOAuth(setup: OAuthSetup) {
  const cookieKeys =
    setup.cookieKeys.length > 0 ? setup.cookieKeys : [await storedCookieKey(setup.db)];
  const provider = await createOAuthProvider({
    issuer: setup.issuer,
    stores: setup.stores,
    database: setup.db,
    cookieKeys,
  });
  mountOAuth(setup.http, provider, new URL(setup.issuer).pathname.replace(/\/+$/, ""));
  return oauthAccessTokenVerifier(provider);
}
