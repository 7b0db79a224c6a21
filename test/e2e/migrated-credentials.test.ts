// Issue 8, bug: API keys and passwords migrated from The Things Stack (PBKDF2) were never
// upgraded, so every request with such a key ran PBKDF2 forever. Through the real program: a
// migrated API key, password and OAuth client secret work, and after their first successful
// use the database holds our own hash instead (SHA-256 for keys, argon2id for passwords).
import assert from "node:assert/strict";
import { pbkdf2Sync, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { generateApiKey } from "../../src/auth/api-keys/index.ts";
import { Browser, location, pkce } from "../../src/identity-server/oauth/test-browser.ts";
import {
  type LorastackProcess,
  runLorastack,
  startLorastack,
} from "../harness/lorastack-process.ts";

let dataDir: string;
let stack: LorastackProcess;
const adminPassword = "Correct-Horse1";

/** A hash in The Things Stack's format: `PBKDF2$sha256$<iterations>$<salt>$<key>`. */
function ttsHash(secret: string): string {
  const salt = randomBytes(12).toString("base64url");
  const key = pbkdf2Sync(secret, salt, 20_000, 32, "sha256").toString("base64url");
  return `PBKDF2$sha256$20000$${salt}$${key}`;
}

/** Runs `work` on the database file, beside the running program (WAL allows it). */
function withDatabase<T>(work: (db: Database.Database) => T): T {
  const db = new Database(join(dataDir, "lorastack.db"));
  try {
    return work(db);
  } finally {
    db.close();
  }
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "lorastack-e2e-migrated-"));
  for (const args of [
    ["is-db", "init"],
    [
      ...["is-db", "create-admin-user", "--id", "admin", "--email", "admin@example.com"],
      ...["--password", adminPassword],
    ],
    [
      ...["is-db", "create-oauth-client", "--id", "migrated-client", "--secret", "client-secret"],
      ...["--redirect-uri", "https://app.example.com/callback"],
    ],
  ]) {
    const result = await runLorastack(args, { dataDir });
    assert.equal(result.code, 0, result.stderr);
  }
  stack = await startLorastack({ dataDir });
});

after(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function authInfo(token: string): Promise<number> {
  const response = await fetch(`${stack.httpUrl}/api/v3/auth_info`, {
    headers: { authorization: `Bearer ${token}` },
  });
  await response.arrayBuffer();
  return response.status;
}

describe("credentials migrated from The Things Stack", () => {
  it("an API key: works, and is stored as SHA-256 after its first use", async () => {
    const key = generateApiKey();
    const migrated = ttsHash(key.secret);
    withDatabase((db) => {
      const now = new Date().toISOString();
      db.prepare(
        `insert into api_keys (key_id, entity_kind, entity_id, name, secret_hash, rights, expires_at, created_at, updated_at)
         values (?, 'user', 'admin', 'from tts', ?, '["RIGHT_ALL"]', null, ?, ?)`,
      ).run(key.id, migrated, now, now);
    });
    const stored = () =>
      withDatabase(
        (db) =>
          (
            db.prepare("select secret_hash from api_keys where key_id = ?").get(key.id) as {
              secret_hash: string;
            }
          ).secret_hash,
      );
    const wrong = `${key.token.slice(0, -1)}${key.token.endsWith("A") ? "B" : "A"}`;
    assert.equal(await authInfo(wrong), 401);
    assert.equal(stored(), migrated, "a wrong secret upgrades nothing");
    assert.equal(await authInfo(key.token), 200);
    assert.match(stored(), /^SHA256\$/);
    assert.equal(await authInfo(key.token), 200, "the key still works");
  });

  it("a password: signs in, and is stored as argon2id after the sign-in", async () => {
    const password = "Migrated-Pass1";
    withDatabase((db) =>
      db
        .prepare("update users set data = json_set(data, '$.password', ?) where user_id = 'admin'")
        .run(ttsHash(password)),
    );
    const stored = () =>
      withDatabase(
        (db) =>
          JSON.parse(
            (db.prepare("select data from users where user_id = 'admin'").get() as { data: string })
              .data,
          ).password as string,
      );
    assert.match(stored(), /^PBKDF2\$/);
    assert.ok(await signIn(password), "signed in with the migrated password");
    assert.match(stored(), /^\$argon2id\$/);
    assert.ok(await signIn(password), "and again with the upgraded hash");
  });

  it("an OAuth client secret: accepted, and stored as argon2id after its first use", async () => {
    withDatabase((db) =>
      db
        .prepare(
          "update clients set data = json_set(data, '$.secret', ?) where client_id = 'migrated-client'",
        )
        .run(ttsHash("client-secret")),
    );
    const stored = () =>
      withDatabase(
        (db) =>
          JSON.parse(
            (
              db.prepare("select data from clients where client_id = 'migrated-client'").get() as {
                data: string;
              }
            ).data,
          ).secret as string,
      );
    assert.match(stored(), /^PBKDF2\$/);
    // The client authenticates before its (made-up) refresh token is looked at: invalid_grant,
    // not invalid_client, means the secret was accepted.
    const response = await fetch(`${stack.httpUrl}/oauth/token`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${Buffer.from("migrated-client:client-secret").toString("base64")}`,
      },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: "made-up" }),
    });
    const body = (await response.json()) as { error?: string };
    assert.equal(body.error, "invalid_grant", JSON.stringify(body));
    assert.match(stored(), /^\$argon2id\$/);
  });
});

/** The Console's redirect URI, as `is-db init` registered it, read over the API. */
async function consoleRedirect(): Promise<string> {
  const key = await runLorastack(["is-db", "create-api-key", "--user-id", "admin"], { dataDir });
  assert.equal(key.code, 0, key.stderr);
  const response = await fetch(`${stack.httpUrl}/api/v3/clients/console?field_mask=redirect_uris`, {
    headers: { authorization: `Bearer ${key.stdout.trim().split("\n").at(-1)}` },
  });
  const client = (await response.json()) as { redirect_uris?: string[] };
  assert.ok(client.redirect_uris?.[0], JSON.stringify(client));
  return client.redirect_uris[0];
}

/** Signs in as the admin through the Console's client; whether an authorization code came back. */
async function signIn(password: string): Promise<boolean> {
  const redirectUri = await consoleRedirect();
  const browser = new Browser(stack.httpUrl);
  const { challenge } = pkce();
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
    if (response.status === 401) return false;
    next = location(response);
  }
  return new URL(next, stack.httpUrl).searchParams.has("code");
}
