import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { Kysely } from "kysely";
import type { Registry } from "prom-client";
import type { DatabaseSchema } from "../../storage/index.ts";
import type { IdentityStores } from "../store/index.ts";
import type { OAuthLimiterState, OAuthLimits } from "./limits/index.ts";
import { mountOAuth } from "./mount.ts";
import { createOAuthProvider, oauthContext } from "./provider.ts";
import { startOAuthSweeper } from "./sweeper.ts";
import { oauthAccessTokenVerifier, type VerifiedAccessToken } from "./verifier.ts";

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
  /** Whether the sign-in page takes one-time login tokens (`login_tokens.enabled`). */
  loginTokens?: boolean;
  /** The issuer URL (`oauth.issuer` or its default). */
  issuer: string;
  /** `oauth.cookie_keys`; when empty, one key kept in the database. */
  cookieKeys: readonly string[];
  /** `oauth.limits` (see `limitsFromSettings`); default `defaultOAuthLimits`. */
  limits?: OAuthLimits;
  /** Where limiter state is kept; default process memory (a cluster passes a shared one). */
  limiterState?: OAuthLimiterState;
  /** `oauth.sweep_interval`: time between sweeps of expired artifacts, in milliseconds. */
  sweepIntervalMs?: number;
  metrics?: Registry;
  logger?: OAuthLogger;
}

/** What the OAuth server logs. */
export interface OAuthLogger {
  error(object: object, message: string): void;
  debug(object: object, message: string): void;
}

/** The OAuth server, running. */
export interface OAuthServer {
  /** Verifies the access tokens it issued, for the API's bearer authentication. */
  verifyAccessToken(token: string): Promise<VerifiedAccessToken | undefined>;
  /** Stops its background work (the sweeper); the routes stay with the HTTP app. */
  stop(): Promise<void>;
}

/**
 * Starts the OAuth 2.0 / OpenID Connect server under the issuer's path on the HTTP port, and
 * the sweeper of expired artifacts.
 */
export async function setUpOAuth(setup: OAuthSetup): Promise<OAuthServer> {
  const cookieKeys =
    setup.cookieKeys.length > 0 ? setup.cookieKeys : [await storedCookieKey(setup.db)];
  const provider = await createOAuthProvider({
    issuer: setup.issuer,
    stores: {
      users: setup.stores.users,
      clients: setup.stores.clients,
      loginTokens: setup.loginTokens ? setup.stores.loginTokens : undefined,
    },
    database: setup.db,
    cookieKeys,
    limits: setup.limits,
    limiterState: setup.limiterState,
    metrics: setup.metrics,
    logger: setup.logger,
  });
  mountOAuth(setup.http, provider, new URL(setup.issuer).pathname.replace(/\/+$/, ""));
  const context = oauthContext(provider);
  const sweeper = startOAuthSweeper({
    db: setup.db,
    intervalMs: setup.sweepIntervalMs ?? defaultSweepIntervalMs,
    interactions: context.interactions,
    now: context.now,
    onSwept(count) {
      context.metrics.swept(count);
      if (count > 0) setup.logger?.debug({ count }, "swept expired OAuth artifacts");
    },
    onError: (error) => setup.logger?.error({ err: error }, "sweeping OAuth artifacts failed"),
  });
  return { verifyAccessToken: oauthAccessTokenVerifier(provider), stop: () => sweeper.stop() };
}

/** Five minutes: expired rows stay at most that long (they are ignored meanwhile). */
export const defaultSweepIntervalMs = 5 * 60_000;
