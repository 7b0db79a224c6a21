// A browser-ish HTTP client for tests of the OAuth pages: manual redirects, cookies by hand.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";

/** A minimal cookie jar: name → value and path, sent when the request path is under it. */
export class CookieJar {
  readonly #cookies = new Map<string, { value: string; path: string }>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";").map((part) => part.trim());
      const index = pair.indexOf("=");
      const name = pair.slice(0, index);
      const value = pair.slice(index + 1);
      const path = attributes.find((a) => a.toLowerCase().startsWith("path="))?.slice(5) ?? "/";
      const expired = attributes.some(
        (a) =>
          a.toLowerCase().startsWith("expires=") && new Date(a.slice(8)).getTime() < Date.now(),
      );
      const key = `${name};${path}`;
      if (expired || value === "") this.#cookies.delete(key);
      else this.#cookies.set(key, { value, path });
    }
  }

  /** The cookie called `name` (any path), if held. */
  get(name: string): { value: string; path: string } | undefined {
    for (const [key, cookie] of this.#cookies) if (key.startsWith(`${name};`)) return cookie;
    return undefined;
  }

  set(name: string, value: string, path: string): void {
    this.#cookies.set(`${name};${path}`, { value, path });
  }

  header(url: URL): string {
    return [...this.#cookies.entries()]
      .filter(
        ([, { path }]) =>
          url.pathname === path || url.pathname.startsWith(path.endsWith("/") ? path : `${path}/`),
      )
      .map(([key, { value }]) => `${key.slice(0, key.indexOf(";"))}=${value}`)
      .join("; ");
  }
}

/** A browser-ish client: manual redirects, cookies by hand. */
export class Browser {
  readonly jar = new CookieJar();
  readonly base: string;

  constructor(base: string) {
    this.base = base;
  }

  async request(
    path: string,
    init: { method?: string; form?: Record<string, string> } = {},
  ): Promise<Response> {
    const url = new URL(path, this.base);
    const headers: Record<string, string> = {};
    const cookie = this.jar.header(url);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (init.form) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(url, {
      method: init.method ?? (body ? "POST" : "GET"),
      headers,
      body,
      redirect: "manual",
    });
    this.jar.store(response);
    return response;
  }
}

export function pkce() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

export function location(response: Response): string {
  const value = response.headers.get("location");
  assert.ok(value, `expected a redirect, got ${response.status}`);
  return value;
}
