/**
 * The CLI's OAuth login, token renewal and logout, and its shell completion, against a real
 * `bin/lorastack start is`. The test is the browser: it signs in to the Identity Server's
 * OAuth pages with a cookie jar, follows the redirects of the authorization to the CLI's local
 * callback (or to the server's `code` page, whose code it writes to the CLI's stdin). Each CLI
 * run is a child process with its own HOME and XDG_CONFIG_HOME, as in cli-entities.test.ts.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Browser, location } from "../../src/identity-server/oauth/test-browser.ts";
import { cliHarness, type Json } from "../harness/cli.ts";
import { freePort } from "../harness/free-port.ts";
import { adminPassword, initialize } from "../harness/identity-admin.ts";
import {
  type LorastackProcess,
  lorastackBin,
  startLorastack,
} from "../harness/lorastack-process.ts";
import { type RunResult, run } from "../harness/run.ts";

let dataDir: string;
let home: string;
let stack: LorastackProcess;
/** The test's browser, signed in to the OAuth server after the first authorization. */
let browser: Browser;

const { cli, envOf, configOf } = cliHarness(() => ({ home, server: stack.httpUrl }));

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "lorastack-e2e-cli-auth-"));
  home = await mkdtemp(join(tmpdir(), "lorastack-e2e-cli-auth-home-"));
  // The issuer names the port, so the port is chosen before the start.
  const port = await freePort();
  const env = {
    LORASTACK_HTTP_LISTEN: `127.0.0.1:${port}`,
    LORASTACK_OAUTH_ISSUER: `http://127.0.0.1:${port}/oauth`,
  };
  await initialize(dataDir, env);
  stack = await startLorastack({ dataDir, args: ["is"], env });
  browser = new Browser(stack.httpUrl);
});

after(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
  await rm(home, { recursive: true, force: true });
});

function credentialsFile(as: string): string {
  return join(configOf(as), "lorastack", "credentials.json");
}

async function stored(as: string): Promise<Json> {
  return JSON.parse(await readFile(credentialsFile(as), "utf8")).servers[stack.httpUrl];
}

/** Replaces the user's credentials file with one entry, the stack's, as the CLI writes it. */
async function store(as: string, credential: Json): Promise<void> {
  await writeFile(
    credentialsFile(as),
    JSON.stringify({ version: 1, servers: { [stack.httpUrl]: credential } }),
    { mode: 0o600 },
  );
}

/** A CLI run the test talks to while it runs: its stderr as it comes, its stdin. */
class RunningCli {
  readonly child: ChildProcess;
  stderr = "";
  exited = false;
  readonly exit: Promise<number | null>;
  readonly #waiters: (() => void)[] = [];

