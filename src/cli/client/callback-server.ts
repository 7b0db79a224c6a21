import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { errNoAuthorization, errOAuthDenied } from "./errors.ts";

/** The path of the local callback, under the loopback redirect URI the CLI client has. */
export const callbackPath = "/oauth/callback";

/** The CLI's local OAuth callback, listening. */
export interface CallbackServer {
  /** `http://127.0.0.1:<port>/oauth/callback`. */
  readonly redirectUri: string;
  /** What `exchange` made of the code the browser brought back. */
  readonly done: Promise<unknown>;
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1 on a free port for the browser's return from the authorization
 * (RFC 8252 §7.3). A request with the expected `state` and a `code` is handed to `exchange`,
 * and the browser is told whether the CLI got its tokens; with an `error` instead, `done`
 * rejects with `oauth_denied`. Anything else (another path, a wrong or missing state: another
 * page of the machine may probe the port) is answered and ignored. After `timeoutMs` without
 * a valid return, `done` rejects with `no_authorization`.
 */
export async function startCallbackServer<T>(options: {
  state: string;
  exchange: (code: string) => Promise<T>;
  timeoutMs: number;
}): Promise<CallbackServer & { readonly done: Promise<T> }> {
  let settle: { resolve(value: T): void; reject(error: unknown): void } | undefined;
  const done = new Promise<T>((resolve, reject) => {
    settle = { resolve, reject };
  });
  let handled = false;
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (url.pathname !== callbackPath) return answer(response, 404, "Not found.");
    if (request.method !== "GET") return answer(response, 405, "Method not allowed.");
    const query = url.searchParams;
    if (query.get("state") !== options.state || handled)
      return answer(response, 400, "This is not the authorization lorastack is waiting for.");
    const error = query.get("error");
    const code = query.get("code");
    if (error !== null || !code) {
      handled = true;
      const failure = errOAuthDenied.create({
        error: error ?? "no code",
        description: query.get("error_description") ?? "(none)",
      });
      answer(response, 400, `lorastack was not authorized: ${failure.message}`);
      settle?.reject(failure);
      return;
    }
    handled = true;
    options.exchange(code).then(
      (value) => {
        answer(response, 200, "lorastack is logged in. You can close this page.");
        settle?.resolve(value);
      },
      (failure: Error) => {
        answer(response, 400, `lorastack could not log in: ${failure.message}`);
        settle?.reject(failure);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const timer = setTimeout(
    () =>
      settle?.reject(
        errNoAuthorization.create({
          reason: `the browser did not come back within ${Math.round(options.timeoutMs / 60_000)} minutes`,
        }),
      ),
    options.timeoutMs,
  );
  // Nothing is awaited on `done` until the URL is shown; a rejection must not go unhandled.
  done.catch(() => {});
  return {
    redirectUri: `http://127.0.0.1:${port}${callbackPath}`,
    done,
    async close() {
      clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function answer(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "cache-control": "no-store",
    "referrer-policy": "no-referrer",
  });
  response.end(`${text}\n`);
}
