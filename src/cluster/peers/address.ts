import { isIP } from "node:net";
import { errInvalidPeerAddress } from "./errors.ts";

/** Where a peer is: a host and port to dial, or a domain whose DNS SRV record names them. */
export type PeerAddress =
  | { kind: "direct"; host: string; port: number }
  | { kind: "srv"; domain: string };

const hostnamePattern =
  /^(?=.{1,253}\.?$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)*\.?$/;

/**
 * Parses a peer address as configuration (`cluster.<role>_address`) or a claim holder gives
 * it: `host:port` and `[ipv6]:port` are dialled directly; a bare domain is looked up with DNS
 * SRV (`_ttn-v3-<role>-grpc._tcp.<domain>`). An IP address without a port is refused: there is
 * nothing to look up.
 */
export function parsePeerAddress(text: string): PeerAddress {
  const address = text.trim();
  const invalid = () => errInvalidPeerAddress.create({ address: text });
  const bracketed = /^\[([0-9A-Fa-f:.]+)\]:(\d{1,5})$/.exec(address);
  if (bracketed) {
    const [, host, port] = bracketed as unknown as [string, string, string];
    if (isIP(host) !== 6) throw invalid();
    return { kind: "direct", host, port: validPort(port, invalid) };
  }
  const withPort = /^([^:]+):(\d{1,5})$/.exec(address);
  if (withPort) {
    const [, host, port] = withPort as unknown as [string, string, string];
    if (isIP(host) === 0 && !hostnamePattern.test(host)) throw invalid();
    return { kind: "direct", host, port: validPort(port, invalid) };
  }
  if (isIP(address) !== 0 || !hostnamePattern.test(address)) throw invalid();
  return { kind: "srv", domain: address.replace(/\.$/, "") };
}

function validPort(text: string, invalid: () => Error): number {
  const port = Number(text);
  if (port < 1 || port > 65535) throw invalid();
  return port;
}

/** The address as `host:port` (brackets around IPv6), the key of one connection. */
export function formatHostPort(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}
