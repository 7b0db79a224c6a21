import { STATUS_CODES } from "node:http";
import { type Http2Session, constants as http2, type ServerHttp2Stream } from "node:http2";
import type { Socket } from "node:net";
import type { ConnectionLimiter, Refusal } from "../listeners/connection-limiter.ts";
import { routingErrorBody } from "./routing-errors.ts";

/**
 * How long clients may take and how many connections they may hold, on every HTTP and gRPC
 * listener (`connections.*`): unauthenticated clients must not be able to keep connections,
 * and so file descriptors, forever.
 */
export interface ConnectionPolicy {
  /** A new connection must send its request headers, HTTP/2 preface or TLS handshake within this. */
  headerTimeoutMs: number;
  /** A request, headers and body, must have arrived within this. */
  requestTimeoutMs: number;
  /** A connection with nothing in progress is closed after this. */
  idleTimeoutMs: number;
  /** Counts connections per client address; none: no caps. */
  limiter?: ConnectionLimiter;
}

/** Node's defaults, for servers built without a policy (tests). */
export const defaultConnectionPolicy: ConnectionPolicy = {
  headerTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  idleTimeoutMs: 65_000,
};

/** The settings of an HTTP/1.1 server that a policy decides. */
export interface Http1Timeouts {
  headersTimeout: number;
  requestTimeout: number;
  keepAliveTimeout: number;
  connectionsCheckingInterval: number;
}

/**
 * Applies the policy to a server that speaks HTTP/1.1 (plain, TLS, or HTTP/2 with HTTP/1.1
 * allowed); a TLS server also needs {@link tlsServerOptions} at creation. Node checks the
 * header and request timeouts of open connections periodically (every 30 s by default, which
 * let idle connections live for up to 90 s): here at a fraction of the header timeout.
 */
export function applyHttp1Policy(server: Partial<Http1Timeouts>, policy: ConnectionPolicy): void {
  const headersTimeout = Math.min(policy.headerTimeoutMs, policy.requestTimeoutMs);
  server.headersTimeout = headersTimeout;
  server.requestTimeout = policy.requestTimeoutMs;
  server.keepAliveTimeout = policy.idleTimeoutMs;
  server.connectionsCheckingInterval = Math.max(
    50,
    Math.min(1_000, Math.floor(headersTimeout / 4)),
  );
}

/** The creation options of a TLS server for a policy: the handshake must end in time. */
export function tlsServerOptions(policy: ConnectionPolicy): { handshakeTimeout: number } {
  return { handshakeTimeout: policy.headerTimeoutMs };
}

/** The answer to an HTTP/1.1 client refused for holding too many connections, or the server. */
const refusalStatus: Readonly<Record<Refusal, number>> = { address: 429, total: 503 };

/**
 * Refuses a new HTTP/1.1 connection with a status in The Things Stack's routing error shape
 * (429 when its address holds too many connections, 503 when the server does), then closes
 * it. Nothing of the request is read: the answer is written at once.
 */
export function refuseHttp1(socket: Socket, refusal: Refusal): void {
  const status = refusalStatus[refusal];
  const body = JSON.stringify(routingErrorBody(status));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      "Content-Type: application/json\r\n" +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      "Connection: close\r\n\r\n" +
      body,
    () => socket.destroy(),
  );
  closeSoon(socket);
}

/**
 * Refuses a new HTTP/2 connection: the server's preface (an empty SETTINGS frame) and a GOAWAY
 * with ENHANCE_YOUR_CALM and a reason gRPC clients show, then closes it.
 */
export function refuseHttp2(socket: Socket, refusal: Refusal): void {
  const reason = Buffer.from(
    refusal === "address" ? "too many connections from this address" : "too many connections",
  );
  const settings = Buffer.from([0, 0, 0, 0x4, 0, 0, 0, 0, 0]);
  const goaway = Buffer.alloc(9 + 8 + reason.length);
  goaway.writeUIntBE(8 + reason.length, 0, 3); // length
  goaway.writeUInt8(0x7, 3); // type GOAWAY
  // flags 0, stream 0, last stream id 0
  goaway.writeUInt32BE(http2.NGHTTP2_ENHANCE_YOUR_CALM, 13);
  reason.copy(goaway, 17);
  socket.end(Buffer.concat([settings, goaway]), () => socket.destroy());
  closeSoon(socket);
}

