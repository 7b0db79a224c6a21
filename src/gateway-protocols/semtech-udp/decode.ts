import { type Drop, drop, type FieldProblem, type PartDrop } from "./drop-reasons.ts";
import { isObject } from "./fields.ts";
import { HEADER_LENGTH, type Header, readHeader } from "./header.ts";
import { type RxPacket, readRxpk } from "./rxpk.ts";
import { type GatewayStat, readStat } from "./stat.ts";
import { readTxAck, TX_ACK_SUCCESS, type TxAck } from "./tx-ack.ts";

/** PUSH_DATA: uplinks and/or a status report. Bad parts are in `drops`, the good ones kept. */
export interface PushData extends Header {
  readonly type: "push_data";
  readonly rxpk: readonly RxPacket[];
  readonly stat?: GatewayStat;
  readonly drops: readonly PartDrop[];
}

/** PULL_DATA: the keep-alive that opens the downlink path. */
export interface PullData extends Header {
  readonly type: "pull_data";
}

/** TX_ACK: the answer to the PULL_RESP whose token it carries. */
export interface TxAckPacket extends Header {
  readonly type: "tx_ack";
  readonly ack: TxAck;
}

export type GatewayPacket = PushData | PullData | TxAckPacket;

/** Bound on the rxpk entries read from one datagram: more than a UDP datagram can carry anyway. */
const MAX_RXPK = 1024;

const textDecoder = new TextDecoder();

/** The JSON after the header, trimmed of whitespace and NULs (some forwarders send a C string). */
function jsonText(datagram: Uint8Array): string {
  let end = datagram.length;
  while (end > HEADER_LENGTH) {
    const byte = datagram[end - 1] as number;
    if (byte !== 0 && byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) break;
    end--;
  }
  return end === HEADER_LENGTH ? "" : textDecoder.decode(datagram.subarray(HEADER_LENGTH, end));
}

function parseObject(text: string): Record<string, unknown> | undefined {
  // A JSON object starts with "{" and ends with "}": anything else (a truncated datagram, most
  // garbage) is refused before JSON.parse is paid for.
  if (text.charCodeAt(0) !== 0x7b || text.charCodeAt(text.length - 1) !== 0x7d) return undefined;
  // JSON.parse reports bad JSON by throwing a SyntaxError, which captures a stack: with no frames
  // to capture, a malformed datagram costs the parse attempt and not a stack walk.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    const root: unknown = JSON.parse(text);
    return isObject(root) ? root : undefined;
  } catch {
    return undefined;
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

function fieldDrop(problem: FieldProblem): Drop {
  return { type: "drop", reason: problem.reason, field: problem.field };
}

function decodePushData(header: Header, datagram: Uint8Array): PushData | Drop {
  const root = parseObject(jsonText(datagram));
  if (root === undefined) return drop("bad_json");
  const drops: PartDrop[] = [];
  const rxpk: RxPacket[] = [];
  const entries = root.rxpk;
  if (entries !== undefined && entries !== null) {
    if (!Array.isArray(entries) || entries.length > MAX_RXPK) {
      return { type: "drop", reason: "bad_field", field: "rxpk" };
    }
    for (let index = 0; index < entries.length; index++) {
      const read = readRxpk(entries[index]);
      if ("reason" in read) drops.push({ part: "rxpk", index, ...read });
      else rxpk.push(read);
    }
  }
  let stat: GatewayStat | undefined;
  if (root.stat !== undefined && root.stat !== null) {
    const read = readStat(root.stat);
    if ("reason" in read) drops.push({ part: "stat", index: 0, ...read });
    else stat = read;
  }
  return stat === undefined
    ? { ...header, type: "push_data", rxpk, drops }
    : { ...header, type: "push_data", rxpk, stat, drops };
}

function decodeTxAck(header: Header, datagram: Uint8Array): TxAckPacket | Drop {
  const text = jsonText(datagram);
  if (text === "") return { ...header, type: "tx_ack", ack: TX_ACK_SUCCESS };
  const root = parseObject(text);
  if (root === undefined) return drop("bad_json");
  const ack = readTxAck(root);
  if ("field" in ack) return fieldDrop(ack);
  return { ...header, type: "tx_ack", ack };
}

/**
 * Decodes a gateway-to-server datagram. Never throws: garbage gives a `Drop` with a reason
 * from `DROP_REASONS`, and the header is checked before any JSON is parsed. Pass the result of
 * `readHeader` when the caller already has it (to drop unknown gateways before the JSON).
 */
export function decodeGatewayDatagram(
  datagram: Uint8Array,
  header: Header | Drop = readHeader(datagram),
): GatewayPacket | Drop {
  switch (header.type) {
    case "drop":
      return header;
    case "pull_data":
      return header as PullData;
    case "push_data":
      return decodePushData(header, datagram);
    case "tx_ack":
      return decodeTxAck(header, datagram);
  }
}
