import type { IncomingMessage } from "node:http";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type Provider from "oidc-provider";
import type { InteractionDetails } from "oidc-provider";
import { secretTokenHash } from "../services/secret-tokens.ts";
import { accountName, activeUser, checkPassword } from "./accounts.ts";
import { approvedClient } from "./clients.ts";
import { type KnownDeviceOptions, knownDevice, knownDeviceCookie } from "./known-device.ts";
import { addressKey, type Refusal } from "./limits/index.ts";
import { authorizationCodePage, consentPage, errorPage, loginPage, pageHeaders } from "./pages.ts";
import { oauthContext } from "./provider.ts";
import { loginRefusalMessage, refusalHeaders } from "./refusal.ts";

/** Form fields are short; anything bigger is refused before it is parsed. */
const formBodyLimit = 16 * 1024;

/**
 * Serves `provider` under `prefix` (the issuer's path) on `app`:
 * - `GET|POST <prefix>/login/:uid`: the sign-in page of an interaction (user ID or email and
 *   password, or a one-time login token when the stores have them);
 * - `GET|POST <prefix>/consent/:uid`: the consent page (clients without `skip_authorization`);
 * - everything else under `<prefix>/` goes to oidc-provider: `/authorize`, `/token`,
 *   `/token/revocation`, `/userinfo`, `/jwks`, `/logout` (RP-initiated logout with its
 *   confirmation page) and `/.well-known/openid-configuration`;
 * - `GET <prefix>/code`: the page of the `code` redirect URI (The Things Stack's CLI client),
 *   which shows the authorization code, or the error, for the user to copy.
 *
 * CSRF: the interaction pages only act for the interaction whose signed, path-scoped,
 * SameSite=Lax cookie oidc-provider set, and the logout form carries oidc-provider's token.
 */
