// Issue 8, bug "errors swallowed": Redis and database connection errors were dropped without a
// log line, the OAuth token verifier turned a database failure into 401 unknown_token, and the
// is-db commands took any error for "not found" and went on to create the record. Through the
// real program, with real failures: a table gone under a running process, a corrupt row, a
// PostgreSQL and a Redis server stopped under a running process.
import assert from "node:assert/strict";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { generateApiKey } from "../../src/auth/api-keys/index.ts";
import { Browser, location, pkce } from "../../src/identity-server/oauth/test-browser.ts";
import {
  type LogLine,
  type LorastackProcess,
  runLorastack,
  startLorastack,
} from "../harness/lorastack-process.ts";
import { postgresSkipReason, startPostgres } from "../harness/postgres.ts";
import { redisSkipReason, startRedis } from "../harness/redis.ts";

const password = "Correct-Horse1";

/**
 * The first log line of `stack` that passes `test`, waiting for the child to write it; fails
 * when no such line comes within `timeoutMs`.
 */
async function logLine(
  stack: LorastackProcess,
  test: (line: LogLine) => boolean,
  timeoutMs = 20_000,
): Promise<LogLine> {
  const signal = AbortSignal.timeout(timeoutMs);
  for (;;) {
    const found = stack.logs.find(test);
    if (found) return found;
    // The harness parses each chunk in its own "data" listener, which runs before this one.
    await once(stack.child.stdout as NodeJS.ReadableStream, "data", { signal }).catch(() => {
      throw new Error(
        `no such log line in ${timeoutMs} ms:\n${JSON.stringify(stack.logs.slice(-10))}`,
      );
    });
  }
}
/** Runs `work` on the SQLite database file of a data directory. */
function withDatabase<T>(dataDir: string, work: (db: Database.Database) => T): T {
  const db = new Database(join(dataDir, "lorastack.db"));
  try {
    return work(db);
  } finally {
    db.close();
  }
}

async function initialize(dataDir: string): Promise<void> {
  for (const args of [
    ["is-db", "init"],
    [
      ...["is-db", "create-admin-user", "--id", "admin", "--email", "admin@example.com"],
      ...["--password", password],
    ],
  ]) {
    const result = await runLorastack(args, { dataDir });
    assert.equal(result.code, 0, result.stderr);
  }
}

describe("the OAuth token check when the database fails", () => {
  let dataDir: string;
  let stack: LorastackProcess;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "lorastack-e2e-failures-"));
    await initialize(dataDir);
    stack = await startLorastack({ dataDir });
  });
  after(async () => {
    await stack?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function authInfo(token: string) {
    const response = await fetch(`${stack.httpUrl}/api/v3/auth_info`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  it("answers 503 token_check_failed and logs the cause, not 401 unknown_token", async () => {
    const token = await accessToken(stack, dataDir);
    assert.equal((await authInfo(token)).status, 200);
    withDatabase(dataDir, (db) => db.exec("alter table oauth_artifacts rename to broken"));
    try {
      const failed = await authInfo(token);
      assert.equal(failed.status, 503, JSON.stringify(failed.json));
      const details = (
        failed.json as unknown as { details: { name: string; correlation_id: string }[] }
      ).details[0];
      assert.equal(details?.name, "token_check_failed");
      const line = await logLine(
        stack,
        (entry) => entry.correlation_id === details?.correlation_id && (entry.level ?? 0) >= 50,
      );
      assert.match(JSON.stringify(line.err), /no such table: oauth_artifacts/);
    } finally {
      withDatabase(dataDir, (db) => db.exec("alter table broken rename to oauth_artifacts"));
    }
    assert.equal((await authInfo(token)).status, 200, "works again once the database does");
  });
});

describe("is-db commands", () => {
  it("stop on an error that is not 'not found' instead of creating the record", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "lorastack-e2e-is-db-"));
    try {
      await initialize(dataDir);
      // The Console's client is there but cannot be read.
      withDatabase(dataDir, (db) =>
        db.prepare("update clients set data = '{' where client_id = 'console'").run(),
      );
      const init = await runLorastack(["is-db", "init"], { dataDir });
      assert.notEqual(init.code, 0);
      assert.match(init.stderr, /JSON/);
      assert.doesNotMatch(init.stderr, /already exists|taken/, "it did not try to create it");
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe("connection errors are logged", () => {
  const skipPostgres = postgresSkipReason();
  const skipRedisPromise = redisSkipReason();

  it("PostgreSQL: connections lost under a running process", async (t) => {
    if (skipPostgres) return t.skip(skipPostgres);
    const server = await startPostgres();
    let stopped = false;
    let stack: LorastackProcess | undefined;
    try {
      stack = await startLorastack({
        env: { LORASTACK_DATABASE_URI: await server.createDatabase() },
      });
      // A request that looks up an API key leaves an idle connection in the pool, which the
      // server's stop breaks.
      const response = await fetch(`${stack.httpUrl}/api/v3/applications`, {
        headers: { authorization: `Bearer ${generateApiKey().token}` },
      });
      assert.equal(response.status, 401);
      stopped = true;
      await server.stop();
      const line = await logLine(
        stack,
        (entry) =>
          entry.msg === "connection failed" && String(entry.database).startsWith("postgres"),
      );
      assert.equal(line.level, 40);
      assert.ok(line.err, "with the error");
    } finally {
      await stack?.stop();
      if (!stopped) await server.stop();
    }
  });

  it("Redis: a connection lost under a running process", async (t) => {
    const skipRedis = await skipRedisPromise;
    if (skipRedis) return t.skip(skipRedis);
    const redis = await startRedis();
    let stopped = false;
    let stack: LorastackProcess | undefined;
    try {
      stack = await startLorastack({ env: { LORASTACK_REDIS_URI: redis.uri } });
      stopped = true;
      await redis.stop();
      const line = await logLine(
        stack,
        (entry) => entry.msg === "connection failed" && entry.redis !== undefined,
      );
      assert.equal(line.redis, redis.uri.replace("redis://", ""));
      assert.equal(line.level, 40);
    } finally {
      await stack?.stop();
      if (!stopped) await redis.stop();
    }
  });
});

/** Signs in as the admin through the Console's client and returns an access token. */
async function accessToken(stack: LorastackProcess, dataDir: string): Promise<string> {
  const key = await runLorastack(["is-db", "create-api-key", "--user-id", "admin"], { dataDir });
  assert.equal(key.code, 0, key.stderr);
  const client = (await (
    await fetch(`${stack.httpUrl}/api/v3/clients/console?field_mask=redirect_uris`, {
      headers: { authorization: `Bearer ${key.stdout.trim().split("\n").at(-1)}` },
    })
  ).json()) as { redirect_uris: string[] };
  const redirectUri = client.redirect_uris[0] as string;
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
  const tokens = (await response.json()) as { access_token?: string };
  assert.ok(tokens.access_token, JSON.stringify(tokens));
  return tokens.access_token;
}
