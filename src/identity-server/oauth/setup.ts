import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { ComponentContext } from "../components/index.ts";
import { type Config, parseListenAddress } from "../config/index.ts";
import type { DatabaseSchema } from "../storage/index.ts";
import { createOAuthProvider, mountOAuth, oauthAccessTokenVerifier } from "./oauth/index.ts";
import type { ServiceContext } from "./services/context.ts";

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

/** `oauth.issuer`, or `http://localhost:<http port>/oauth` for a stack on its defaults. */
export function oauthIssuer(config: Config): string {
  if (config.oauth.issuer) return config.oauth.issuer;
  const port = parseListenAddress(config.http.listen)?.port || 1885;
  return `http://localhost:${port}/oauth`;
}

function issuerOf(context: ComponentContext): string {
  return oauthIssuer(context.config);
}

/**
 * Starts the OAuth 2.0 / OpenID Connect server under `/oauth` on the HTTP port and lets the
 * API accept its access tokens.
 */
export async function setUpOAuth(
  context: ComponentContext,
  services: ServiceContext,
): Promise<void> {
  const db = context.database.db;
  const cookieKeys =
    context.config.oauth.cookie_keys.length > 0
      ? context.config.oauth.cookie_keys
      : [await storedCookieKey(db)];
  const provider = await createOAuthProvider({
    issuer: issuerOf(context),
    stores: services.stores,
    database: db,
    cookieKeys,
  });
  mountOAuth(context.http, provider, new URL(issuerOf(context)).pathname.replace(/\/+$/, ""));
  services.lookup.accessToken = oauthAccessTokenVerifier(provider);
}
