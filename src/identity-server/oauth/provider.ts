import { generateKeyPair, randomUUID } from "node:crypto";
import { promisify } from "node:util";
import type { Kysely } from "kysely";
import Provider, { type KoaContext } from "oidc-provider";
import type { Registry } from "prom-client";
import type { DatabaseSchema } from "../../storage/schema.ts";
import { upgradedPasswordHash, verifyPassword } from "../passwords/index.ts";
import type { ClientStore, LoginTokenStore, UserStore } from "../store/index.ts";
import { activeUser, userClaims } from "./accounts.ts";
import { DatabaseAdapter } from "./adapter.ts";
import { ClientAdapter, loopbackRedirectAllowed } from "./clients.ts";
import { endpointLimits } from "./endpoint-limits.ts";
import { InteractionBounds } from "./interactions.ts";
import {
  defaultOAuthLimits,
  memoryLimiterState,
  OAuthGuard,
  type OAuthLimiterState,
  type OAuthLimits,
} from "./limits/index.ts";
import { type OAuthMetrics, oauthMetrics } from "./metrics.ts";
import { errorPage, loggedOutPage, logoutPage, pageHeaders } from "./pages.ts";
import { oauthRequests } from "./request-context.ts";

export interface OAuthProviderOptions {
  /**
   * The issuer: the public URL under which the OAuth server is mounted, e.g.
   * `https://lorastack.example.com/oauth`. Its path must be the prefix given to `mountOAuth`;
   * discovery is then at `<issuer>/.well-known/openid-configuration`.
   */
  issuer: string;
  /** With `loginTokens`, the sign-in page also takes one-time login tokens. */
  stores: OAuthStores;
  /** The migrated database (table `oauth_artifacts`). */
  database: Kysely<DatabaseSchema>;
  /** Keys that sign the session and interaction cookies; the first signs, all verify. */
  cookieKeys: readonly string[];
  /**
   * Private JWKs that sign ID tokens (at least one RS256 key). Default: one RSA key made on
   * first start and kept in the database, so every instance of a cluster shares it.
   */
  jwks?: { keys: Record<string, unknown>[] };
  /** Lifetimes in seconds. */
  ttl?: Partial<OAuthTtl>;
  /** Where to report server errors of the OAuth endpoints. */
  logger?: { error(object: object, message: string): void };
  /** Rate limits, locks and interaction bounds; default {@link defaultOAuthLimits}. */
  limits?: OAuthLimits;
  /**
   * Where limiter state is kept; default in process memory. Instances of a cluster pass one
   * shared implementation (Redis) so that limits hold whichever instance a request reaches.
   */
  limiterState?: OAuthLimiterState;
  /** Where refusals, sweeps and dropped interactions are counted. */
  metrics?: Registry;
  /** The clock (tests). */
  now?: () => Date;
}

/** The registries the OAuth server reads. */
export interface OAuthStores {
  users: UserStore;
  clients: ClientStore;
  loginTokens?: LoginTokenStore;
}

export interface OAuthTtl {
  accessToken: number;
  authorizationCode: number;
  refreshToken: number;
  session: number;
  interaction: number;
  grant: number;
}

/** Access tokens last an hour; refresh tokens and grants 30 days, as The Things Stack's. */
export const defaultOAuthTtl: OAuthTtl = {
  accessToken: 60 * 60,
  authorizationCode: 5 * 60,
  refreshToken: 30 * 24 * 60 * 60,
  session: 30 * 24 * 60 * 60,
  interaction: 60 * 60,
  grant: 30 * 24 * 60 * 60,
};

/** What the routes, the token verifier and the sweeper need besides the provider. */
export interface OAuthContext {
  stores: OAuthStores;
  database: Kysely<DatabaseSchema>;
  /** The issuer's path, without trailing slash: where the routes are mounted. */
  mountPath: string;
  /** Whether the issuer is HTTPS (cookies are then `Secure`). */
  secure: boolean;
  cookieKeys: readonly string[];
  guard: OAuthGuard;
  interactions: InteractionBounds;
  metrics: OAuthMetrics;
  now: () => Date;
}

const contexts = new WeakMap<Provider, OAuthContext>();

/** The context a provider was made with by {@link createOAuthProvider}. */
export function oauthContext(provider: Provider): OAuthContext {
  const context = contexts.get(provider);
  if (!context) throw new Error("the OAuth provider was not made by createOAuthProvider");
  return context;
}

