import { errToken } from "./errors.ts";
import { PACKET_TYPE, type ProtocolVersion } from "./header.ts";
import { formatTxpk, type TxPacket } from "./txpk.ts";

/**
 * lora_pkt_fwd reads downstream datagrams into a 1000-byte buffer, one byte kept for a NUL. The
 * largest txpk formatTxpk allows (255 bytes of payload) is about 560 bytes, so it always fits.
 */
export const MAX_PULL_RESP_LENGTH = 999;

const textEncoder = new TextEncoder();

function checkToken(token: number): void {
  if (!Number.isInteger(token) || token < 0 || token > 0xffff) throw errToken.create({ token });
}

function acknowledgment(type: number, token: number, version: ProtocolVersion): Uint8Array {
  checkToken(token);
  return Uint8Array.of(version, token >>> 8, token & 0xff, type);
}

/** PUSH_ACK: 4 bytes echoing the PUSH_DATA's version and token. */
export function encodePushAck(token: number, version: ProtocolVersion = 2): Uint8Array {
  return acknowledgment(PACKET_TYPE.pushAck, token, version);
}

/** PULL_ACK: 4 bytes echoing the PULL_DATA's version and token. */
export function encodePullAck(token: number, version: ProtocolVersion = 2): Uint8Array {
  return acknowledgment(PACKET_TYPE.pullAck, token, version);
}

/**
 * PULL_RESP with `{"txpk":{...}}`. The token is ours to choose: the gateway's TX_ACK carries it
 * back. Throws `txpk_field_invalid` for a txpk lora_pkt_fwd would refuse to parse.
 */
export function encodePullResp(token: number, txpk: TxPacket): Uint8Array {
  checkToken(token);
  const json = textEncoder.encode(`{"txpk":${formatTxpk(txpk)}}`);
  const datagram = new Uint8Array(4 + json.length);
  datagram[0] = 2;
  datagram[1] = token >>> 8;
  datagram[2] = token & 0xff;
  datagram[3] = PACKET_TYPE.pullResp;
  datagram.set(json, 4);
  return datagram;
}
