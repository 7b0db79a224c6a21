import { createServer as createHttp1Server, type Server as Http1Server } from "node:http";
import {
  createSecureServer,
  createServer,
  type Http2SecureServer,
  type Http2Server,
  type Http2Session,
} from "node:http2";
import type { Server as NetServer, Socket } from "node:net";
import type { SecureContextOptions } from "node:tls";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { ListenAddress } from "../config/index.ts";
import {
  applyHttp1Policy,
  type ConnectionPolicy,
  defaultConnectionPolicy,
  type Http1Timeouts,
  handOverTls,
  refuseHttp1,
  refuseHttp2,
  startConnectionChecks,
  tlsServerOptions,
  watchHttp2Session,
  whenBytesArrive,
} from "../http/connection-policy.ts";
import { answerClientError } from "../http/routing-errors.ts";
import { admittingServer, type Refusal } from "../listeners/connection-limiter.ts";
import { type BoundListener, listenTcp } from "../listeners/index.ts";
import type { Logger } from "../log/logger.ts";
import { clusterAuthInterceptor } from "./cluster-auth.ts";
import type { ClusterKeys } from "./cluster-keys.ts";
import { connectHandlerOptions } from "./connect-options.ts";
import { apiErrorInterceptor, connectRoutes } from "./connect-routes.ts";
import { fieldMaskInterceptor } from "./field-paths.ts";
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

/** What closing needs of a server that speaks HTTP/1.1 (Node's HTTP/2 TLS server has no more). */
interface Http1Capable {
  closeIdleConnections?: () => void;
  close(callback: () => void): void;
}

/** The HTTP/2 connection preface every HTTP/2 client sends first (RFC 9113 §3.4). */
const http2Preface = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

/** How long a refused connection may take to show whether it speaks HTTP/2 or HTTP/1.1. */
const refusalSniffMs = 1_000;

/**
 * The gRPC port: every registered service over gRPC, gRPC-Web and Connect, internal services
 * included (to callers with a valid cluster key).
 *
 * Every connection goes through the connection policy (`connections.*`): admitted by the
 * per-address and total caps (a refused HTTP/2 client gets GOAWAY ENHANCE_YOUR_CALM, an
 * HTTP/1.1 client 429 or 503, a TLS client a closed connection), then held to the header,
 * request and idle timeouts. Request messages are read up to the REST body limit, compressed
 * and decompressed (connect-options.ts).
 */
export class GrpcServer {
  readonly #registry: ApiRegistry;
  readonly #clusterKeys: ClusterKeys;
  readonly #logger: Logger | undefined;
  readonly #policy: ConnectionPolicy;
  /** The bound servers; they admit connections and hand them to the protocol servers. */
  readonly #gates: NetServer[] = [];
  /** The servers that speak HTTP/1.1 (also the TLS HTTP/2 server, which allows it). */
  readonly #http1: Http1Capable[] = [];
  readonly #sessions = new Set<Http2Session>();
  /** Every admitted connection, cut when a shutdown runs out of time. */
  readonly #sockets = new Set<Socket>();

  constructor(
    registry: ApiRegistry,
    options: { clusterKeys: ClusterKeys; logger?: Logger; connections?: ConnectionPolicy },
  ) {
    this.#registry = registry;
    this.#clusterKeys = options.clusterKeys;
    this.#logger = options.logger;
    this.#policy = options.connections ?? defaultConnectionPolicy;
  }

