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

// Issue 9, point 8: OAuth abuse through the real program, on the default limits (the sweeper
// made quick so that a test can see it work).

const password = "Correct-Horse1";
let dataDir: string;
let stack: LorastackProcess;
let adminKey: string;
let consoleRedirect: string;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "lorastack-e2e-oauth-abuse-"));
  const must = async (args: string[]) => {
    const result = await runLorastack(args, { dataDir });
    assert.equal(result.code, 0, result.stderr);
    return result.stdout;
  };
  await must(["is-db", "init"]);
  await must([
    "is-db",
    "create-admin-user",
    "--id",
    "admin",
    "--email",
    "admin@example.com",
    "--password",
    password,
  ]);
  adminKey = (await must(["is-db", "create-api-key", "--user-id", "admin", "--name", "e2e"]))
    .trim()
    .split("\n")
    .at(-1) as string;
  stack = await startLorastack({ dataDir, env: { LORASTACK_OAUTH_SWEEP_INTERVAL: "100ms" } });
  const client = await api("GET", "/clients/console?field_mask=redirect_uris");
  consoleRedirect = (client.json.redirect_uris as string[])[0] ?? "";
  const created = await api("POST", "/users/admin/clients", {
    client: {
      ids: { client_id: "integration" },
      secret: "the-integration-secret",
      redirect_uris: ["http://localhost/callback"],
      grants: ["GRANT_AUTHORIZATION_CODE"],
      state: "STATE_APPROVED",
    },
  });
  assert.equal(created.status, 200, JSON.stringify(created.json));
});

after(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.httpUrl}/api/v3${path}`, {
    method,
    headers: {
      authorization: `Bearer ${adminKey}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

function authorize(browser: Browser) {
  const query = new URLSearchParams({
    client_id: "console",
    response_type: "code",
    redirect_uri: consoleRedirect,
    scope: "openid",
    code_challenge: pkce().challenge,
    code_challenge_method: "S256",
  });
  return browser.request(`/oauth/authorize?${query}`);
}

/** The database of the running program, for what only the table shows. */
function withDatabase<T>(use: (db: Database.Database) => T): T {
  const db = new Database(join(dataDir, "lorastack.db"));
  db.pragma("busy_timeout = 5000");
  try {
    return use(db);
  } finally {
    db.close();
  }
}

const interactionRows = () =>
  withDatabase(
    (db) =>
      (
        db
          .prepare("select count(*) as n from oauth_artifacts where model = 'Interaction'")
          .get() as {
          n: number;
        }
      ).n,
  );

describe("OAuth abuse", () => {
  it("answers password guessing with 429: per account after 5 failures, per address after 10", async () => {
    const browser = new Browser(stack.httpUrl);
    const loginPath = location(await authorize(browser));
    assert.match(loginPath, /^\/oauth\/login\//);
    const guess = (username: string, secret = "a-wrong-guess") =>
      browser.request(loginPath, { form: { username, password: secret } });

    const statuses = [];
    for (let index = 0; index < 6; index++) statuses.push((await guess("admin")).status);
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429]);
    const locked = await guess("admin", password);
    assert.equal(locked.status, 429, "locked: the right password waits too");
    assert.equal(locked.headers.get("retry-after"), "60");
    assert.match(locked.headers.get("content-type") ?? "", /^text\/html/);
    assert.match(await locked.text(), /Too many failed sign-in attempts for this account\./);

    // Other accounts from the same address: the address's budget of 10 a minute runs out.
    const others = [];
    for (let index = 0; index < 4; index++) others.push((await guess(`user-${index}`)).status);
    assert.deepEqual(others, [401, 401, 401, 429]);
    const flooded = await guess("someone-else");
    assert.equal(flooded.status, 429);
    assert.equal(flooded.headers.get("x-rate-limit-limit"), "10");
    assert.match(
      await flooded.text(),
      /Too many sign-in attempts\. Please try again in \d+ seconds/,
    );
  });

  it("answers wrong client secrets on /oauth/token with 429 in the API's error shape", async () => {
    const token = (secret: string) =>
      fetch(`${stack.httpUrl}/oauth/token`, {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from(`integration:${secret}`).toString("base64")}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ grant_type: "authorization_code", code: "x" }),
      });
    const statuses = [];
    for (let index = 0; index < 11; index++) statuses.push((await token(`guess-${index}`)).status);
    assert.deepEqual(statuses, [...Array(10).fill(401), 429]);
    const refused = await token("the-integration-secret");
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get("retry-after"), "60");
    const body = (await refused.json()) as {
      code: number;
      message: string;
      details: { name: string; attributes: { key: string } }[];
    };
    assert.equal(body.code, 8, "resource exhausted");
    assert.equal(body.details[0]?.name, "too_many_failures");
    assert.equal(body.details[0]?.attributes.key, "oauth:token:client:integration");
  });

  it("keeps at most 20 interactions per address, dropping the oldest", async () => {
    const browser = new Browser(stack.httpUrl);
    const first = location(await authorize(browser));
    for (let index = 0; index < 29; index++) {
      const response = await authorize(new Browser(stack.httpUrl));
      assert.equal(response.status, 303);
    }
    assert.equal(interactionRows(), 20);
    // The first of them is gone: its sign-in page says so.
    const expired = await browser.request(first);
    assert.equal(expired.status, 400);
    assert.match(await expired.text(), /unknown or has expired/);
  });

  it("sweeps expired artifacts while running", async () => {
    const expired = new Date(Date.now() - 1_000).toISOString();
    withDatabase((db) => {
      const insert = db.prepare(
        "insert into oauth_artifacts (model, id, payload, expires_at) values (?, ?, '{}', ?)",
      );
      for (const model of ["Session", "Interaction", "Grant", "AuthorizationCode", "AccessToken"])
        insert.run(model, `expired-${model}`, expired);
    });
    const left = () =>
      withDatabase(
        (db) =>
          (
            db
              .prepare("select count(*) as n from oauth_artifacts where id like 'expired-%'")
              .get() as { n: number }
          ).n,
      );
    assert.equal(left(), 5);
    // The sweeper runs every 100 ms here; nothing else deletes these rows.
    const deadline = Date.now() + 10_000;
    while (left() > 0) {
      assert.ok(Date.now() < deadline, "expired rows were not swept within 10 s");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
});
