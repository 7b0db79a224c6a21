import { parseListenAddress } from "../config/listen-address.ts";

/**
 * What users are told to connect to when the operator did not say: `host:port` of a listen
 * address, `localhost` for a wildcard or empty host; empty when the listener is off.
 */
export function publicAddressOf(listen: string): string {
  const address = parseListenAddress(listen);
  if (!address) return "";
  const host = address.host;
  if (host === undefined || host === "0.0.0.0" || host === "::") return `localhost:${address.port}`;
  return host.includes(":") ? `[${host}]:${address.port}` : `${host}:${address.port}`;
}