  async listen(listeners: readonly GrpcListener[]): Promise<BoundListener[]> {
    const handler = connectNodeAdapter({
      routes: connectRoutes(this.#registry, { internal: true }),
      // The error interceptor is outermost: it also converts the cluster key refusals.
      interceptors: [
        apiErrorInterceptor(this.#logger),
        clusterAuthInterceptor(this.#clusterKeys, this.#registry),
        fieldMaskInterceptor(),
      ],
      jsonOptions: { registry: this.#registry.typeRegistry() },
      ...connectHandlerOptions(),
    });
    const bound: BoundListener[] = [];
    for (const listener of listeners) {
      const http2 = listener.tls
        ? createSecureServer(
            { ...listener.tls, ...tlsServerOptions(this.#policy), allowHTTP1: true },
            handler,
          )
        : createServer(handler);
      http2.on("session", (session) => {
        this.#sessions.add(session);
        session.once("close", () => this.#sessions.delete(session));
        watchHttp2Session(session, this.#policy);
      });
      let gate: NetServer;
      if (listener.tls) {
        const secure = http2 as Http2SecureServer;
        this.#serveHttp1(secure);
        // A refused TLS client gets no answer: answering would cost a handshake.
        gate = admittingServer(
          this.#policy.limiter,
          (socket) => handOverTls(socket, secure, this.#policy),
          (socket) => socket.destroy(),
        );
      } else {
        gate = this.#cleartextBoth(http2, handler);
      }
      this.#gates.push(gate);
      gate.on("connection", (socket: Socket) => {
        this.#sockets.add(socket);
        socket.once("close", () => this.#sockets.delete(socket));
      });
      bound.push(await listenTcp(gate, listener.address, listener.name));
    }
    return bound;
  }

  /** Holds a server's HTTP/1.1 connections to the policy's timeouts. */
  #serveHttp1(server: Http1Server | Http2SecureServer): void {
    applyHttp1Policy(server as Partial<Http1Timeouts>, this.#policy);
    server.on("clientError", answerClientError);
    startConnectionChecks(server);
    this.#http1.push(server);
  }

  /**
   * A cleartext port that serves HTTP/2 with prior knowledge (what gRPC clients speak) and
   * HTTP/1.1: Node's cleartext HTTP/2 server takes no HTTP/1.1, so each connection goes to one
   * server or the other by its first bytes, the HTTP/2 connection preface or anything else. A
   * connection that sends nothing within the header timeout is closed.
   */
  #cleartextBoth(http2: Http2Server, handler: Parameters<typeof createHttp1Server>[1]): NetServer {
    const http1 = createHttp1Server(handler);
    this.#serveHttp1(http1);
    // "PRI " starts the HTTP/2 preface and no HTTP/1.1 request: four bytes decide.
    const route = (socket: Socket, timeoutMs: number, refusal?: Refusal) =>
      whenBytesArrive(socket, 4, timeoutMs, (head) => {
        const isHttp2 = head.subarray(0, 4).equals(http2Preface.subarray(0, 4));
        if (refusal) (isHttp2 ? refuseHttp2 : refuseHttp1)(socket, refusal);
        else (isHttp2 ? http2 : http1).emit("connection", socket);
      });
    return admittingServer(
      this.#policy.limiter,
      (socket) => route(socket, this.#policy.headerTimeoutMs),
      (socket, refusal) => route(socket, refusalSniffMs, refusal),
    );
  }

  /** Stops accepting; open calls finish, sessions still open after `timeoutMs` are destroyed. */
  async close(timeoutMs: number): Promise<void> {
    const closing = this.#gates.map(
      (gate) =>
        new Promise<void>((resolve) => {
          if (!gate.listening) return resolve();
          // Resolves once every connection it admitted has closed.
          gate.close(() => resolve());
        }),
    );
    for (const session of this.#sessions) session.close();
    for (const http1 of this.#http1) http1.closeIdleConnections?.();
    const timer = setTimeout(() => {
      for (const session of this.#sessions) session.destroy();
      for (const socket of this.#sockets) socket.destroy();
    }, timeoutMs);
    timer.unref();
    await Promise.all(closing);
    clearTimeout(timer);
    // Stops the servers' timeout checks (they never listened themselves).
    for (const http1 of this.#http1) http1.close(() => {});
    this.#gates.length = 0;
    this.#http1.length = 0;
  }
}
