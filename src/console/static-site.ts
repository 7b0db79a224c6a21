import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile, realpath, stat } from "node:fs/promises";
import { extname, join, sep } from "node:path";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

/** The URL prefix the Console is served under (Vite's `base`). */
export const consolePath = "/console";

/** What the answer to an unbuilt Console says. */
export const notBuiltMessage =
  "The Console is not built: run `npm run build:console` (or `npm ci`) and reload this page.";

const contentTypes: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".webmanifest": "application/manifest+json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
};

/** Vite's hashed build output: a file's name changes when its content does. */
const immutableFolder = "assets";
const immutableCache = "public, max-age=31536000, immutable";
/** Anything else is revalidated (ETag) on every use. */
const revalidateCache = "no-cache";

export interface StaticSiteOptions {
  /** The built Console's folder (index.html, assets/). */
  dir: string;
  /**
   * The OAuth server's URL (`oauthIssuer`): written into index.html for the Console's sign-in,
   * and allowed as a `connect-src` of the CSP when on another origin.
   */
  issuer: string;
}

/**
 * The file segments of a path under `/console/`, or `undefined` when the path is not one the
 * Console can have: `..` and `.` segments, dotfiles and dot-folders (`.vite/manifest.json`),
 * backslashes, NUL and malformed percent-encoding.
 */
export function safeSegments(rest: string): string[] | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    return undefined;
  }
  if (decoded.includes("\0") || decoded.includes("\\")) return undefined;
  const segments = decoded.split("/").filter((segment) => segment !== "");
  if (segments.some((segment) => segment.startsWith("."))) return undefined;
  return segments;
}

/** A fresh nonce for one answer's CSP (128 bits, base64). */
export function newNonce(): string {
  return randomBytes(16).toString("base64");
}

/** The Content-Security-Policy of the Console's page: scripts and styles only from here or with the nonce. */
export function contentSecurityPolicy(nonce: string, issuer: string): string {
  const issuerOrigin = URL.parse(issuer)?.origin;
  const connect = ["'self'", ...(issuerOrigin ? [issuerOrigin] : [])];
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src ${[...new Set(connect)].join(" ")}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

function escapeAttribute(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/"/g, "&quot;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

/** index.html with the answer's nonce and the OAuth issuer written in. */
export function renderIndex(html: string, nonce: string, issuer: string): string {
  return html
    .replaceAll("__CSP_NONCE__", nonce)
    .replaceAll("__OAUTH_ISSUER__", escapeAttribute(issuer));
}

/** The real path of `path` when it is a regular file inside `root` (symbolic links resolved). */
async function fileInside(
  root: string,
  path: string,
): Promise<{ path: string; size: number; mtimeMs: number } | undefined> {
  try {
    const [realRoot, real] = await Promise.all([realpath(root), realpath(path)]);
    if (!real.startsWith(realRoot + sep)) return undefined;
    const info = await stat(real);
    return info.isFile() ? { path: real, size: info.size, mtimeMs: info.mtimeMs } : undefined;
  } catch {
    return undefined;
  }
}

function securityHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header("x-content-type-options", "nosniff")
    .header("referrer-policy", "same-origin")
    .header("x-frame-options", "DENY");
}

/**
 * Serves the built Console under `/console/`: its files, `index.html` for every other path
 * (the single-page app routes in the browser), `/` and `/console` redirected to `/console/`.
 * Hashed assets are cached for good; index.html carries a per-answer CSP nonce and is never
 * cached. Without a build, `/console/` answers 503 saying how to build it.
 */
export function registerStaticSite(app: FastifyInstance, options: StaticSiteOptions): void {
  const { dir, issuer } = options;

  async function sendIndex(reply: FastifyReply): Promise<FastifyReply> {
    let html: string;
    try {
      html = await readFile(join(dir, "index.html"), "utf8");
    } catch {
      return securityHeaders(reply)
        .code(503)
        .header("cache-control", "no-store")
        .type("text/plain; charset=utf-8")
        .send(notBuiltMessage);
    }
    const nonce = newNonce();
    return securityHeaders(reply)
      .code(200)
      .header("cache-control", "no-store")
      .header("content-security-policy", contentSecurityPolicy(nonce, issuer))
      .type(contentTypes[".html"] ?? "text/html")
      .send(renderIndex(html, nonce, issuer));
  }

  async function serve(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const url = request.url;
    const pathOnly = url.split("?")[0] ?? "";
    const rest = pathOnly.slice(`${consolePath}/`.length);
    const segments = safeSegments(rest);
    if (!segments) return notFound(reply);
    if (segments.length === 0 || (segments.length === 1 && segments[0] === "index.html"))
      return sendIndex(reply);
    const file = await fileInside(dir, join(dir, ...segments));
    if (!file) {
      // A missing asset is a 404 (a script tag must not get HTML); any other path is a route
      // of the app, which index.html renders.
      if (segments[0] === immutableFolder || extname(segments.at(-1) ?? "") !== "")
        return notFound(reply);
      return sendIndex(reply);
    }
    const etag = `W/"${file.size.toString(16)}-${Math.floor(file.mtimeMs).toString(16)}"`;
    securityHeaders(reply)
      .header("cache-control", segments[0] === immutableFolder ? immutableCache : revalidateCache)
      .header("etag", etag)
      .type(contentTypes[extname(file.path).toLowerCase()] ?? "application/octet-stream");
    if (request.headers["if-none-match"] === etag) return reply.code(304).send();
    reply.header("content-length", file.size);
    if (request.method === "HEAD") return reply.code(200).send();
    return reply.code(200).send(createReadStream(file.path));
  }

  function notFound(reply: FastifyReply): FastifyReply {
    return securityHeaders(reply)
      .code(404)
      .header("cache-control", "no-store")
      .type("text/plain; charset=utf-8")
      .send("Not found");
  }

  app.get("/", (_request, reply) => reply.redirect(`${consolePath}/`, 302));
  app.get(consolePath, (request, reply) => {
    const query = request.url.indexOf("?");
    return reply.redirect(`${consolePath}/${query >= 0 ? request.url.slice(query) : ""}`, 301);
  });
  app.get(`${consolePath}/`, (request, reply) => serve(request, reply));
  app.get(`${consolePath}/*`, (request, reply) => serve(request, reply));
}
