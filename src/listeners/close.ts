import type { Server as HttpServer } from "node:http";
import type { Server, Socket } from "node:net";

/**
 * Tracks the connections of a server so that closing it can cut the ones still open after a
 * grace period (`net.Server.close` alone waits for every connection to end by itself).
 */
export function trackConnections(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  return sockets;
}

/**
 * Stops accepting and waits for open connections to finish; after `timeoutMs` the remaining
 * ones are destroyed. HTTP servers close their idle keep-alive connections at once.
 */
export async function closeServer(
  server: Server,
  sockets: Set<Socket>,
  timeoutMs: number,
): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const http = server as Partial<HttpServer>;
  http.closeIdleConnections?.call(server);
  const timer = setTimeout(() => {
    for (const socket of sockets) socket.destroy();
  }, timeoutMs);
  timer.unref();
  await closed;
  clearTimeout(timer);
}
