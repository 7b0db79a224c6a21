import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Fastify, { type FastifyInstance } from "fastify";
import {
  contentSecurityPolicy,
  notBuiltMessage,
  registerStaticSite,
  safeSegments,
} from "./static-site.ts";

const indexHtml = `<!doctype html><html><head>
<meta name="csp-nonce" content="__CSP_NONCE__" />
<meta name="oauth-issuer" content="__OAUTH_ISSUER__" />
<script nonce="__CSP_NONCE__">void 0</script>
<script type="module" src="/console/assets/index-abc123.js"></script>
</head><body><div id="root"></div></body></html>`;

async function site(dir: string, issuer = "http://localhost:1885/oauth"): Promise<FastifyInstance> {
  const app = Fastify();
  registerStaticSite(app, { dir, issuer });
  await app.ready();
  return app;
}

describe("the Console's static site", () => {
  let root: string;
  let dir: string;
  let app: FastifyInstance;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), "console-site-"));
    dir = join(root, "console");
    await mkdir(join(dir, "assets"), { recursive: true });
    await mkdir(join(dir, ".vite"));
    await writeFile(join(dir, "index.html"), indexHtml);
    await writeFile(join(dir, "assets", "index-abc123.js"), "console.log('app')");
    await writeFile(join(dir, "favicon.svg"), "<svg/>");
    await writeFile(join(dir, ".vite", "manifest.json"), "{}");
    await writeFile(join(root, "secret.txt"), "outside");
    await symlink(join(root, "secret.txt"), join(dir, "link.txt"));
    app = await site(dir);
  });

  after(async () => {
    await app.close();
    await rm(root, { recursive: true, force: true });
  });

  it("redirects / and /console to /console/", async () => {
    const home = await app.inject("/");
    assert.equal(home.statusCode, 302);
    assert.equal(home.headers.location, "/console/");
    const bare = await app.inject("/console?x=1");
    assert.equal(bare.statusCode, 301);
    assert.equal(bare.headers.location, "/console/?x=1");
  });

  it("serves index.html with a fresh nonce in the page and the CSP, never cached", async () => {
    const first = await app.inject("/console/");
    const second = await app.inject("/console/");
    assert.equal(first.statusCode, 200);
    assert.match(String(first.headers["content-type"]), /^text\/html/);
    assert.equal(first.headers["cache-control"], "no-store");
    const nonce = /content="([^"]+)"/.exec(first.body)?.[1] ?? "";
    assert.match(nonce, /^[A-Za-z0-9+/]{22}==$/);
    assert.ok(!first.body.includes("__CSP_NONCE__"));
    assert.ok(first.body.includes(`<script nonce="${nonce}">`));
    assert.ok(first.body.includes('content="http://localhost:1885/oauth"'));
    const csp = String(first.headers["content-security-policy"]);
    assert.ok(csp.includes(`script-src 'self' 'nonce-${nonce}'`));
    assert.ok(csp.includes(`style-src 'self' 'nonce-${nonce}'`));
    assert.ok(csp.includes("frame-ancestors 'none'"));
    assert.ok(!csp.includes("unsafe-inline"));
    assert.notEqual(second.headers["content-security-policy"], csp, "a nonce per answer");
  });

  it("answers the app's routes with index.html (single-page app fallback)", async () => {
    for (const path of ["/console/applications", "/console/applications/app1/devices/dev1"]) {
      const response = await app.inject(path);
      assert.equal(response.statusCode, 200, path);
      assert.ok(response.body.includes('<div id="root">'), path);
      assert.ok(response.headers["content-security-policy"], path);
    }
  });

  it("caches hashed assets for good and revalidates other files", async () => {
    const asset = await app.inject("/console/assets/index-abc123.js");
    assert.equal(asset.statusCode, 200);
    assert.equal(asset.body, "console.log('app')");
    assert.equal(asset.headers["cache-control"], "public, max-age=31536000, immutable");
    assert.match(String(asset.headers["content-type"]), /^text\/javascript/);
    assert.equal(asset.headers["x-content-type-options"], "nosniff");
    const icon = await app.inject("/console/favicon.svg");
    assert.equal(icon.headers["cache-control"], "no-cache");
    assert.equal(icon.headers["content-type"], "image/svg+xml");
    const again = await app.inject({
      url: "/console/favicon.svg",
      headers: { "if-none-match": String(icon.headers.etag) },
    });
    assert.equal(again.statusCode, 304);
  });

  it("answers 404 for a missing asset instead of the page", async () => {
    assert.equal((await app.inject("/console/assets/missing-1.js")).statusCode, 404);
    assert.equal((await app.inject("/console/missing.css")).statusCode, 404);
  });

  it("never serves files outside the folder, dotfiles or symbolic links out", async () => {
    for (const path of [
      "/console/../secret.txt",
      "/console/%2e%2e/secret.txt",
      "/console/assets/..%2f..%2fsecret.txt",
      "/console/..%5csecret.txt",
      "/console/.vite/manifest.json",
      "/console/%2evite/manifest.json",
      "/console/link.txt",
      "/console/%00",
      "/console/%E0%A4%A",
    ]) {
      const response = await app.inject(path);
      assert.ok(!response.body.includes("outside"), path);
      assert.ok(!response.body.includes("{}") || response.statusCode !== 200, path);
      assert.ok([400, 404].includes(response.statusCode), `${path}: ${response.statusCode}`);
    }
  });

  it("answers 503 saying how to build it when the Console is not built", async () => {
    const empty = await site(join(root, "missing"));
    try {
      for (const path of ["/console/", "/console/applications"]) {
        const response = await empty.inject(path);
        assert.equal(response.statusCode, 503);
        assert.equal(response.body, notBuiltMessage);
        assert.match(response.body, /npm run build:console/);
      }
    } finally {
      await empty.close();
    }
  });
});

describe("safeSegments", () => {
  it("keeps plain paths and refuses dot segments, dotfiles, backslashes and bad encoding", () => {
    assert.deepEqual(safeSegments("assets/a.js"), ["assets", "a.js"]);
    assert.deepEqual(safeSegments(""), []);
    assert.equal(safeSegments(".."), undefined);
    assert.equal(safeSegments("a/%2e%2e/b"), undefined);
    assert.equal(safeSegments(".env"), undefined);
    assert.equal(safeSegments("a%5cb"), undefined);
    assert.equal(safeSegments("%zz"), undefined);
  });
});

describe("contentSecurityPolicy", () => {
  it("allows the OAuth server's origin for requests when it is elsewhere", () => {
    assert.match(
      contentSecurityPolicy("n", "https://id.example.com/oauth"),
      /connect-src 'self' https:\/\/id\.example\.com;/,
    );
  });
});
