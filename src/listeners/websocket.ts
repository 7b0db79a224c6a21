import type { Server as HttpServer, IncomingMessage, RequestListener } from "node:http";
import type { Server as HttpsServer } from "node:https";
import type { Duplex } from "node:stream";
import type { TlsOptions } from "node:tls";
import { WebSocketServer } from "ws";
import { createHttpListenerServer } from "./http.ts";

/** How a websocket listener accepts connections. */
export interface WebSocketListenOptions {
  /**
   * The request paths that may upgrade: one path, or a test on the path (query string
   * removed). Any other upgrade is answered 404 before a websocket exists.
   */
  path: string | ((path: string) => boolean);
  /** TLS material (and, for mutual TLS, `requestCert`/`ca`): serves `wss://`. */
  tls?: TlsOptions;
  /** Largest accepted message in bytes (default 1 MiB). */
  maxPayload?: number;
  /** Answers plain HTTP requests on the port; default 426 Upgrade Required. */
  request?: RequestListener;
}

const defaultMaxPayload = 1024 * 1024;

/**
 * A websocket server on its own HTTP(S) server. Upgrades go through `handleUpgrade`, so the
 * path is checked before anything is allocated for the connection; accepted sockets are
 * emitted as `connection` (socket, request) on the returned server.
 */
export function createWebSocketListener(options: WebSocketListenOptions): {
  http: HttpServer | HttpsServer;
  websockets: WebSocketServer;
} {
  const websockets = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayload ?? defaultMaxPayload,
  });
  const accepts =
    typeof options.path === "string"
      ? (
          (expected: string) => (path: string) =>
            path === expected
        )(options.path)
      : options.path;
  const http = createHttpListenerServer(options.request ?? upgradeRequired, options.tls);
  http.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    if (!accepts(pathOf(request))) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    websockets.handleUpgrade(request, socket, head, (websocket) => {
      websockets.emit("connection", websocket, request);
    });
  });
  return { http, websockets };
}

function pathOf(request: IncomingMessage): string {
  const url = request.url ?? "/";
  const query = url.indexOf("?");
  return query < 0 ? url : url.slice(0, query);
}

const upgradeRequired: RequestListener = (_request, response) => {
  response.writeHead(426, { connection: "close", upgrade: "websocket" }).end();
};

/**
 * Closes every websocket with 1001 (going away), then the HTTP server; sockets still open
 * after `timeoutMs` are terminated.
 */
export async function closeWebSockets(
  websockets: WebSocketServer,
  timeoutMs: number,
): Promise<void> {
  const open = [...websockets.clients];
  for (const websocket of open) websocket.close(1001, "server shutting down");
  const timer = setTimeout(() => {
    for (const websocket of websockets.clients) websocket.terminate();
  }, timeoutMs);
  timer.unref();
  await Promise.all(
    open.map(
      (websocket) =>
        new Promise<void>((resolve) => {
          if (websocket.readyState === websocket.CLOSED) return resolve();
          websocket.once("close", () => resolve());
        }),
    ),
  );
  clearTimeout(timer);
  await new Promise<void>((resolve) => websockets.close(() => resolve()));
}