/**
 * The OAuth 2.0 / OpenID Connect server (oidc-provider) for the Console and the CLI:
 * authorization code with PKCE (S256, required of every client) and refresh tokens; scopes
 * `openid`, `profile`, `email` and `offline_access`; opaque access tokens; everything stored
 * in the database through {@link DatabaseAdapter}; clients and accounts read from the
 * Identity Server's registries. Mount it with `mountOAuth`.
 */
export async function createOAuthProvider(options: OAuthProviderOptions): Promise<Provider> {
  const issuer = new URL(options.issuer);
  if (issuer.search || issuer.hash) throw new Error("the OAuth issuer has no query or fragment");
  if (options.cookieKeys.length === 0 || options.cookieKeys.some((key) => key.length < 16))
    throw new Error("the OAuth server needs cookie keys of at least 16 characters");
  const mountPath = issuer.pathname.replace(/\/+$/, "");
  const now = options.now ?? (() => new Date());
  const ttl = { ...defaultOAuthTtl, ...options.ttl };
  const { users, clients } = options.stores;
  const db = options.database;
  const clientAdapter = new ClientAdapter(clients, issuer.href.replace(/\/+$/, ""));
  const jwks = options.jwks ?? { keys: [await signingKey(db)] };
  const limits = options.limits ?? defaultOAuthLimits;
  const metrics = oauthMetrics(options.metrics);
  const guard = new OAuthGuard(
    options.limiterState ?? memoryLimiterState(() => now().getTime()),
    limits,
    metrics.refused,
  );
  const interactions = new InteractionBounds(
    db,
    { perAddress: limits.interactionsPerAddress, max: limits.interactionsMax },
    metrics.interactionsDropped,
  );
  const adapterOptions = {
    now,
    address: () => oauthRequests.getStore()?.address,
    interactions,
  };

  const provider = new Provider(issuer.href.replace(/\/+$/, ""), {
    adapter: (model: string) =>
      model === "Client" ? clientAdapter : new DatabaseAdapter(model, db, adapterOptions),
    jwks,
    async findAccount(_ctx: unknown, sub: string) {
      const user = await activeUser(users, sub);
      if (!user) return undefined;
      return { accountId: user.userId, claims: async () => userClaims(user) };
    },
    claims: {
      openid: ["sub"],
      profile: ["name", "preferred_username"],
      email: ["email", "email_verified"],
    },
    scopes: ["openid", "offline_access", "profile", "email"],
    responseTypes: ["code"],
    pkce: { required: () => true },
    clientAuthMethods: ["client_secret_basic", "client_secret_post", "none"],
    clientDefaults: {
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
      id_token_signed_response_alg: "RS256",
    },
    extraClientMetadata: { properties: ["skip_authorization"] },
    cookies: {
      keys: [...options.cookieKeys],
      long: { httpOnly: true, sameSite: "lax", signed: true },
      short: { httpOnly: true, sameSite: "lax", signed: true },
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx: KoaContext, form: string) {
          setPageHeaders(ctx);
          ctx.body = logoutPage(ctx.host, form);
        },
        async postLogoutSuccessSource(ctx: KoaContext) {
          setPageHeaders(ctx);
          ctx.body = loggedOutPage(ctx.oidc.client?.clientName ?? ctx.oidc.client?.clientId);
        },
      },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      resourceIndicators: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
    },
    routes: {
      authorization: "/authorize",
      token: "/token",
      end_session: "/logout",
      revocation: "/token/revocation",
      userinfo: "/userinfo",
      jwks: "/jwks",
    },
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string; prompt: { name: string } }) =>
        `${mountPath}/${interaction.prompt.name === "consent" ? "consent" : "login"}/${interaction.uid}`,
    },
    // First-party clients (`skip_authorization`, such as the Console) get what they ask for
    // without a consent page.
    async loadExistingGrant(ctx: KoaContext) {
      const { oidc } = ctx;
      const client = oidc.client;
      const accountId = oidc.account?.accountId;
      if (!client || !accountId) return undefined;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(client.clientId);
      let grant = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
      if (grant && grant.accountId !== accountId) grant = undefined;
      if (client.metadata().skip_authorization !== true) return grant;
      grant ??= new oidc.provider.Grant({ accountId, clientId: client.clientId });
      const scopes = [...oidc.requestParamOIDCScopes];
      if (scopes.length) grant.addOIDCScope(scopes.join(" "));
      await grant.save();
      return grant;
    },
    // The Console and the CLI get a refresh token without asking for `offline_access`, as
    // from The Things Stack. Tokens end with the sign-in session (a logout revokes them)
    // unless `offline_access` was granted (oidc-provider's default `expiresWithSession`).
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) =>
      client.grantTypeAllowed("refresh_token"),
    ttl: {
      AccessToken: ttl.accessToken,
      AuthorizationCode: ttl.authorizationCode,
      IdToken: ttl.accessToken,
      RefreshToken: ttl.refreshToken,
      Session: ttl.session,
      Interaction: ttl.interaction,
      Grant: ttl.grant,
    },
    async renderError(ctx: KoaContext, out: Record<string, unknown>) {
      setPageHeaders(ctx);
      ctx.body = errorPage("Something went wrong", out);
    },
  });

  // Stored client secrets are password hashes (argon2id; PBKDF2 from The Things Stack); oidc-provider
  // compares the presented secret with `client_secret` as plain text, so compare with the hash.
  // Secrets are checked under the client's rate limit and lock: a refused check fails without
  // hashing, and the request is answered 429 (see endpointLimits).
  provider.Client.prototype.compareClientSecret = async function compareClientSecret(
    this: { clientId: string; clientSecret?: string },
    actual: string,
  ) {
    const { clientSecret, clientId } = this;
    const result = await guard.clientSecret(clientId, async () =>
      clientSecret ? verifyPassword(actual, clientSecret) : false,
    );
    if ("matches" in result) {
      // A secret migrated from The Things Stack (PBKDF2) is stored as argon2id from now on.
      const upgraded =
        result.matches && clientSecret
          ? await upgradedPasswordHash(actual, clientSecret)
          : undefined;
      if (upgraded)
        await clients.update(clientId, (current) =>
          current.secret === clientSecret ? { secret: upgraded } : {},
        );
      return result.matches;
    }
    const request = oauthRequests.getStore();
    if (request) request.refusal = result.refusal;
    return false;
  };
  provider.use(endpointLimits(guard));

  // The CLI's local server listens on whichever loopback port is free (RFC 8252 §7.3).
  const redirectUriAllowed = provider.Client.prototype.redirectUriAllowed;
  provider.Client.prototype.redirectUriAllowed = function allowed(
    this: { redirectUris: string[] },
    value: string,
  ) {
    return (
      redirectUriAllowed.call(this, value) || loopbackRedirectAllowed(value, this.redirectUris)
    );
  };

  if (options.logger) {
    const logger = options.logger;
    provider.on("server_error", (_ctx, error) =>
      logger.error({ err: error }, "OAuth server error"),
    );
  }

  contexts.set(provider, {
    stores: options.stores,
    database: db,
    mountPath,
    secure: issuer.protocol === "https:",
    cookieKeys: [...options.cookieKeys],
    guard,
    interactions,
    metrics,
    now,
  });
  return provider;
}

