import { type Drop, drop } from "./drop-reasons.ts";

/** Packet type identifiers (byte 3). */
export const PACKET_TYPE = {
  pushData: 0x00,
  pushAck: 0x01,
  pullData: 0x02,
  pullResp: 0x03,
  pullAck: 0x04,
  txAck: 0x05,
} as const;

/** Protocol versions read: 2 (current) and 1 (same layout for PUSH_DATA and PULL_DATA). */
export type ProtocolVersion = 1 | 2;

/** Gateway-to-server packet kinds. */
export type UpstreamType = "push_data" | "pull_data" | "tx_ack";

/** The fixed part of a gateway-to-server datagram: readable before any JSON work. */
export interface Header {
  readonly type: UpstreamType;
  readonly version: ProtocolVersion;
  /** The random token, bytes 1-2 big-endian (u16), echoed in the acknowledgment. */
  readonly token: number;
  /** Bytes 4-11 as upper-case hex, e.g. `AA555A0000000101`. */
  readonly gatewayEui: string;
}

/** Header length of every gateway-to-server packet: version, token, type, gateway EUI. */
export const HEADER_LENGTH = 12;

// What each type byte means per version: a type a gateway sends, one only a server sends, or
// none. Version 1 predates TX_ACK (protocol document rev 1.3).
const upstreamTypes: readonly (UpstreamType | "downstream" | undefined)[][] = [
  [],
  ["push_data", "downstream", "pull_data", "downstream", "downstream"],
  ["push_data", "downstream", "pull_data", "downstream", "downstream", "tx_ack"],
];

const hexPairs: string[] = [];
for (let i = 0; i < 256; i++) hexPairs.push(i.toString(16).toUpperCase().padStart(2, "0"));

/** The EUI in bytes 4-11 as upper-case hex, with no allocation beyond the string. */
export function readGatewayEui(datagram: Uint8Array, offset = 4): string {
  let text = "";
  for (let i = offset; i < offset + 8; i++) text += hexPairs[datagram[i] as number];
  return text;
}

/**
 * Reads and checks the fixed header of a gateway-to-server datagram: version, type, length.
 * A frontend can call this first to drop unknown gateways before any JSON is parsed.
 */
export function readHeader(datagram: Uint8Array): Header | Drop {
  if (datagram.length < 4) return drop("too_short");
  const version = datagram[0] as number;
  if (version !== 1 && version !== 2) return drop("bad_version");
  const kind = upstreamTypes[version]?.[datagram[3] as number];
  if (kind === undefined) return drop("unknown_type");
  if (kind === "downstream") return drop("downstream_type");
  if (datagram.length < HEADER_LENGTH) return drop("too_short");
  if (kind === "pull_data" && datagram.length > HEADER_LENGTH) return drop("too_long");
  return {
    type: kind,
    version,
    token: ((datagram[1] as number) << 8) | (datagram[2] as number),
    gatewayEui: readGatewayEui(datagram),
  };
}
