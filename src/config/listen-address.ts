/** A parsed listen address: `host:port`, `:port` (all interfaces) or `[v6]:port`. */
export interface ListenAddress {
  /** The host to bind; `undefined` binds every interface. */
  host: string | undefined;
  port: number;
}

const hostPattern =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
const ipv6Pattern = /^[0-9a-fA-F:.]+(?:%[a-zA-Z0-9]+)?$/;

/**
 * Parses a listen address. Returns `undefined` for anything that is not one, so that the
 * configuration schema can name the key and the bad value in its own message.
 */
export function parseListenAddress(text: string): ListenAddress | undefined {
  const colon = text.lastIndexOf(":");
  if (colon < 0) return undefined;
  const hostPart = text.slice(0, colon);
  const portPart = text.slice(colon + 1);
  if (!/^\d{1,5}$/.test(portPart)) return undefined;
  const port = Number(portPart);
  if (port > 65535) return undefined;
  if (hostPart === "") return { host: undefined, port };
  if (hostPart.startsWith("[") && hostPart.endsWith("]")) {
    const v6 = hostPart.slice(1, -1);
    return ipv6Pattern.test(v6) && v6.includes(":") ? { host: v6, port } : undefined;
  }
  return hostPattern.test(hostPart) ? { host: hostPart, port } : undefined;
}

/** Formats a bound address the way operators type it (`[::1]:1885`, `127.0.0.1:1885`). */
export function formatListenAddress(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