export function mountOAuth(app: FastifyInstance, provider: Provider, prefix = "/oauth"): void {
  const context = oauthContext(provider);
  const mount = prefix.replace(/\/+$/, "");
  if (mount !== context.mountPath)
    throw new Error(`the OAuth prefix ${prefix} is not the issuer's path ${context.mountPath}`);
  const callback = provider.callback();

  // oidc-provider (a Koa app) reads request bodies itself: leave them unread here.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", (_request, _payload, done) => done(null));
    const forward = (request: FastifyRequest, reply: FastifyReply) => {
      reply.hijack();
      const raw = request.raw as IncomingMessage & { originalUrl?: string };
      const url = raw.url ?? "/";
      raw.originalUrl = url;
      raw.url = url.slice(mount.length) || "/";
      callback(raw, reply.raw);
    };
    scope.all(`${mount}/*`, forward);
  });

  // The interaction pages, with URL-encoded forms.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      "application/x-www-form-urlencoded",
      { parseAs: "string", bodyLimit: formBodyLimit },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );

    const details = async (
      request: FastifyRequest<{ Params: { uid: string } }>,
      reply: FastifyReply,
    ): Promise<InteractionDetails | undefined> => {
      try {
        const interaction = await provider.interactionDetails(request.raw, reply.raw);
        if (interaction.uid === request.params.uid) return interaction;
      } catch {
        // No interaction cookie, or the interaction expired: handled below.
      }
      sendPage(
        reply,
        400,
        errorPage("Sign-in expired", {
          error: "invalid_request",
          error_description: "This sign-in request is unknown or has expired. Please start again.",
        }),
      );
      return undefined;
    };

    const clientName = async (interaction: InteractionDetails): Promise<string> => {
      const clientId = String(interaction.params.client_id ?? "");
      const client = await approvedClient(context.stores.clients, clientId);
      return client?.name || clientId;
    };

    const finish = async (
      request: FastifyRequest,
      reply: FastifyReply,
      result: Record<string, unknown>,
    ) => {
      const returnTo = await provider.interactionResult(request.raw, reply.raw, result, {
        mergeWithLastSubmission: false,
      });
      reply.header("cache-control", "no-store").redirect(returnTo, 303);
    };

    const loginPath = (uid: string) => `${mount}/login/${encodeURIComponent(uid)}`;
    const loginTokens = context.stores.loginTokens !== undefined;
    const consentPath = (uid: string) => `${mount}/consent/${encodeURIComponent(uid)}`;

    scope.get<{ Params: { uid: string } }>(`${mount}/login/:uid`, async (request, reply) => {
      const interaction = await details(request, reply);
      if (!interaction) return;
      if (interaction.prompt.name !== "login")
        return reply.redirect(consentPath(interaction.uid), 303);
      sendPage(
        reply,
        200,
        loginPage({
          action: loginPath(interaction.uid),
          clientName: await clientName(interaction),
          loginTokens,
        }),
      );
    });

    const devices: KnownDeviceOptions = {
      keys: context.cookieKeys,
      path: `${mount}/login`,
      secure: context.secure,
      now: context.now,
    };

    // A sign-in attempt: limited per client address, then per account (with the lock after
    // repeated failures); only then is the password checked (a password hash costs 10-20 ms).
    scope.post<{ Params: { uid: string }; Body: Record<string, string> | undefined }>(
      `${mount}/login/:uid`,
      async (request, reply) => {
        const refused = (refusal: Refusal, clientName: string, username?: string) =>
          sendPage(
            reply.headers(refusalHeaders(refusal)),
            429,
            loginPage({
              action: loginPath(request.params.uid),
              clientName,
              username,
              error: loginRefusalMessage(refusal),
              loginTokens,
            }),
          );
        const addressRefusal = await context.guard.address("login", addressKey(request.ip));
        if (addressRefusal) return refused(addressRefusal, "");
        const interaction = await details(request, reply);
        if (!interaction) return;
        if (interaction.prompt.name !== "login")
          return reply.redirect(consentPath(interaction.uid), 303);
        const token = String(request.body?.login_token ?? "");
        if (token !== "" && context.stores.loginTokens) {
          // A login token works once; it is random, so the limit per address is enough.
          const tokenUser =
            token.length <= 64
              ? await context.stores.loginTokens.consume(secretTokenHash(token))
              : undefined;
          const user =
            tokenUser === undefined ? undefined : await activeUser(context.stores.users, tokenUser);
          if (!user) {
            return sendPage(
              reply,
              401,
              loginPage({
                action: loginPath(interaction.uid),
                clientName: await clientName(interaction),
                error: "This login token is not valid: it is unknown, used or expired.",
                loginTokens,
              }),
            );
          }
          return finish(request, reply, { login: { accountId: user.userId, remember: true } });
        }
        const username = String(request.body?.username ?? "");
        const password = String(request.body?.password ?? "");
        const account = await accountName(context.database, username);
        const device =
          account === undefined ? undefined : knownDevice(devices, request.headers.cookie, account);
        if (account !== undefined) {
          // Counted as a failure from here on, unless the password is right.
          const refusal = await context.guard.loginAttempt(account, device);
          if (refusal) return refused(refusal, await clientName(interaction), username);
        }
        const user =
          account === undefined
            ? undefined
            : await checkPassword(context.stores.users, account, password);
        if (!user || account === undefined) {
          return sendPage(
            reply,
            401,
            loginPage({
              action: loginPath(interaction.uid),
              clientName: await clientName(interaction),
              username,
              error: "Wrong user ID, email address or password.",
              loginTokens,
            }),
          );
        }
        await context.guard.loginSucceeded(account, device);
        // Appended to the raw response: oidc-provider may set cookies of its own there.
        reply.raw.appendHeader("set-cookie", knownDeviceCookie(devices, user.userId, device));
        await finish(request, reply, { login: { accountId: user.userId, remember: true } });
      },
    );

    scope.get<{ Querystring: Record<string, string | string[] | undefined> }>(
      `${mount}/code`,
      async (request, reply) => {
        const { code, error, error_description: description } = request.query;
        if (typeof code === "string" && code !== "" && code.length <= 512 && error === undefined)
          return sendPage(reply, 200, authorizationCodePage(code));
        sendPage(
          reply,
          400,
          errorPage("Not authorized", {
            error: typeof error === "string" ? error : "invalid_request",
            error_description:
              typeof description === "string" ? description : "There is no authorization code.",
          }),
        );
      },
    );

    scope.get<{ Params: { uid: string } }>(`${mount}/consent/:uid`, async (request, reply) => {
      const interaction = await details(request, reply);
      if (!interaction) return;
      if (interaction.prompt.name !== "consent")
        return reply.redirect(loginPath(interaction.uid), 303);
      sendPage(
        reply,
        200,
        consentPage({
          action: consentPath(interaction.uid),
          clientName: await clientName(interaction),
          userId: interaction.session?.accountId ?? "",
          scopes: missingScopes(interaction),
        }),
      );
    });

    scope.post<{ Params: { uid: string }; Body: Record<string, string> | undefined }>(
      `${mount}/consent/:uid`,
      async (request, reply) => {
        const interaction = await details(request, reply);
        if (!interaction) return;
        if (interaction.prompt.name !== "consent")
          return reply.redirect(loginPath(interaction.uid), 303);
        const accountId = interaction.session?.accountId;
        const clientId = String(interaction.params.client_id ?? "");
        if (request.body?.decision !== "allow" || !accountId) {
          return finish(request, reply, {
            error: "access_denied",
            error_description: "the user denied the authorization",
          });
        }
        let grant = interaction.grantId
          ? await provider.Grant.find(interaction.grantId)
          : undefined;
        grant ??= new provider.Grant({ accountId, clientId });
        const scopes = missingScopes(interaction);
        if (scopes.length) grant.addOIDCScope(scopes.join(" "));
        const claims = interaction.prompt.details.missingOIDCClaims;
        if (Array.isArray(claims) && claims.length) grant.addOIDCClaims(claims.map(String));
        const grantId = await grant.save();
        await finish(request, reply, { consent: { grantId } });
      },
    );
  });
}

function missingScopes(interaction: InteractionDetails): string[] {
  const scopes = interaction.prompt.details.missingOIDCScope;
  return Array.isArray(scopes) ? scopes.map(String) : [];
}

function sendPage(reply: FastifyReply, status: number, html: string): void {
  reply.code(status).headers(pageHeaders).send(html);
}
