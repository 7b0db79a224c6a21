// The gateway's side of the protocol, for simulated gateways in tests and tools: what a
// forwarder sends, written as lora_pkt_fwd writes it. The server never needs these.
import { encodeBase64 } from "./base64.ts";
import { formatDataRate } from "./data-rate.ts";
import { errGatewayEui, errToken } from "./errors.ts";
import { PACKET_TYPE, type ProtocolVersion } from "./header.ts";
import type { RxPacket } from "./rxpk.ts";
import type { GatewayStat } from "./stat.ts";
import { formatCompactTime, formatExpandedTime } from "./time.ts";
import type { TxAck } from "./tx-ack.ts";

const textEncoder = new TextEncoder();

function header(type: number, token: number, gatewayEui: string, version: ProtocolVersion) {
  if (!Number.isInteger(token) || token < 0 || token > 0xffff) throw errToken.create({ token });
  if (!/^[0-9A-Fa-f]{16}$/.test(gatewayEui)) {
    throw errGatewayEui.create({ gateway_eui: gatewayEui });
  }
  const bytes = new Uint8Array(12);
  bytes[0] = version;
  bytes[1] = token >>> 8;
  bytes[2] = token & 0xff;
  bytes[3] = type;
  bytes.set(Buffer.from(gatewayEui, "hex"), 4);
  return bytes;
}

function withJson(head: Uint8Array, json: string): Uint8Array {
  const body = textEncoder.encode(json);
  const datagram = new Uint8Array(head.length + body.length);
  datagram.set(head);
  datagram.set(body, head.length);
  return datagram;
}

/** An `rxpk` object with the wire names; `freq` with 6 decimals as lora_pkt_fwd writes it. */
export function rxpkJson(packet: RxPacket): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  if (packet.time !== undefined) json.time = formatCompactTime(packet.time);
  if (packet.gpsTime !== undefined) json.tmms = packet.gpsTime;
  if (packet.timestamp !== undefined) json.tmst = packet.timestamp;
  if (packet.fineTimestamp !== undefined) json.ftime = packet.fineTimestamp;
  json.freq = packet.frequency / 1e6;
  const numbers: [string, number | undefined][] = [
    ["chan", packet.channel],
    ["rfch", packet.rfChain],
    ["mid", packet.modemId],
    ["brd", packet.board],
    ["aesk", packet.aesKey],
    ["stat", packet.crcStatus],
  ];
  for (const [name, value] of numbers) if (value !== undefined) json[name] = value;
  json.modu = packet.dataRate.modulation;
  json.datr = formatDataRate(packet.dataRate);
  if (packet.codingRate !== undefined) json.codr = packet.codingRate;
  const more: [string, number | undefined][] = [
    ["hpw", packet.hoppingWidth],
    ["rssi", packet.rssi],
    ["rssis", packet.signalRssi],
    ["lsnr", packet.snr],
    ["foff", packet.frequencyOffset],
  ];
  for (const [name, value] of more) if (value !== undefined) json[name] = value;
  json.size = packet.payload.length;
  json.data = encodeBase64(packet.payload);
  if (packet.signals !== undefined) {
    json.rsig = packet.signals.map((signal) => {
      const entry: Record<string, unknown> = {};
      const fields: [string, number | undefined][] = [
        ["ant", signal.antenna],
        ["chan", signal.channel],
        ["rssic", signal.channelRssi],
        ["rssis", signal.signalRssi],
        ["rssisd", signal.rssiStandardDeviation],
        ["lsnr", signal.snr],
        ["ftime", signal.fineTimestamp],
        ["foff", signal.frequencyOffset],
        ["fdri", signal.frequencyDrift],
      ];
      for (const [name, value] of fields) if (value !== undefined) entry[name] = value;
      if (signal.encryptedFineTimestamp !== undefined) {
        entry.etime = encodeBase64(signal.encryptedFineTimestamp);
      }
      return entry;
    });
  }
  return json;
}

const statNames: [string, keyof GatewayStat][] = [
  ["lati", "latitude"],
  ["long", "longitude"],
  ["alti", "altitude"],
  ["rxnb", "received"],
  ["rxok", "receivedOk"],
  ["rxfw", "forwarded"],
  ["ackr", "acknowledgedPercent"],
  ["dwnb", "downlinksReceived"],
  ["txnb", "transmitted"],
  ["temp", "temperature"],
  ["lmok", "linkMoteOk"],
  ["lmst", "linkMoteFirst"],
  ["lmnw", "linkMoteLast"],
  ["lpps", "lostPps"],
  ["fpga", "fpgaVersion"],
  ["dsp", "dspVersion"],
  ["hal", "halVersion"],
  ["hver", "hardwareVersions"],
];

/** A `stat` object with the wire names; times in the expanded form lora_pkt_fwd writes. */
export function statJson(stat: GatewayStat): Record<string, unknown> {
  const json: Record<string, unknown> = { ...stat.extra };
  if (stat.time !== undefined) json.time = formatExpandedTime(stat.time);
  if (stat.bootTime !== undefined) json.boot = formatExpandedTime(stat.bootTime);
  for (const [name, property] of statNames) {
    if (stat[property] !== undefined) json[name] = stat[property];
  }
  return json;
}

/** PUSH_DATA with `rxpk` (when any) and `stat` (when given). */
export function encodePushData(
  token: number,
  gatewayEui: string,
  content: { rxpk?: readonly RxPacket[]; stat?: GatewayStat },
  version: ProtocolVersion = 2,
): Uint8Array {
  const json: Record<string, unknown> = {};
  if (content.rxpk !== undefined && content.rxpk.length > 0) json.rxpk = content.rxpk.map(rxpkJson);
  if (content.stat !== undefined) json.stat = statJson(content.stat);
  return withJson(header(PACKET_TYPE.pushData, token, gatewayEui, version), JSON.stringify(json));
}

/** PULL_DATA: 12 bytes. */
export function encodePullData(
  token: number,
  gatewayEui: string,
  version: ProtocolVersion = 2,
): Uint8Array {
  return header(PACKET_TYPE.pullData, token, gatewayEui, version);
}

/** TX_ACK: bare 12 bytes for success without warning (as lora_pkt_fwd 4.0.1), else with JSON. */
export function encodeTxAck(token: number, gatewayEui: string, ack: TxAck): Uint8Array {
  const head = header(PACKET_TYPE.txAck, token, gatewayEui, 2);
  if (ack.error === "NONE" && ack.warning === undefined) return head;
  const body: Record<string, unknown> = {};
  if (ack.error !== "NONE") body.error = ack.error === "UNKNOWN" ? ack.errorText : ack.error;
  if (ack.warning !== undefined) body.warn = ack.warning;
  if (ack.warningValue !== undefined) body.value = ack.warningValue;
  return withJson(head, JSON.stringify({ txpk_ack: body }));
}