/** Destroys a refused socket whose client does not read the refusal. */
function closeSoon(socket: Socket): void {
  const timer = setTimeout(() => socket.destroy(), 1_000);
  timer.unref();
  socket.once("close", () => clearTimeout(timer));
}

/** How long a stream whose response is complete may go on receiving its request. */
const answeredGraceMs = 1_000;

/**
 * Applies the policy to an HTTP/2 session (cleartext or TLS): a session without open streams
 * is closed (GOAWAY) after the header timeout while it has had none yet, after the idle
 * timeout otherwise; a stream whose request has not fully arrived within the request timeout
 * is cancelled. Long responses (server streams) are not cut.
 */
export function watchHttp2Session(session: Http2Session, policy: ConnectionPolicy): void {
  let open = 0;
  let timer: NodeJS.Timeout | undefined;
  const arm = (ms: number) => {
    timer = setTimeout(() => {
      session.close();
      // A peer that does not take the GOAWAY is cut.
      setTimeout(() => session.destroy(), 1_000).unref();
    }, ms);
    timer.unref();
  };
  arm(policy.headerTimeoutMs);
  session.on("stream", (stream: ServerHttp2Stream) => {
    open++;
    clearTimeout(timer);
    const requestTimer = setTimeout(() => {
      if (!stream.readableEnded && !stream.destroyed) stream.close(http2.NGHTTP2_CANCEL);
    }, policy.requestTimeoutMs);
    requestTimer.unref();
    stream.once("end", () => clearTimeout(requestTimer));
    // A response sent before the whole request (a refusal before the body is read, a message
    // over the limit) leaves the client sending into a stream nobody reads: once the answer
    // is out, the stream is reset with NO_ERROR, which tells the client to stop (RFC 9113
    // §8.1), instead of waiting for the request timeout.
    let doneTimer: NodeJS.Timeout | undefined;
    stream.once("finish", () => {
      clearTimeout(requestTimer);
      doneTimer = setTimeout(() => {
        if (!stream.closed && !stream.destroyed) stream.close(http2.NGHTTP2_NO_ERROR);
      }, answeredGraceMs);
      doneTimer.unref();
    });
    stream.once("close", () => {
      clearTimeout(requestTimer);
      clearTimeout(doneTimer);
      open--;
      if (open === 0 && !session.closed && !session.destroyed) arm(policy.idleTimeoutMs);
    });
  });
  session.once("close", () => clearTimeout(timer));
}

/**
 * Waits for the first `count` bytes of a new connection and hands them to `then`; they are
 * put back, so the server that takes the connection reads them first (HTTP/2, HTTP/1.1 and TLS
 * servers all read what a socket has buffered). A connection that has not sent them within
 * `timeoutMs` is closed.
 */
export function whenBytesArrive(
  socket: Socket,
  count: number,
  timeoutMs: number,
  then: (head: Buffer) => void,
): void {
  const received: Buffer[] = [];
  const timer = setTimeout(() => socket.destroy(), timeoutMs);
  timer.unref();
  const onReadable = () => {
    for (let chunk = socket.read(); chunk !== null; chunk = socket.read()) received.push(chunk);
    const head = Buffer.concat(received);
    if (head.length < count) return;
    clearTimeout(timer);
    socket.off("readable", onReadable);
    socket.unshift(head);
    then(head);
  };
  socket.on("readable", onReadable);
  socket.once("close", () => clearTimeout(timer));
}

/**
 * Hands a new connection to a TLS server (HTTPS, or HTTP/2 over TLS) once its client has sent
 * something: Node's handshake timeout counts only from the start of a handshake, so a client
 * that never sends its ClientHello would otherwise hold the connection forever.
 */
export function handOverTls(
  socket: Socket,
  server: { emit(event: "connection", socket: Socket): boolean },
  policy: ConnectionPolicy,
): void {
  whenBytesArrive(socket, 1, policy.headerTimeoutMs, () => server.emit("connection", socket));
}

/**
 * Makes an HTTP/1.1-capable server that is fed connections (`emit("connection")`) by another,
 * bound server check its connections' timeouts: Node starts those checks only when the server
 * itself starts listening, which a fed server never does.
 */
export function startConnectionChecks(server: { emit(event: "listening"): boolean }): void {
  server.emit("listening");
}
