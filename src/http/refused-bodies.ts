import type { IncomingMessage } from "node:http";
import type { FastifyInstance } from "fastify";

/**
 * How long a connection keeps reading (and discarding) the rest of a body it refused, before it
 * is cut.
 */
export const refusedBodyLingerMs = 5_000;

/**
 * Lets a client that is still sending a refused body read the answer.
 *
 * Fastify refuses a body it will not parse (larger than the limit by its Content-Length or as
 * it arrives, or malformed) before reading the rest, and asks for the connection to close. Node
 * then closes it as soon as the answer is written, so the bytes the client is still sending
 * meet a closed socket: the client sees EPIPE or a reset instead of the 413 (RFC 9112 §9.6 asks
 * a server to linger for this reason). Instead, the answer keeps the connection, the rest of
 * the body is read and discarded, and a body that is not over within `lingerMs` of the answer
 * has its connection cut: a slow sender holds nothing for long, and a fast one costs at most
 * the time of a read loop. An answer of 5xx (a server shutting down sheds load this way) still
 * closes at once.
 */
export function lingerOnRefusedBodies(app: FastifyInstance, lingerMs = refusedBodyLingerMs): void {
  app.addHook("onSend", (request, reply, payload, done) => {
    const raw = request.raw;
    if (
      !raw.complete &&
      raw.httpVersionMajor === 1 &&
      reply.statusCode >= 400 &&
      reply.statusCode < 500 &&
      String(reply.getHeader("connection")).toLowerCase() === "close"
    ) {
      reply.removeHeader("connection");
      reply.raw.once("finish", () => discardRest(raw, lingerMs));
    }
    done(null, payload);
  });
}

function discardRest(request: IncomingMessage, lingerMs: number): void {
  if (request.complete || request.destroyed) return;
  const cut = setTimeout(() => request.socket.destroy(), lingerMs);
  cut.unref();
  const stop = () => clearTimeout(cut);
  request.once("end", stop);
  request.once("close", stop);
  request.resume();
}