function setPageHeaders(ctx: KoaContext & { set?: (name: string, value: string) => void }) {
  for (const [name, value] of Object.entries(pageHeaders)) ctx.set?.(name, value);
}

const signingKeyModel = "lorastack.SigningKey";

/** The ID token signing key kept in the database, made on first use. */
async function signingKey(db: Kysely<DatabaseSchema>): Promise<Record<string, unknown>> {
  const read = () =>
    db
      .selectFrom("oauth_artifacts")
      .select("payload")
      .where("model", "=", signingKeyModel)
      .where("id", "=", "default")
      .executeTakeFirst();
  let row = await read();
  if (!row) {
    const { privateKey } = await promisify(generateKeyPair)("rsa", { modulusLength: 2048 });
    const jwk = {
      ...privateKey.export({ format: "jwk" }),
      kid: randomUUID(),
      alg: "RS256",
      use: "sig",
    };
    // Instances starting together: the first insert wins and everyone reads it back.
    await db
      .insertInto("oauth_artifacts")
      .values({
        model: signingKeyModel,
        id: "default",
        payload: JSON.stringify(jwk),
        grant_id: null,
        user_code: null,
        uid: null,
        expires_at: null,
        consumed_at: null,
      })
      .onConflict((conflict) => conflict.columns(["model", "id"]).doNothing())
      .execute();
    row = await read();
  }
  if (!row) throw new Error("could not store the OAuth signing key");
  return JSON.parse(row.payload) as Record<string, unknown>;
}
