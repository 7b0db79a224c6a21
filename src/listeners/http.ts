import {
  createServer as createHttpServer,
  type Server as HttpServer,
  type RequestListener,
} from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import type { TlsOptions } from "node:tls";

/** An HTTP server, or an HTTPS one when TLS options are given; not bound yet. */
export function createHttpListenerServer(
  handler: RequestListener,
  tls: TlsOptions | undefined,
): HttpServer | HttpsServer {
  return tls ? createHttpsServer(tls, handler) : createHttpServer(handler);
}
