import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Fastify, { type FastifyInstance } from "fastify";
import type Provider from "oidc-provider";
import { authenticate } from "../../auth/authenticate.ts";
import type { AccessLookup } from "../../auth/caller.ts";
import { errUnknownToken } from "../../auth/errors.ts";
import { type Database, openDatabase } from "../../storage/database.ts";
import { migrateToLatest } from "../../storage/migrate.ts";
import { hashPassword } from "../passwords/index.ts";
import { createIdentityStores, type IdentityStores } from "../store/index.ts";
import {
  createOAuthProvider,
  defaultOAuthLimits,
  mountOAuth,
  type OAuthLimits,
  oauthAccessTokenVerifier,
} from "./index.ts";
import { Browser, location, pkce } from "./test-browser.ts";

const redirectUri = "http://localhost/callback";
const unlimited: OAuthLimits = {
  ...defaultOAuthLimits,
  rates: {
    loginPerAddress: undefined,
    loginPerAccount: undefined,
    tokenPerAddress: undefined,
    tokenPerClient: undefined,
    authorizePerAddress: undefined,
  },
};
const password = "Correct-Horse-7";

describe("OAuth authorization code flow with PKCE", () => {
  let folder: string;
  let database: Database;
  let stores: IdentityStores;
  let server: Server;
  let app: FastifyInstance;
  let provider: Provider;
  let base: string;

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), "lorastack-oauth-"));
    database = await openDatabase({ engine: "sqlite", file: join(folder, "lorastack.db") });
    await migrateToLatest(database.db, database.engine);
    stores = createIdentityStores(database.db);
    const hash = await hashPassword(password);
    await stores.users.create("alice", {
      primaryEmailAddress: "alice@example.com",
      password: hash,
      state: "STATE_APPROVED",
      name: "Alice <A>",
    });
    await stores.users.create("mallory", { password: hash, state: "STATE_SUSPENDED" });
    await stores.clients.create("console", {
      name: "Console",
      redirectUris: [redirectUri],
      state: "STATE_APPROVED",
      skipAuthorization: true,
      grants: ["GRANT_AUTHORIZATION_CODE", "GRANT_REFRESH_TOKEN"],
      rights: ["RIGHT_USER_INFO", "RIGHT_APPLICATION_INFO"],
    });
    await stores.clients.create("third-party", {
      name: "Third <party>",
      secret: await hashPassword("the-client-secret"),
      redirectUris: [redirectUri],
      state: "STATE_APPROVED",
      grants: ["GRANT_AUTHORIZATION_CODE", "GRANT_REFRESH_TOKEN"],
      rights: ["RIGHT_USER_INFO"],
    });
    await stores.clients.create("unapproved", {
      redirectUris: [redirectUri],
      state: "STATE_REQUESTED",
      grants: ["GRANT_AUTHORIZATION_CODE"],
    });

    // The issuer needs the port before the routes exist: listen first, route later.
    let handler: ((request: IncomingMessage, response: ServerResponse) => void) | undefined;
    server = createServer((request, response) => handler?.(request, response));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    provider = await createOAuthProvider({
      issuer: `${base}/oauth`,
      stores,
      database: database.db,
      cookieKeys: ["a-cookie-signing-key-for-tests"],
      // The flow, not the limits (limits.test.ts): these tests sign in more often than allowed.
      limits: unlimited,
    });
    app = Fastify({
      serverFactory: (h) => {
        handler = h;
        return createServer(h);
      },
    });
    mountOAuth(app, provider);
    await app.ready();
  });

  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await app.close();
    await database.close();
    await rm(folder, { recursive: true, force: true });
  });

  /** Starts an authorization; returns the response of GET /oauth/authorize. */
  function authorize(browser: Browser, clientId: string, challenge: string | undefined) {
    const query = new URLSearchParams({
      client_id: clientId,
      redirect_uri: redirectUri,
      response_type: "code",
      scope: "openid profile email",
      state: "the-state",
    });
    if (challenge) {
      query.set("code_challenge", challenge);
      query.set("code_challenge_method", "S256");
    }
    return browser.request(`/oauth/authorize?${query}`);
  }

  /** Signs in on the login page; returns the final redirect to the client (with the code). */
  async function signIn(browser: Browser, clientId: string, challenge: string) {
    const start = await authorize(browser, clientId, challenge);
    assert.equal(start.status, 303);
    let next = location(start);
    // The login page (unless signed in), the resumed authorization, the consent page (for
    // third parties, once), and back to the client.
    for (let hops = 0; hops < 6 && !next.startsWith(redirectUri); hops++) {
      let response = await browser.request(next);
      if (next.startsWith("/oauth/login/")) {
        assert.equal(response.status, 200);
        assert.match(await response.text(), /<form method="post"/);
        response = await browser.request(next, { form: { username: "alice", password } });
      } else if (next.startsWith("/oauth/consent/")) {
        assert.equal(response.status, 200);
        response = await browser.request(next, { form: { decision: "allow" } });
      }
      assert.equal(response.status, 303);
      next = location(response);
    }
    const callback = new URL(next);
    assert.equal(`${callback.origin}${callback.pathname}`, redirectUri);
    return callback;
  }

  async function token(form: Record<string, string>, basic?: string) {
    const headers: Record<string, string> = {
      "content-type": "application/x-www-form-urlencoded",
    };
    if (basic) headers.authorization = `Basic ${Buffer.from(basic).toString("base64")}`;
    const response = await fetch(`${base}/oauth/token`, {
      method: "POST",
      headers,
      body: new URLSearchParams(form),
    });
    return { status: response.status, body: (await response.json()) as Record<string, string> };
  }

  it("serves discovery under the prefix", async () => {
    const response = await fetch(`${base}/oauth/.well-known/openid-configuration`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as Record<string, unknown>;
    assert.equal(body.issuer, `${base}/oauth`);
    assert.equal(body.authorization_endpoint, `${base}/oauth/authorize`);
    assert.equal(body.token_endpoint, `${base}/oauth/token`);
    assert.deepEqual(body.code_challenge_methods_supported, ["S256"]);
  });

  it("signs in a public client, exchanges the code with its verifier, refreshes, verifies", async () => {
    const browser = new Browser(base);
    const { verifier, challenge } = pkce();
    const callback = await signIn(browser, "console", challenge);
    assert.equal(callback.searchParams.get("state"), "the-state");
    const code = callback.searchParams.get("code");
    assert.ok(code);

    const wrongVerifier = await token({
      grant_type: "authorization_code",
      code,
      redirect_uri: redirectUri,
      client_id: "console",
      code_verifier: pkce().verifier,
    });
    assert.equal(wrongVerifier.status, 400);
    assert.equal(wrongVerifier.body.error, "invalid_grant");

    // Exchange a fresh code (the session is still there: no second sign-in).
    const again = await signIn(browser, "console", challenge);
    const exchanged = await token({
      grant_type: "authorization_code",
      code: again.searchParams.get("code") ?? "",
      redirect_uri: redirectUri,
      client_id: "console",
      code_verifier: verifier,
    });
    assert.equal(exchanged.status, 200, JSON.stringify(exchanged.body));
    assert.equal(exchanged.body.token_type, "Bearer");
    assert.ok(exchanged.body.access_token);
    assert.ok(exchanged.body.refresh_token);
    assert.ok(exchanged.body.id_token);

    const verify = oauthAccessTokenVerifier(provider);
    const verified = await verify(exchanged.body.access_token ?? "");
    assert.equal(verified?.userId, "alice");
    assert.deepEqual(verified?.rights, ["RIGHT_USER_INFO", "RIGHT_APPLICATION_INFO"]);
    assert.ok((verified?.expiresAt.getTime() ?? 0) > Date.now());
    assert.equal(await verify("not-a-token-but-long-enough"), undefined);

    const userinfo = await fetch(`${base}/oauth/userinfo`, {
      headers: { authorization: `Bearer ${exchanged.body.access_token}` },
    });
    assert.equal(userinfo.status, 200);
    const claims = (await userinfo.json()) as Record<string, unknown>;
    assert.equal(claims.sub, "alice");
    assert.equal(claims.email, "alice@example.com");

    const refreshed = await token({
      grant_type: "refresh_token",
      refresh_token: exchanged.body.refresh_token ?? "",
      client_id: "console",
    });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.ok(refreshed.body.access_token);
    assert.notEqual(refreshed.body.access_token, exchanged.body.access_token);
    assert.equal((await verify(refreshed.body.access_token ?? ""))?.userId, "alice");

    // The API's bearer authentication, with the verifier as its access token lookup.
    const lookup: AccessLookup = {
      apiKey: async () => undefined,
      user: async () => ({ admin: false }),
      membershipRights: async () => new Set(),
      accessToken: verify,
    };
    const caller = await authenticate(`Bearer ${refreshed.body.access_token}`, lookup);
    assert.equal(caller?.kind, "user");
    assert.ok(caller?.kind === "user" && caller.userId === "alice" && caller.via === "oauth");
    assert.ok(caller?.kind === "user" && caller.rights.has("RIGHT_APPLICATION_INFO"));
    await assert.rejects(authenticate("Bearer unknown-token-value-123", lookup), (e: unknown) =>
      errUnknownToken.matches(e),
    );

    // Tokens live in the database: a new provider on it (a restart) still knows them.
    const restarted = await createOAuthProvider({
      issuer: `${base}/oauth`,
      stores,
      database: database.db,
      cookieKeys: ["a-cookie-signing-key-for-tests"],
    });
    assert.equal(
      (await oauthAccessTokenVerifier(restarted)(refreshed.body.access_token ?? ""))?.userId,
      "alice",
    );

    // A code is used once; replaying it revokes everything issued from it.
    const replay = await token({
      grant_type: "authorization_code",
      code: again.searchParams.get("code") ?? "",
      redirect_uri: redirectUri,
      client_id: "console",
      code_verifier: verifier,
    });
    assert.equal(replay.status, 400);
    assert.equal(replay.body.error, "invalid_grant");
    assert.equal(await verify(refreshed.body.access_token ?? ""), undefined);
  });

  it("requires PKCE", async () => {
    const response = await authorize(new Browser(base), "console", undefined);
    assert.equal(response.status, 303);
    const target = new URL(location(response));
    assert.equal(target.searchParams.get("error"), "invalid_request");
    assert.match(target.searchParams.get("error_description") ?? "", /PKCE/);
  });

  it("refuses a wrong password, an unknown or suspended user, and escapes what it echoes", async () => {
    const browser = new Browser(base);
    const loginPath = location(await authorize(browser, "console", pkce().challenge));
    for (const [username, secret] of [
      ["alice", "wrong-password"],
      ["alice@example.com", "wrong-password"],
      ["nobody", password],
      ["mallory", password],
    ] as const) {
      const response = await browser.request(loginPath, { form: { username, password: secret } });
      assert.equal(response.status, 401, username);
      assert.match(await response.text(), /Wrong user ID, email address or password/);
    }
    const hostile = await browser.request(loginPath, {
      form: { username: '"><script>alert(1)</script>', password: "x" },
    });
    const html = await hostile.text();
    assert.ok(!html.includes("<script>"));
    assert.ok(html.includes("&quot;&gt;&lt;script&gt;"));
    // Signing in by email address works.
    const ok = await browser.request(loginPath, {
      form: { username: "alice@example.com", password },
    });
    assert.equal(ok.status, 303);
  });

  it("refuses a login post without the interaction cookie", async () => {
    const browser = new Browser(base);
    const loginPath = location(await authorize(browser, "console", pkce().challenge));
    const response = await new Browser(base).request(loginPath, {
      form: { username: "alice", password },
    });
    assert.equal(response.status, 400);
  });

  it("authenticates a confidential client by its hashed secret, after consent", async () => {
    const browser = new Browser(base);
    const consent = location(await authorize(browser, "third-party", pkce().challenge));
    const loggedIn = await browser.request(consent, { form: { username: "alice", password } });
    const resumed = await browser.request(location(loggedIn));
    const consentPath = location(resumed);
    assert.match(consentPath, /^\/oauth\/consent\//);
    const consentHtml = await (await browser.request(consentPath)).text();
    assert.match(consentHtml, /Third &lt;party&gt; wants to access your account/);
    const { verifier, challenge } = pkce();
    const callback = await signIn(browser, "third-party", challenge);
    const code = callback.searchParams.get("code") ?? "";
    const form = {
      grant_type: "authorization_code",
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
    };
    const wrong = await token(form, "third-party:not-the-secret");
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error, "invalid_client");
    const callback2 = await signIn(browser, "third-party", challenge);
    const right = await token(
      { ...form, code: callback2.searchParams.get("code") ?? "" },
      "third-party:the-client-secret",
    );
    assert.equal(right.status, 200, JSON.stringify(right.body));
    assert.equal(
      (await oauthAccessTokenVerifier(provider)(right.body.access_token ?? ""))?.userId,
      "alice",
    );
  });

  it("does not know unapproved clients", async () => {
    const response = await authorize(new Browser(base), "unapproved", pkce().challenge);
    assert.equal(response.status, 400);
    assert.match(await response.text(), /invalid_client|client is invalid/);
  });

  it("signs out: the logout page, then the session's tokens are revoked", async () => {
    const browser = new Browser(base);
    const { verifier, challenge } = pkce();
    const callback = await signIn(browser, "console", challenge);
    const exchanged = await token({
      grant_type: "authorization_code",
      code: callback.searchParams.get("code") ?? "",
      redirect_uri: redirectUri,
      client_id: "console",
      code_verifier: verifier,
    });
    const verify = oauthAccessTokenVerifier(provider);
    assert.ok(await verify(exchanged.body.access_token ?? ""));
    const page = await browser.request("/oauth/logout");
    assert.equal(page.status, 200);
    const html = await page.text();
    const action = /action="([^"]+)"/.exec(html)?.[1];
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
    assert.ok(action && xsrf, html);
    const confirmed = await browser.request(new URL(action, base).pathname, {
      form: { xsrf, logout: "yes" },
    });
    assert.equal(confirmed.status, 303);
    const done = await browser.request(location(confirmed));
    assert.equal(done.status, 200);
    assert.match(await done.text(), /signed out/);
    assert.equal(await verify(exchanged.body.access_token ?? ""), undefined);
    // The session is gone: a new authorization asks to sign in again.
    const start = await authorize(browser, "console", challenge);
    assert.match(location(start), /^\/oauth\/login\//);
  });
});
