import type { KoaContext } from "oidc-provider";
import { type AddressLimited, addressKey, type OAuthGuard, type Refusal } from "./limits/index.ts";
import { pageHeaders, tooManyRequestsPage } from "./pages.ts";
import { refusalHeaders, refusalJson, retryPhrase } from "./refusal.ts";
import { type OAuthRequest, oauthRequests } from "./request-context.ts";

/** How a refusal is answered: the API's JSON error, or a page for a browser. */
type Answer = "json" | "page";

/** oidc-provider's endpoints limited per client address (paths below the issuer's). */
const limitedEndpoints: Record<string, { endpoint: AddressLimited; answer: Answer }> = {
  "/token": { endpoint: "token", answer: "json" },
  "/token/revocation": { endpoint: "token", answer: "json" },
  "/authorize": { endpoint: "authorize", answer: "page" },
};

function limitedEndpoint(path: string) {
  // `/authorize/:uid` resumes an authorization after the sign-in and consent pages.
  return limitedEndpoints[path.startsWith("/authorize/") ? "/authorize" : path];
}

/**
 * A Koa middleware in front of oidc-provider's routes: limits the token, revocation and
 * authorization endpoints per client address, makes the request (its address) known to the
 * code oidc-provider calls (the storage adapter, the client secret check), and answers 429
 * when that code refused the request (a locked or rate-limited client).
 */
export function endpointLimits(guard: OAuthGuard) {
  return async (ctx: KoaContext, next: () => Promise<void>): Promise<void> => {
    const request: OAuthRequest = { address: addressKey(ctx.ip) };
    const limited = limitedEndpoint(ctx.path);
    if (limited) {
      const refusal = await guard.address(limited.endpoint, request.address);
      if (refusal) return refuse(ctx, refusal, limited.answer);
    }
    await oauthRequests.run(request, next);
    if (request.refusal) refuse(ctx, request.refusal, "json");
  };
}

const answers: Record<Answer, (ctx: KoaContext, refusal: Refusal) => void> = {
  json(ctx, refusal) {
    const { body } = refusalJson(refusal);
    ctx.set("cache-control", "no-store");
    ctx.body = body;
    ctx.type = "application/json";
  },
  page(ctx, refusal) {
    for (const [name, value] of Object.entries(pageHeaders)) ctx.set(name, value);
    ctx.body = tooManyRequestsPage(
      `Too many requests from your network. Please try again ${retryPhrase(refusal.retryAfterMs)}.`,
    );
  },
};

function refuse(ctx: KoaContext, refusal: Refusal, answer: Answer): void {
  // oidc-provider asks a client that failed to authenticate to try again; this one must wait.
  ctx.remove("www-authenticate");
  for (const [name, value] of Object.entries(refusalHeaders(refusal))) ctx.set(name, value);
  answers[answer](ctx, refusal);
  ctx.status = 429;
}