  constructor(args: string[], as: string) {
    this.child = spawn(process.execPath, [lorastackBin, ...args, "--server", stack.httpUrl], {
      env: envOf(as),
      cwd: home,
      stdio: ["pipe", "pipe", "pipe"],
      timeout: 30_000,
    });
    this.child.stdout?.resume();
    this.child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderr += chunk;
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.exit = new Promise((resolve) => this.child.on("close", (code) => resolve(code)));
    this.exit.then(() => {
      this.exited = true;
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  /** The first match of `pattern` in stderr, once it is there; fails if the CLI ends first. */
  async waitFor(pattern: RegExp): Promise<RegExpMatchArray> {
    for (;;) {
      const match = this.stderr.match(pattern);
      if (match) return match;
      if (this.exited) assert.fail(`the CLI ended without ${pattern}:\n${this.stderr}`);
      await new Promise<void>((wake) => this.#waiters.push(wake));
    }
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill("SIGKILL");
  }
}

/**
 * Follows the authorization from `url` as a browser would, signing in on the login page when
 * the browser has no session yet; returns the redirect that leaves the OAuth server.
 */
async function authorize(url: string, leavesAt: string): Promise<string> {
  let next = url;
  for (let hops = 0; hops < 8; hops++) {
    const response = new URL(next, stack.httpUrl).pathname.startsWith("/oauth/login/")
      ? await browser.request(next, { form: { username: "admin", password: adminPassword } })
      : await browser.request(next);
    next = new URL(location(response), next).href;
    if (next.startsWith(leavesAt)) return next;
  }
  assert.fail(`the authorization did not reach ${leavesAt}: ${next}`);
}

/** The authorization URL the CLI printed. */
async function printedUrl(login: RunningCli): Promise<string> {
  const [url] = await login.waitFor(/http:\/\/\S+\/oauth\/authorize\?\S+/);
  return url;
}

/** Logs `as` in through the local callback; resolves the CLI's result. */
async function browserLogin(as: string): Promise<{ result: number | null; stderr: string }> {
  const login = new RunningCli(["login", "--no-browser"], as);
  try {
    const url = new URL(await printedUrl(login));
    const redirectUri = url.searchParams.get("redirect_uri") ?? "";
    const callback = await authorize(url.href, redirectUri);
    const answer = await fetch(callback);
    assert.equal(answer.status, 200, await answer.text());
    return { result: await login.exit, stderr: login.stderr };
  } finally {
    login.kill();
  }
}

describe("lorastack login with OAuth", () => {
  it("browser flow: local callback on a loopback port, tokens stored 0600, commands work", async () => {
    const login = new RunningCli(["login", "--no-browser"], "browser");
    try {
      const url = new URL(await printedUrl(login));
      assert.equal(url.searchParams.get("client_id"), "cli");
      assert.equal(url.searchParams.get("code_challenge_method"), "S256");
      const redirectUri = url.searchParams.get("redirect_uri") ?? "";
      assert.match(redirectUri, /^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/);
      // Another page probing the port with a wrong state is answered and ignored.
      const probe = await fetch(`${redirectUri}?code=forged&state=wrong`);
      assert.equal(probe.status, 400);
      await probe.text();
      const callback = await authorize(url.href, redirectUri);
      assert.equal(new URL(callback).searchParams.get("state"), url.searchParams.get("state"));
      const answer = await fetch(callback);
      assert.equal(answer.status, 200);
      assert.match(await answer.text(), /logged in/);
      assert.equal(await login.exit, 0, login.stderr);
    } finally {
      login.kill();
    }
    assert.match(login.stderr, /logged in to http:\/\/127\.0\.0\.1:\d+ as user admin \(admin\)/);
    assert.equal((await stat(credentialsFile("browser"))).mode & 0o777, 0o600);
    const credential = await stored("browser");
    assert.equal(credential.kind, "oauth");
    assert.equal(credential.client_id, "cli");
    assert.ok(credential.token && credential.refresh_token, JSON.stringify(credential));
    assert.ok(Date.parse(credential.expires_at) > Date.now() + 30 * 60_000);
    // The access token is the API's bearer token.
    const created = await cli(["applications", "create", "oauth-app", "--user-id", "admin"], {
      as: "browser",
    });
    assert.equal(created.code, 0, created.stderr);
    const listed = await cli(["applications", "list"], { as: "browser" });
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(
      JSON.parse(listed.stdout).map((app: Json) => app.ids.application_id),
      ["oauth-app"],
    );
  });

  it("headless flow: --callback=false, the code shown by the server pasted on stdin", async () => {
    const login = new RunningCli(["login", "--callback=false"], "headless");
    try {
      const url = new URL(await printedUrl(login));
      const redirectUri = url.searchParams.get("redirect_uri") ?? "";
      assert.equal(redirectUri, `${stack.httpUrl}/oauth/code`);
      const codePage = await authorize(url.href, redirectUri);
      const page = await browser.request(codePage);
      assert.equal(page.status, 200);
      const html = await page.text();
      const code = html.match(/id="code" type="text" readonly value="([^"]+)"/)?.[1];
      assert.ok(code, html);
      assert.equal(code, new URL(codePage).searchParams.get("code"));
      await login.waitFor(/> $/);
      // An empty line first: the CLI asks again.
      login.child.stdin?.write("\n");
      login.child.stdin?.write(`  ${code}  \n`);
      assert.equal(await login.exit, 0, login.stderr);
    } finally {
      login.kill();
    }
    assert.equal((await stored("headless")).kind, "oauth");
    const listed = await cli(["applications", "list"], { as: "headless" });
    assert.equal(listed.code, 0, listed.stderr);
  });

  it("the code page without a code shows the error and no code", async () => {
    const page = await fetch(
      `${stack.httpUrl}/oauth/code?error=access_denied&error_description=%3Cb%3Eno%3C%2Fb%3E`,
    );
    assert.equal(page.status, 400);
    const html = await page.text();
    assert.match(html, /access_denied/);
    assert.match(html, /&lt;b&gt;no&lt;\/b&gt;/);
    assert.doesNotMatch(html, /id="code"/);
  });

  it("renews an expired access token once, atomically, for commands started together", async () => {
    const { result, stderr } = await browserLogin("renewing");
    assert.equal(result, 0, stderr);
    const before = await stored("renewing");
    await store("renewing", { ...before, expires_at: "2026-01-01T00:00:00.000Z" });
    // A refresh token works once: were two of these to renew, the grant would be revoked and
    // the others would fail.
    const results = await Promise.all(
      [1, 2, 3].map(() => cli(["applications", "list"], { as: "renewing" })),
    );
    for (const each of results) assert.equal(each.code, 0, each.stderr);
    const after = await stored("renewing");
    assert.notEqual(after.token, before.token);
    assert.notEqual(after.refresh_token, before.refresh_token);
    assert.ok(Date.parse(after.expires_at) > Date.now() + 30 * 60_000);
    assert.equal((await stat(credentialsFile("renewing"))).mode & 0o777, 0o600);
    // The renewed token is used from now on, without another renewal.
    const again = await cli(["applications", "list"], { as: "renewing" });
    assert.equal(again.code, 0, again.stderr);
    assert.equal((await stored("renewing")).token, after.token);
  });

  it("a refresh token the server refuses ends the login with a clear error", async () => {
    const { result, stderr } = await browserLogin("refused");
    assert.equal(result, 0, stderr);
    const credential = await stored("refused");
    await store("refused", {
      ...credential,
      refresh_token: "not-a-refresh-token",
      expires_at: "2026-01-01T00:00:00.000Z",
    });
    const listed = await cli(["applications", "list"], { as: "refused" });
    assert.equal(listed.code, 1);
    assert.match(listed.stderr, /can not be renewed .*run `lorastack login --server/);
  });

  it("logout revokes the tokens at the server and removes the entry", async () => {
    const { result, stderr } = await browserLogin("leaving");
    assert.equal(result, 0, stderr);
    const credential = await stored("leaving");
    const before = await fetch(`${stack.httpUrl}/api/v3/auth_info`, {
      headers: { authorization: `Bearer ${credential.token}` },
    });
    assert.equal(before.status, 200);
    await before.text();

    const out = await cli(["logout"], { as: "leaving" });
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stderr, /revoked the OAuth tokens/);
    assert.match(out.stderr, /logged out of/);
    assert.equal(await stored("leaving"), undefined);

    const refused = await fetch(`${stack.httpUrl}/api/v3/auth_info`, {
      headers: { authorization: `Bearer ${credential.token}` },
    });
    assert.equal(refused.status, 401);
    await refused.text();
    const refresh = await fetch(credential.token_endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: credential.refresh_token,
        client_id: "cli",
      }),
    });
    assert.equal(refresh.status, 400);
    assert.equal(((await refresh.json()) as Json).error, "invalid_grant");
  });

  it("an unknown OAuth server address is an error before any browser", async () => {
    const result = await cli(
      ["login", "--no-browser", "--oauth-server-address", `${stack.httpUrl}/nothing`],
      { as: "lost" },
    );
    assert.equal(result.code, 1);
    assert.match(result.stderr, /is not a usable OAuth server/);
    assert.doesNotMatch(result.stderr, /oauth\/authorize/);
  });
});

describe("lorastack completion", () => {
  /** A PATH where `lorastack` is the program under test (and node the one running the tests). */
  async function pathWithLorastack(): Promise<string> {
    const bin = join(home, "bin");
    await mkdir(bin, { recursive: true });
    await symlink(lorastackBin, join(bin, "lorastack")).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
    });
    return [bin, dirname(process.execPath), process.env.PATH ?? ""].join(":");
  }

  /** `bash -c script` with `lorastack` on the PATH. */
  async function bash(script: string): Promise<RunResult> {
    return run("bash", ["-c", script], {
      env: { PATH: await pathWithLorastack(), HOME: join(home, "shell") },
      timeoutMs: 30_000,
    });
  }

  /** `lorastack <args>` without `--server`, which the command does not take. */
  function lorastack(args: string[]): Promise<RunResult> {
    return run(process.execPath, [lorastackBin, ...args], { env: envOf("shell"), cwd: home });
  }

  it("bash: the script registers a completion function that completes the whole tree", async () => {
    const registered = await bash("source <(lorastack completion bash); complete -p lorastack");
    assert.equal(registered.code, 0, registered.stderr);
    assert.equal(registered.stdout.trim(), "complete -F _lorastack lorastack");

    const file = join(home, "completion.bash");
    const made = await bash(`lorastack completion bash > '${file}'`);
    assert.equal(made.code, 0, made.stderr);
    // Completion as bash runs it: the words so far, the index of the one being completed.
    const complete = async (...words: string[]) => {
      const result = await bash(
        `source '${file}'
COMP_WORDS=(${words.map((word) => `'${word}'`).join(" ")}); COMP_CWORD=${words.length - 1}
_lorastack; echo "\${COMPREPLY[*]}"`,
      );
      assert.equal(result.code, 0, result.stderr);
      return result.stdout.trim().split(" ").filter(Boolean);
    };
    assert.deepEqual(await complete("lorastack", "log"), ["login", "logout"]);
    assert.deepEqual(await complete("lorastack", "login", "--ca"), ["--callback"]);
    assert.deepEqual(await complete("lorastack", "app", "cr"), ["create"]);
    assert.deepEqual(await complete("lorastack", "completion", ""), ["bash", "zsh"]);
    // Flags added only when a command runs (rights, configuration keys) are there too.
    assert.deepEqual(
      await complete("lorastack", "applications", "api-keys", "create", "--right-application-a"),
      ["--right-application-all"],
    );
    assert.ok((await complete("lorastack", "start", "--http.")).includes("--http.listen"));
    // A flag's value does not throw the walk off.
    assert.deepEqual(await complete("lorastack", "gtw", "--server", "x", "get", "--gateway-i"), [
      "--gateway-id",
    ]);
  });

  it("zsh: a #compdef script with descriptions, registered with compdef when sourced", async () => {
    const result = await lorastack(["completion", "zsh"]);
    assert.equal(result.code, 0, result.stderr);
    const script = result.stdout;
    assert.match(script, /^#compdef lorastack\n/);
    assert.match(
      script,
      /'\|applications'\|'\|application'\|'\|apps'\|'\|app'\) _lorastack_node='applications' ;;/,
    );
    assert.match(script, /'login'\) _lorastack_reply=\(.*'--callback:OAuth: wait for the browser/);
    assert.match(script, /_describe -t commands lorastack _lorastack_reply/);
    assert.match(script, /compdef _lorastack lorastack/);
    // zsh is not installed everywhere; where it is, the script must parse.
    if ((await run("sh", ["-c", "command -v zsh"])).code === 0) {
      const checked = await run("zsh", ["-n", "-c", script]);
      assert.equal(checked.code, 0, checked.stderr);
    }
  });

  it("an unknown shell is a usage error", async () => {
    const result = await lorastack(["completion", "fish"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /"bash", "zsh"/);
    assert.equal(result.stdout, "");
  });
});
