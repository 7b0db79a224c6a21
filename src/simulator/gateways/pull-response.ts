/**
 * The forwarder's reading of what the server sends down: PUSH_ACK, PULL_ACK and PULL_RESP
 * with its `txpk`. Anything malformed is `undefined` (a real forwarder drops it silently).
 */
import {
  decodeBase64,
  megahertzToHertz,
  PACKET_TYPE,
  parseDataRate,
} from "../../gateway-protocols/semtech-udp/index.ts";
import type { LoraRate } from "../radio.ts";

/** A `txpk` reduced to what a simulated LoRa gateway transmits. */
export interface Transmission {
  /** `imme`: at once. */
  immediate: boolean;
  /** `tmst`, when not immediate. */
  timestamp?: number;
  frequencyHz: number;
  rate: LoraRate;
  payload: Uint8Array;
}

export type ServerPacket =
  | { type: "push_ack" | "pull_ack"; token: number }
  | { type: "pull_resp"; token: number; transmission: Transmission };

const decoder = new TextDecoder();

/** Reads one server-to-gateway datagram; undefined for anything a forwarder would drop. */
export function readServerPacket(datagram: Uint8Array): ServerPacket | undefined {
  if (datagram.length < 4 || (datagram[0] !== 1 && datagram[0] !== 2)) return undefined;
  const token = ((datagram[1] as number) << 8) | (datagram[2] as number);
  switch (datagram[3]) {
    case PACKET_TYPE.pushAck:
      return { type: "push_ack", token };
    case PACKET_TYPE.pullAck:
      return { type: "pull_ack", token };
    case PACKET_TYPE.pullResp: {
      const transmission = readTxpk(datagram.subarray(4));
      return transmission === undefined ? undefined : { type: "pull_resp", token, transmission };
    }
    default:
      return undefined;
  }
}

function readTxpk(body: Uint8Array): Transmission | undefined {
  let root: unknown;
  try {
    root = JSON.parse(decoder.decode(body));
  } catch {
    return undefined;
  }
  const txpk = (root as { txpk?: unknown } | null)?.txpk;
  if (typeof txpk !== "object" || txpk === null) return undefined;
  const { imme, tmst, freq, datr, codr, data } = txpk as Record<string, unknown>;
  const immediate = imme === true;
  if (
    !immediate &&
    !(Number.isInteger(tmst) && (tmst as number) >= 0 && (tmst as number) <= 0xffff_ffff)
  )
    return undefined;
  const frequencyHz = megahertzToHertz(freq);
  if (frequencyHz === undefined) return undefined;
  const dataRate = parseDataRate(datr);
  if (dataRate?.modulation !== "LORA") return undefined;
  const payload = typeof data === "string" ? decodeBase64(data) : undefined;
  if (payload === undefined || payload.length === 0) return undefined;
  const rate: LoraRate = {
    spreadingFactor: dataRate.spreadingFactor,
    bandwidth: dataRate.bandwidth,
    codingRate: typeof codr === "string" ? codr : "4/5",
  };
  return {
    immediate,
    ...(immediate ? {} : { timestamp: tmst as number }),
    frequencyHz,
    rate,
    payload,
  };
}
