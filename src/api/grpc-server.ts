import { createServer as createHttp1Server, type Server as Http1Server } from "node:http";
import {
  createSecureServer,
  createServer,
  type Http2SecureServer,
  type Http2Server,
  type Http2Session,
} from "node:http2";
import { createServer as createNetServer, type Server as NetServer, type Socket } from "node:net";
import type { SecureContextOptions } from "node:tls";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { ListenAddress } from "../config/index.ts";
import { type BoundListener, listenTcp } from "../listeners/index.ts";
import type { Logger } from "../log/logger.ts";
import { clusterAuthInterceptor } from "./cluster-auth.ts";
import type { ClusterKeys } from "./cluster-keys.ts";
import { apiErrorInterceptor, connectRoutes } from "./connect-routes.ts";
import type { ApiRegistry } from "./registry.ts";

/**
 * One gRPC listener: plain or TLS. Both speak HTTP/2 (gRPC, gRPC-Web, Connect) and HTTP/1.1
 * (gRPC-Web and Connect for browsers and simple clients).
 */
export interface GrpcListener {
  name: string;
  address: ListenAddress;
  tls?: SecureContextOptions;
}

/** The HTTP/2 connection preface every HTTP/2 client sends first (RFC 9113 §3.4). */
const http2Preface = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

/**
 * The gRPC port: every registered service over gRPC, gRPC-Web and Connect, internal services
 * included (to callers with a valid cluster key).
 */
export class GrpcServer {
  readonly #registry: ApiRegistry;
  readonly #clusterKeys: ClusterKeys;
  readonly #logger: Logger | undefined;
  readonly #servers: (Http2Server | Http2SecureServer | NetServer)[] = [];
  readonly #http1: Http1Server[] = [];
  readonly #sessions = new Set<Http2Session>();

  constructor(registry: ApiRegistry, options: { clusterKeys: ClusterKeys; logger?: Logger }) {
    this.#registry = registry;
    this.#clusterKeys = options.clusterKeys;
    this.#logger = options.logger;
  }

  async listen(listeners: readonly GrpcListener[]): Promise<BoundListener[]> {
    const handler = connectNodeAdapter({
      routes: connectRoutes(this.#registry, { internal: true }),
      // The error interceptor is outermost: it also converts the cluster key refusals.
      interceptors: [
        apiErrorInterceptor(this.#logger),
        clusterAuthInterceptor(this.#clusterKeys, this.#registry),
      ],
      jsonOptions: { registry: this.#registry.typeRegistry() },
    });
    const bound: BoundListener[] = [];
    for (const listener of listeners) {
      const http2 = listener.tls
        ? createSecureServer({ ...listener.tls, allowHTTP1: true }, handler)
        : createServer(handler);
      http2.on("session", (session) => {
        this.#sessions.add(session);
        session.once("close", () => this.#sessions.delete(session));
      });
      const server = listener.tls ? http2 : this.#cleartextBoth(http2, handler);
      this.#servers.push(server);
      bound.push(await listenTcp(server, listener.address, listener.name));
    }
    return bound;
  }

  /**
   * A cleartext port that serves HTTP/2 with prior knowledge (what gRPC clients speak) and
   * HTTP/1.1: Node's cleartext HTTP/2 server takes no HTTP/1.1, so each connection goes to one
   * server or the other by its first bytes, the HTTP/2 connection preface or anything else.
   */
  #cleartextBoth(http2: Http2Server, handler: Parameters<typeof createHttp1Server>[1]): NetServer {
    const http1 = createHttp1Server(handler);
    this.#http1.push(http1);
    return createNetServer((socket: Socket) => {
      const received: Buffer[] = [];
      const route = () => {
        for (let chunk = socket.read(); chunk !== null; chunk = socket.read()) received.push(chunk);
        const head = Buffer.concat(received);
        // "PRI " starts the HTTP/2 preface and no HTTP/1.1 request: four bytes decide.
        if (head.length < 4) return;
        socket.off("readable", route);
        socket.unshift(head);
        (head.subarray(0, 4).equals(http2Preface.subarray(0, 4)) ? http2 : http1).emit(
          "connection",
          socket,
        );
      };
      socket.on("readable", route);
      socket.on("error", () => socket.destroy());
    });
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
    for (const http1 of this.#http1) http1.closeIdleConnections();
    const timer = setTimeout(() => {
      for (const session of this.#sessions) session.destroy();
      for (const http1 of this.#http1) http1.closeAllConnections();
    }, timeoutMs);
    timer.unref();
    await Promise.all(closing);
    clearTimeout(timer);
    this.#servers.length = 0;
    this.#http1.length = 0;
  }
}
