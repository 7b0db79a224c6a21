import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Fastify, { type FastifyInstance } from "fastify";
import { type Database, openDatabase } from "../../storage/database.ts";
import { migrateToLatest } from "../../storage/migrate.ts";
import { hashPassword } from "../passwords/index.ts";
import { createIdentityStores, type IdentityStores } from "../store/index.ts";
import {
  createOAuthProvider,
  defaultOAuthLimits,
  memoryLimiterState,
  mountOAuth,
  type OAuthLimits,
} from "./index.ts";
import { Browser, location, pkce } from "./test-browser.ts";

const redirectUri = "http://localhost/callback";
const password = "Correct-Horse-7";
const minute = 60_000;

/** Only the limits a test sets: the others off, so each test sees one limit at work. */
function only(rates: Partial<OAuthLimits["rates"]>): OAuthLimits {
  return {
    ...defaultOAuthLimits,
    rates: {
      loginPerAddress: undefined,
      loginPerAccount: undefined,
      tokenPerAddress: undefined,
      tokenPerClient: undefined,
      authorizePerAddress: undefined,
      ...rates,
    },
  };
}

describe("OAuth limits over HTTP", () => {
  let folder: string;
  let database: Database;
  let stores: IdentityStores;
  const servers: { server: Server; app: FastifyInstance }[] = [];

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), "lorastack-oauth-limits-"));
    database = await openDatabase({ engine: "sqlite", file: join(folder, "lorastack.db") });
    await migrateToLatest(database.db, database.engine);
    stores = createIdentityStores(database.db);
    await stores.users.create("alice", {
      primaryEmailAddress: "alice@example.com",
      password: await hashPassword(password),
      state: "STATE_APPROVED",
    });
    await stores.clients.create("console", {
      redirectUris: [redirectUri],
      state: "STATE_APPROVED",
      skipAuthorization: true,
      grants: ["GRANT_AUTHORIZATION_CODE"],
    });
    await stores.clients.create("third-party", {
      secret: await hashPassword("the-client-secret"),
      redirectUris: [redirectUri],
      state: "STATE_APPROVED",
      grants: ["GRANT_AUTHORIZATION_CODE"],
    });
  });

  after(async () => {
    for (const { server, app } of servers) {
      await new Promise((resolve) => server.close(resolve));
      await app.close();
    }
    await database.close();
    await rm(folder, { recursive: true, force: true });
  });

  /** A fresh OAuth server with `limits` and a limiter clock the test moves. */
  async function serve(limits: OAuthLimits) {
    const clock = { now: Date.now() };
    let handler: ((request: IncomingMessage, response: ServerResponse) => void) | undefined;
    const server = createServer((request, response) => handler?.(request, response));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const provider = await createOAuthProvider({
      issuer: `${base}/oauth`,
      stores,
      database: database.db,
      cookieKeys: ["a-cookie-signing-key-for-tests"],
      limits,
      limiterState: memoryLimiterState(() => clock.now),
    });
    const app = Fastify({
      serverFactory: (h) => {
        handler = h;
        return createServer(h);
      },
    });
    mountOAuth(app, provider);
    await app.ready();
    servers.push({ server, app });
    return { base, clock };
  }

  function authorize(browser: Browser, clientId = "console") {
    const query = new URLSearchParams({
      client_id: clientId,
      redirect_uri: redirectUri,
      response_type: "code",
      scope: "openid",
      code_challenge: pkce().challenge,
      code_challenge_method: "S256",
    });
    return browser.request(`/oauth/authorize?${query}`);
  }

  async function loginPage(browser: Browser): Promise<string> {
    return location(await authorize(browser));
  }

  it("answers a sign-in flood from one address with a readable 429 page", async () => {
    const { base, clock } = await serve(only({ loginPerAddress: { perMinute: 3, burst: 3 } }));
    const browser = new Browser(base);
    const path = await loginPage(browser);
    const statuses = [];
    for (let index = 0; index < 4; index++) {
      const response = await browser.request(path, {
        form: { username: `user-${index}`, password: "guess" },
      });
      statuses.push(response.status);
      if (response.status === 429) {
        assert.equal(response.headers.get("retry-after"), "20");
        assert.equal(response.headers.get("x-rate-limit-limit"), "3");
        assert.equal(response.headers.get("x-rate-limit-available"), "0");
        assert.match(response.headers.get("content-type") ?? "", /^text\/html/);
        const html = await response.text();
        assert.match(html, /Too many sign-in attempts\. Please try again in 20 seconds\./);
        assert.match(html, /<form method="post"/, "the form is there to try again");
      }
    }
    assert.deepEqual(statuses, [401, 401, 401, 429]);
    clock.now += 20_000;
    const again = await browser.request(path, { form: { username: "alice", password } });
    assert.equal(again.status, 303, "allowed again after the wait");
  });

  it("locks an account after five failures by ID or email, but not its owner's browser", async () => {
    const { base, clock } = await serve(only({}));
    // The owner signed in on this browser before: it holds the known-device cookie.
    const owner = new Browser(base);
    const signedIn = await owner.request(await loginPage(owner), {
      form: { username: "alice", password },
    });
    assert.equal(signedIn.status, 303);

    const attacker = new Browser(base);
    const path = await loginPage(attacker);
    const statuses = [];
    for (let index = 0; index < 6; index++) {
      const username = index % 2 ? "alice@example.com" : "ALICE";
      const response = await attacker.request(path, { form: { username, password: "guess" } });
      statuses.push(response.status);
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429], "email and ID are one account");
    const locked = await attacker.request(path, { form: { username: "alice", password } });
    assert.equal(locked.status, 429, "the right password does not pass a lock");
    assert.match(await locked.text(), /Too many failed sign-in attempts for this account/);
    assert.equal(locked.headers.get("retry-after"), "60");
    assert.equal(locked.headers.get("x-rate-limit-limit"), null, "a lock, not a rate");

    // The owner's browser signs in all the same (its sign-in session gone, its mark kept).
    const device = owner.jar.get("lorastack_known_device");
    assert.equal(device?.path, "/oauth/login");
    const ownerBrowser = new Browser(base);
    ownerBrowser.jar.set("lorastack_known_device", device?.value ?? "", device?.path ?? "");
    const ownerLogin = await ownerBrowser.request(await loginPage(ownerBrowser), {
      form: { username: "alice", password },
    });
    assert.equal(ownerLogin.status, 303, "the owner's browser is not locked out");

    clock.now += minute;
    const later = await attacker.request(path, { form: { username: "alice", password } });
    assert.equal(later.status, 303, "the lock ends");
  });

  it("answers wrong client secrets with 429 in the API's error shape after ten", async () => {
    const { base, clock } = await serve(only({}));
    const token = (secret: string, post = false) =>
      fetch(`${base}/oauth/token`, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          ...(post
            ? {}
            : {
                authorization: `Basic ${Buffer.from(`third-party:${secret}`).toString("base64")}`,
              }),
        },
        body: new URLSearchParams({
          grant_type: "authorization_code",
          code: "not-a-code",
          code_verifier: pkce().verifier,
          redirect_uri: redirectUri,
          ...(post ? { client_id: "third-party", client_secret: secret } : {}),
        }),
      });
    const statuses = [];
    for (let index = 0; index < 10; index++)
      statuses.push((await token(`wrong-${index}`, index % 2 === 1)).status);
    assert.deepEqual(statuses, Array(10).fill(401));
    for (const post of [false, true]) {
      const refused = await token("the-client-secret", post);
      assert.equal(refused.status, 429, "locked: even the right secret waits");
      assert.equal(refused.headers.get("www-authenticate"), null);
      assert.equal(refused.headers.get("retry-after"), "60");
      const body = (await refused.json()) as {
        code: number;
        message: string;
        details: { namespace: string; name: string; attributes: Record<string, unknown> }[];
      };
      assert.equal(body.code, 8);
      assert.match(body.message, /^error:identity-server\/oauth:too_many_failures \(/);
      assert.equal(body.details[0]?.namespace, "identity-server/oauth");
      assert.equal(body.details[0]?.name, "too_many_failures");
      assert.equal(body.details[0]?.attributes.key, "oauth:token:client:third-party");
    }
    clock.now += minute;
    const unlocked = await token("the-client-secret");
    assert.equal(unlocked.status, 400, "the client authenticates; the code is what is wrong");
    assert.equal(((await unlocked.json()) as { error: string }).error, "invalid_grant");
  });

  it("limits the token and authorization endpoints per address", async () => {
    const { base } = await serve(
      only({
        tokenPerAddress: { perMinute: 2, burst: 2 },
        authorizePerAddress: { perMinute: 2, burst: 2 },
      }),
    );
    const statuses = [];
    for (let index = 0; index < 3; index++) {
      const response = await fetch(`${base}/oauth/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "grant_type=authorization_code&client_id=console&code=x",
      });
      statuses.push(response.status);
      if (response.status === 429) {
        const body = (await response.json()) as { code: number; details: { name: string }[] };
        assert.equal(body.code, 8);
        assert.equal(body.details[0]?.name, "rate_limit_exceeded");
        assert.equal(response.headers.get("x-rate-limit-retry"), "30");
      }
    }
    assert.deepEqual(statuses, [400, 400, 429]);

    const browser = new Browser(base);
    const answers = [];
    for (let index = 0; index < 3; index++) answers.push(await authorize(browser));
    assert.deepEqual(
      answers.map((response) => response.status),
      [303, 303, 429],
    );
    const page = answers[2];
    assert.match(page?.headers.get("content-type") ?? "", /^text\/html/);
    assert.match((await page?.text()) ?? "", /Too many requests from your network/);
  });
});
