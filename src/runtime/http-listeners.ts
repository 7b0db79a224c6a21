import type { SecureContextOptions } from "node:tls";
import { type Config, parseListenAddress } from "../config/index.ts";
import type { HttpListener } from "../http/http-server.ts";

/** A plain listener when `listen` is set, a TLS one when `listen_tls` is set and TLS is configured. */
function listenerPair(
  name: string,
  section: { listen: string; listen_tls: string },
  tls: SecureContextOptions | undefined,
): HttpListener[] {
  const listeners: HttpListener[] = [];
  const plain = section.listen === "" ? undefined : parseListenAddress(section.listen);
  if (plain) listeners.push({ name, address: plain });
  const secure = section.listen_tls === "" ? undefined : parseListenAddress(section.listen_tls);
  if (secure && tls) listeners.push({ name: `${name} (tls)`, address: secure, tls });
  return listeners;
}

/** The HTTP listeners to open (`http.listen`, `http.listen_tls`). */
export function httpListeners(
  config: Config,
  tls: SecureContextOptions | undefined,
): HttpListener[] {
  return listenerPair("http", config.http, tls);
}

/** The gRPC listeners to open (`grpc.listen`, `grpc.listen_tls`). */
export function grpcListeners(
  config: Config,
  tls: SecureContextOptions | undefined,
): HttpListener[] {
  return listenerPair("grpc", config.grpc, tls);
}
