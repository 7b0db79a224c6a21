import { randomUUID } from "node:crypto";
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { Server as NetServer, Socket } from "node:net";
import type { SecureContextOptions } from "node:tls";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  LogController,
} from "fastify";
import type { ListenAddress } from "../config/index.ts";
import { admittingServer } from "../listeners/connection-limiter.ts";
import { type BoundListener, listenTcp } from "../listeners/index.ts";
import type { Logger } from "../log/logger.ts";
import { requestBodyLimit } from "./body-limit.ts";
import {
  applyHttp1Policy,
  type ConnectionPolicy,
  defaultConnectionPolicy,
  handOverTls,
  refuseHttp1,
  startConnectionChecks,
  tlsServerOptions,
} from "./connection-policy.ts";
import { lingerOnRefusedBodies } from "./refused-bodies.ts";
import { answerClientError, routingErrorBody } from "./routing-errors.ts";

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** One address the HTTP app is served on, plain or with TLS. */
export interface HttpListener {
  name: string;
  address: ListenAddress;
  tls?: SecureContextOptions;
}

/** A correlation id in The Things Stack's form (32 lower-case hex digits), one per request. */
export function newRequestId(): string {
  return randomUUID().replaceAll("-", "");
}

/**
 * The HTTP app (Fastify) served on any number of listeners: the plain and TLS management
 * ports share one set of routes. Components add routes to `app` before `listen`.
 *
 * Each request gets a correlation id (`request.id`); `request.log` writes it as
 * `correlation_id`, and API errors carry the same id. Requests that fail before any route
 * (a malformed URL, a path parameter too long: 414, headers too large: 431, a malformed
 * request) are answered with The Things Stack's routing error body (routing-errors.ts).
 *
 * Every listener applies the connection policy (`connections.*`, connection-policy.ts): each
 * connection is first admitted by the per-address and total caps (a refused plain client gets
 * 429 or 503, a refused TLS client a closed connection), then held to the header, request and
 * idle timeouts; a TLS client must begin its handshake within the header timeout.
 */
export class HttpServer {
  readonly app: FastifyInstance;
  #handler: Handler | undefined;
  readonly #servers: Server[] = [];
  /** The bound servers that admit connections and hand them to `#servers`. */
  readonly #gates: NetServer[] = [];
  /** Every admitted connection, cut when a shutdown runs out of time. */
  readonly #sockets = new Set<Socket>();
  readonly #policy: ConnectionPolicy;

  constructor(
    logger: Logger,
    options: { bodyLimit?: number; connections?: ConnectionPolicy } = {},
  ) {
    this.#policy = options.connections ?? defaultConnectionPolicy;
    this.app = Fastify({
      loggerInstance: logger as FastifyBaseLogger,
      // Requests are not logged one by one: health probes alone would flood the log.
      logController: new LogController({
        disableRequestLogging: true,
        requestIdLogLabel: "correlation_id",
      }),
      bodyLimit: options.bodyLimit ?? requestBodyLimit,
      genReqId: newRequestId,
      frameworkErrors: (error, _request, reply) => {
        const status = error.statusCode ?? 400;
        (reply as FastifyReply)
          .code(status)
          .type("application/json")
          .send(JSON.stringify(routingErrorBody(status)));
      },
      serverFactory: (handler) => {
        this.#handler = handler;
        return createHttpServer(handler);
      },
    });
    lingerOnRefusedBodies(this.app);
  }

  /** Binds every listener; the routes must be registered by then. */
  async listen(listeners: readonly HttpListener[]): Promise<BoundListener[]> {
    await this.app.ready();
    const handler = this.#handler;
    if (!handler) throw new Error("Fastify did not create its server");
    const bound: BoundListener[] = [];
    for (const listener of listeners) {
      const server = listener.tls
        ? createHttpsServer({ ...listener.tls, ...tlsServerOptions(this.#policy) }, handler)
        : createHttpServer(handler);
      applyHttp1Policy(server, this.#policy);
      server.on("clientError", answerClientError);
      startConnectionChecks(server);
      // A refused TLS client gets no answer: answering would cost a handshake.
      const gate = admittingServer(
        this.#policy.limiter,
        listener.tls
          ? (socket) => handOverTls(socket, server, this.#policy)
          : (socket) => server.emit("connection", socket),
        listener.tls ? (socket) => socket.destroy() : refuseHttp1,
      );
      gate.on("connection", (socket: Socket) => {
        this.#sockets.add(socket);
        socket.once("close", () => this.#sockets.delete(socket));
      });
      this.#servers.push(server);
      this.#gates.push(gate);
      bound.push(await listenTcp(gate, listener.address, listener.name));
    }
    return bound;
  }

  /**
   * Stops accepting connections and waits for in-flight requests to finish; after `timeoutMs`,
   * the connections still open are cut.
   */
  async close(timeoutMs: number): Promise<void> {
    const closing = this.#gates.map(
      (gate) =>
        new Promise<void>((resolve) => {
          if (!gate.listening) return resolve();
          // Resolves once every connection it admitted has closed.
          gate.close(() => resolve());
        }),
    );
    for (const server of this.#servers) server.closeIdleConnections();
    // A keep-alive connection whose last response ends after close() began stays open until
    // its client leaves; close such connections as soon as they fall idle.
    const sweep = setInterval(() => {
      for (const server of this.#servers) server.closeIdleConnections();
    }, 50);
    const timer = setTimeout(() => {
      for (const server of this.#servers) server.closeAllConnections();
      // Also those no server has taken yet (a TLS handshake, the first bytes).
      for (const socket of this.#sockets) socket.destroy();
    }, timeoutMs);
    sweep.unref();
    timer.unref();
    await Promise.all(closing);
    clearInterval(sweep);
    clearTimeout(timer);
    // Stops the servers' timeout checks (they never listened themselves).
    for (const server of this.#servers) server.close(() => {});
    this.#servers.length = 0;
    this.#gates.length = 0;
    await this.app.close();
  }
}
