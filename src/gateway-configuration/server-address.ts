import { errInvalidGatewayServerAddress } from "./errors.ts";

/** The Semtech UDP port of a Gateway Server address that names none. */
export const defaultGatewayServerUdpPort = 1700;

/** Where a packet forwarder sends its datagrams: `server_address` and both ports. */
export interface GatewayServerAddress {
  host: string;
  port: number;
}

const bracketed = /^\[([^\]]*)\](?::(.*))?$/;

/**
 * `host`, `host:port`, `[ipv6]` or `[ipv6]:port`, as The Things Stack reads a gateway's
 * `gateway_server_address`: without a port, 1700. A bare IPv6 address (several colons) is a
 * host. Anything else (an empty host, a port that is not 0–65535) is `invalid_gateway_server_address`.
 */
export function parseGatewayServerAddress(address: string): GatewayServerAddress {
  const invalid = (reason: string) => errInvalidGatewayServerAddress.create({ address, reason });
  let host: string;
  let port: string | undefined;
  const ipv6 = bracketed.exec(address);
  if (ipv6) {
    host = ipv6[1] as string;
    port = ipv6[2];
  } else if (address.indexOf(":") !== address.lastIndexOf(":")) {
    host = address;
  } else {
    const colon = address.indexOf(":");
    host = colon < 0 ? address : address.slice(0, colon);
    port = colon < 0 ? undefined : address.slice(colon + 1);
  }
  if (host === "") throw invalid("empty host");
  if (/[\s/?#@]/.test(host)) throw invalid("not a host name");
  if (port === undefined) return { host, port: defaultGatewayServerUdpPort };
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) throw invalid("port is not 0 to 65535");
  return { host, port: Number(port) };
}
