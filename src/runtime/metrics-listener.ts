import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { ListenAddress } from "../config/index.ts";
import { applyHttp1Policy, type ConnectionPolicy } from "../http/connection-policy.ts";
import { answerClientError, routingErrorBody } from "../http/routing-errors.ts";
import { type BoundListener, listenTcp } from "../listeners/index.ts";
import type { Registry } from "../metrics/registry.ts";

/** A bound metrics listener. */
export interface MetricsListener {
  bound: BoundListener;
  /** Stops accepting; connections still open after `timeoutMs` are cut. */
  close(timeoutMs: number): Promise<void>;
}

/**
 * Serves the Prometheus metrics at `GET /metrics` on a listener of its own
 * (`metrics.listen`, loopback by default), not on the API port, where anyone could read them.
 * With a token, a request must carry `Authorization: Bearer <token>` (compared in constant
 * time); other paths are 404 and other methods 405, in The Things Stack's routing error shape.
 */
export async function listenMetrics(options: {
  address: ListenAddress;
  metrics: Registry;
  token: string;
  policy: ConnectionPolicy;
}): Promise<MetricsListener> {
  const { metrics, token } = options;
  const expected = token === "" ? undefined : digest(`Bearer ${token}`);
  const server = createServer((request, response) => {
    void answer(request, response, metrics, expected);
  });
  applyHttp1Policy(server, options.policy);
  server.on("clientError", answerClientError);
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  const bound = await listenTcp(server, options.address, "metrics");
  return {
    bound,
    async close(timeoutMs) {
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, timeoutMs);
      timer.unref();
      await closed;
      clearTimeout(timer);
    },
  };
}

async function answer(
  request: IncomingMessage,
  response: ServerResponse,
  metrics: Registry,
  expected: Buffer | undefined,
): Promise<void> {
  const path = (request.url ?? "/").split("?")[0];
  if (path !== "/metrics") return sendError(response, 404);
  if (request.method !== "GET" && request.method !== "HEAD") return sendError(response, 405);
  if (expected && !timingSafeEqual(digest(request.headers.authorization ?? ""), expected)) {
    response.setHeader("www-authenticate", "Bearer");
    return sendError(response, 401);
  }
  try {
    const text = await metrics.metrics();
    response.writeHead(200, { "content-type": metrics.contentType });
    response.end(request.method === "HEAD" ? undefined : text);
  } catch {
    sendError(response, 500);
  }
}

function sendError(response: ServerResponse, status: number): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(routingErrorBody(status)));
}

/** Equal-length digests, so that the comparison takes the same time whatever was sent. */
function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}
