import {
  createSecureServer,
  createServer,
  type Http2SecureServer,
  type Http2Server,
  type Http2Session,
} from "node:http2";
import type { SecureContextOptions } from "node:tls";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { ListenAddress } from "../config/index.ts";
import { type BoundListener, listenTcp } from "../runtime/listen.ts";
import { connectRoutes, errorInterceptor } from "./connect-routes.ts";
import type { ApiRegistry } from "./registry.ts";

/** One gRPC listener: plain (h2c, gRPC only) or TLS (HTTP/2 and HTTP/1.1: gRPC, gRPC-Web, Connect). */
export interface GrpcListener {
  name: string;
  address: ListenAddress;
  tls?: SecureContextOptions;
}

/** The gRPC port: every registered service over gRPC, gRPC-Web and Connect. */
export class GrpcServer {
  readonly #registry: ApiRegistry;
  readonly #servers: (Http2Server | Http2SecureServer)[] = [];
  readonly #sessions = new Set<Http2Session>();

  constructor(registry: ApiRegistry) {
    this.#registry = registry;
  }

  async listen(listeners: readonly GrpcListener[]): Promise<BoundListener[]> {
    const handler = connectNodeAdapter({
      routes: connectRoutes(this.#registry),
      interceptors: [errorInterceptor],
    });
    const bound: BoundListener[] = [];
    for (const listener of listeners) {
      const server = listener.tls
        ? createSecureServer({ ...listener.tls, allowHTTP1: true }, handler)
        : createServer(handler);
      server.on("session", (session) => {
        this.#sessions.add(session);
        session.once("close", () => this.#sessions.delete(session));
      });
      this.#servers.push(server);
      bound.push(await listenTcp(server, listener.address, listener.name));
    }
    return bound;
  }

  /** Stops accepting; open calls finish, sessions still open after `timeoutMs` are destroyed. */
  async close(timeoutMs: number): Promise<void> {
    const closing = this.#servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          if (!server.listening) return resolve();
          server.close(() => resolve());
        }),
    );
    for (const session of this.#sessions) session.close();
    const timer = setTimeout(() => {
      for (const session of this.#sessions) session.destroy();
    }, timeoutMs);
    timer.unref();
    await Promise.all(closing);
    clearTimeout(timer);
    this.#servers.length = 0;
  }
}
