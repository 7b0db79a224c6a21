/**
 * OAuth abuse measurement (`node bench/oauth-abuse.ts`): starts the real program on a fresh
 * data directory and measures, as one client on one address would see it,
 *
 * 1. password guesses per second on the sign-in form (`POST /oauth/login/:uid`, 8 requests in
 *    flight): wrong passwords for one existing user, then for a different user name each time;
 *    how many were checked (401) and how many refused (429);
 * 2. wrong client secrets per second on `POST /oauth/token` (8 in flight);
 * 3. growth of the OAuth table per hour of `GET /oauth/authorize` calls (8 in flight): rows and
 *    payload bytes of stored interactions, and the database's used pages (tables and indexes,
 *    free pages not counted), extrapolated from the measured rate.
 *
 * Each measurement runs for MEASURE_MS. The numbers are for one machine under whatever else it
 * runs; compare runs made on the same machine.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { runLorastack, startLorastack } from "../test/harness/lorastack-process.ts";

const MEASURE_MS = Number(process.env.MEASURE_MS ?? 5_000);
const IN_FLIGHT = 8;
const password = "Correct-Horse1";

const dataDir = await mkdtemp(join(tmpdir(), "lorastack-bench-oauth-"));
const must = async (args: string[]) => {
  const result = await runLorastack(args, { dataDir });
  if (result.code !== 0) throw new Error(`${args.join(" ")}: ${result.stderr}`);
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
const stack = await startLorastack({ dataDir });
const base = stack.httpUrl;

/** Runs `once` with IN_FLIGHT requests in flight for MEASURE_MS; counts results by status. */
async function hammer(once: () => Promise<number>): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  const end = Date.now() + MEASURE_MS;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (Date.now() < end) {
        const status = await once();
        counts.set(status, (counts.get(status) ?? 0) + 1);
      }
    }),
  );
  return counts;
}

function perSecond(counts: Map<number, number>): string {
  return [...counts.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${status}: ${((count * 1000) / MEASURE_MS).toFixed(1)}/s`)
    .join(", ");
}

const key = (await must(["is-db", "create-api-key", "--user-id", "admin", "--name", "bench"]))
  .trim()
  .split("\n")
  .at(-1);
const consoleClient = (await (
  await fetch(`${base}/api/v3/clients/console?field_mask=redirect_uris`, {
    headers: { authorization: `Bearer ${key}` },
  })
).json()) as { redirect_uris: string[] };
const consoleRedirect = consoleClient.redirect_uris[0] ?? "";

function authorizeUrl(): string {
  const verifier = randomBytes(32).toString("base64url");
  const query = new URLSearchParams({
    client_id: "console",
    response_type: "code",
    redirect_uri: consoleRedirect,
    scope: "openid",
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
  });
  return `${base}/oauth/authorize?${query}`;
}

try {
  // 1. Password guesses on one interaction.
  const start = await fetch(authorizeUrl(), { redirect: "manual" });
  const loginPath = start.headers.get("location") ?? "";
  const cookie = start.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");
  let guess = 0;
  const guessAt = (username: () => string) => async () => {
    const response = await fetch(new URL(loginPath, base), {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ username: username(), password: "wrong-guess" }),
      redirect: "manual",
    });
    await response.arrayBuffer();
    return response.status;
  };
  const oneAccount = await hammer(guessAt(() => "admin"));
  console.log(`login guesses at one account (one client): ${perSecond(oneAccount)}`);
  const manyAccounts = await hammer(guessAt(() => `user-${guess++}`));
  console.log(`login guesses at many accounts (one client): ${perSecond(manyAccounts)}`);

  // 2. Wrong client secrets: a confidential client made over the API with the admin's key.
  const created = await fetch(`${base}/api/v3/users/admin/clients`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({
      client: {
        ids: { client_id: "bench-client" },
        secret: "the-real-client-secret",
        redirect_uris: ["http://localhost/callback"],
        grants: ["GRANT_AUTHORIZATION_CODE"],
        state: "STATE_APPROVED",
      },
    }),
  });
  if (!created.ok) throw new Error(`creating the client: ${await created.text()}`);
  const secrets = await hammer(async () => {
    const response = await fetch(`${base}/oauth/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from("bench-client:wrong-secret").toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code: "x",
        code_verifier: "y",
      }),
    });
    await response.arrayBuffer();
    return response.status;
  });
  console.log(`client secret guesses (one client): ${perSecond(secrets)}`);

  // 3. Interactions stored per hour of authorize calls.
  const db = new Database(join(dataDir, "lorastack.db"), { readonly: true });
  const table = () =>
    db
      .prepare(
        "select count(*) as rows, coalesce(sum(length(payload) + length(id)), 0) as bytes from oauth_artifacts where model = 'Interaction'",
      )
      .get() as { rows: number; bytes: number };
  const files = async () => {
    const pages = (name: string) => Number(db.pragma(name, { simple: true }));
    return (pages("page_count") - pages("freelist_count")) * pages("page_size");
  };
  const before = table();
  const filesBefore = await files();
  const authorizations = await hammer(async () => {
    const response = await fetch(authorizeUrl(), { redirect: "manual" });
    await response.arrayBuffer();
    return response.status;
  });
  const after = table();
  const filesAfter = await files();
  const hours = MEASURE_MS / 3_600_000;
  const rows = after.rows - before.rows;
  const bytes = after.bytes - before.bytes;
  db.close();
  console.log(`authorize calls (one client): ${perSecond(authorizations)}`);
  console.log(
    `interaction rows: ${before.rows} -> ${after.rows}; growth per hour at this rate: ` +
      `${Math.round(rows / hours)} rows, ${(bytes / hours / 2 ** 30).toFixed(2)} GiB of payload ` +
      `(${after.rows ? Math.round(after.bytes / after.rows) : 0} bytes a row); database used ` +
      `${(filesBefore / 2 ** 20).toFixed(1)} -> ${(filesAfter / 2 ** 20).toFixed(1)} MiB, ` +
      `${((filesAfter - filesBefore) / hours / 2 ** 30).toFixed(2)} GiB per hour`,
  );
} finally {
  await stack.stop();
  await rm(dataDir, { recursive: true, force: true });
}
