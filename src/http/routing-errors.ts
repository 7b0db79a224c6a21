import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";

/**
 * The body of an error that happens before any route handles the request (no route, a bad URL,
 * headers too large, ...), in the shape The Things Stack's HTTP gateway gives them:
 * `{"code": 5, "message": "Not Found", "details": []}` — the gRPC code and the HTTP status text.
 */
export interface RoutingErrorBody {
  code: number;
  message: string;
  details: [];
}

/** The gRPC code of each HTTP status a routing error may have; others are UNKNOWN (2). */
const grpcCodes: Readonly<Record<number, number>> = {
  400: 3, // INVALID_ARGUMENT, as the gateway answers "Bad Request"
  401: 16, // UNAUTHENTICATED
  404: 5, // NOT_FOUND
  405: 12, // UNIMPLEMENTED, as the gateway answers a method a path does not have
  408: 4, // DEADLINE_EXCEEDED
  413: 8, // RESOURCE_EXHAUSTED, like our own request_too_large
  414: 8,
  429: 8, // too many connections from one address
  431: 8,
  500: 13, // INTERNAL
  503: 14, // UNAVAILABLE: too many connections in all
};

/** The routing error body for an HTTP status. */
export function routingErrorBody(status: number): RoutingErrorBody {
  return { code: grpcCodes[status] ?? 2, message: STATUS_CODES[status] ?? "Error", details: [] };
}

/** Node's HTTP parser errors, by code, and the status they are answered with (else 400). */
const parserErrorStatus: Readonly<Record<string, number>> = {
  HPE_HEADER_OVERFLOW: 431,
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 413,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

/**
 * Answers an error of Node's HTTP parser (a `clientError`: headers over the size limit, a
 * malformed request line, a request timeout) with a routing error body instead of Node's bare
 * status line, then closes the connection. As Node does, nothing is written when the socket is
 * gone or a response on it has already begun.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code !== "ECONNRESET" && socket.writable && !inFlight?.headersSent) {
    const status = parserErrorStatus[error.code ?? ""] ?? 400;
    const body = JSON.stringify(routingErrorBody(status));
    const head =
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      "Content-Type: application/json\r\n" +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      "Connection: close\r\n\r\n";
    socket.end(head + body, () => socket.destroy());
    return;
  }
  socket.destroy();
}
