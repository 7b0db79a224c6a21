import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { Browser, location, pkce } from "../../src/identity-server/oauth/test-browser.ts";
import {
  type LorastackProcess,
  runLorastack,
  startLorastack,
} from "../harness/lorastack-process.ts";

// Issue 9, point 9: OAuth tokens and codes at rest. A real sign-in through the program, then
// everything the database holds about it, tried as a credential.

const password = "Correct-Horse1";
let dataDir: string;
let stack: LorastackProcess;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "lorastack-e2e-oauth-tokens-"));
  for (const args of [
    ["is-db", "init"],
    ["is-db", "create-admin-user", "--id", "admin", "--email", "admin@example.com"],
  ]) {
    const result = await runLorastack(
      args[1] === "create-admin-user" ? [...args, "--password", password] : args,
      { dataDir },
    );
    assert.equal(result.code, 0, result.stderr);
  }
  stack = await startLorastack({ dataDir });
});

after(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** The Console's redirect URI, as `is-db init` registered it, read over the API. */
async function consoleRedirect(): Promise<string> {
  const key = await runLorastack(
    ["is-db", "create-api-key", "--user-id", "admin", "--name", "e2e"],
    { dataDir },
  );
  assert.equal(key.code, 0, key.stderr);
  const response = await fetch(`${stack.httpUrl}/api/v3/clients/console?field_mask=redirect_uris`, {
    headers: { authorization: `Bearer ${key.stdout.trim().split("\n").at(-1)}` },
  });
  const client = (await response.json()) as { redirect_uris?: string[] };
  assert.ok(client.redirect_uris?.[0], JSON.stringify(client));
  return client.redirect_uris[0];
}

/** Signs in as the admin through the Console's client; returns its tokens and code. */
async function signIn() {
  const redirectUri = await consoleRedirect();
  const browser = new Browser(stack.httpUrl);
  const { verifier, challenge } = pkce();
  const query = new URLSearchParams({
    client_id: "console",
    response_type: "code",
    redirect_uri: redirectUri,
    scope: "openid",
    code_challenge: challenge,
    code_challenge_method: "S256",
  });
  let next = location(await browser.request(`/oauth/authorize?${query}`));
  for (let hops = 0; hops < 6 && !next.startsWith(redirectUri); hops++) {
    const response = next.startsWith("/oauth/login/")
      ? await browser.request(next, { form: { username: "admin", password } })
      : await browser.request(next);
    next = location(response);
  }
  const code = new URL(next).searchParams.get("code") ?? "";
  assert.ok(code, `signed in: ${next}`);
  const response = await fetch(`${stack.httpUrl}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: redirectUri,
      client_id: "console",
      code_verifier: verifier,
    }),
  });
  const tokens = (await response.json()) as Record<string, string>;
  assert.equal(response.status, 200, JSON.stringify(tokens));
  return { code, accessToken: tokens.access_token ?? "", refreshToken: tokens.refresh_token ?? "" };
}

async function authInfo(token: string): Promise<number> {
  const response = await fetch(`${stack.httpUrl}/api/v3/auth_info`, {
    headers: { authorization: `Bearer ${token}` },
  });
  await response.arrayBuffer();
  return response.status;
}

async function refresh(refreshToken: string): Promise<number> {
  const response = await fetch(`${stack.httpUrl}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: refreshToken,
      client_id: "console",
    }),
  });
  await response.arrayBuffer();
  return response.status;
}

describe("OAuth tokens at rest", () => {
  it("stores no token or code: what the database holds does not authenticate", async () => {
    const { code, accessToken, refreshToken } = await signIn();
    assert.equal(await authInfo(accessToken), 200, "the token itself works");

    const db = new Database(join(dataDir, "lorastack.db"), { readonly: true });
    const rows = db
      .prepare("select model, id, payload, grant_id, uid from oauth_artifacts")
      .all() as Record<string, string | null>[];
    db.close();
    const dump = JSON.stringify(rows);
    for (const [name, secret] of [
      ["access token", accessToken],
      ["refresh token", refreshToken],
      ["authorization code", code],
    ] as const)
      assert.ok(!dump.includes(secret), `the ${name} is not in the database`);

    const models = new Set(rows.map((row) => row.model));
    for (const model of ["AccessToken", "RefreshToken", "AuthorizationCode", "Session", "Grant"])
      assert.ok(models.has(model), `a ${model} row is stored`);
    // Every value of every row, tried as a bearer token and as a refresh token.
    const candidates = new Set(
      rows.flatMap((row) => [row.id, row.grant_id, row.uid]).filter((v): v is string => !!v),
    );
    for (const candidate of candidates) {
      assert.equal(await authInfo(candidate), 401, `${candidate} is no bearer token`);
      assert.equal(await refresh(candidate), 400, `${candidate} is no refresh token`);
    }

    // Lookups by the token still work: refresh, then revocation.
    const refreshed = await fetch(`${stack.httpUrl}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: refreshToken,
        client_id: "console",
      }),
    });
    const next = (await refreshed.json()) as Record<string, string>;
    assert.equal(refreshed.status, 200, JSON.stringify(next));
    assert.equal(await authInfo(next.access_token ?? ""), 200);
    const revoked = await fetch(`${stack.httpUrl}/oauth/token/revocation`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: next.access_token ?? "", client_id: "console" }),
    });
    assert.equal(revoked.status, 200);
    assert.equal(await authInfo(next.access_token ?? ""), 401, "revoked");
  });
});
