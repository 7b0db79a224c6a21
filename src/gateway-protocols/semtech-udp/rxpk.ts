import { decodeBase64 } from "./base64.ts";
import { type DataRate, parseDataRate } from "./data-rate.ts";
import type { FieldProblem } from "./drop-reasons.ts";
import {
  type FieldSpec,
  finiteIn,
  INVALID,
  isObject,
  oneOf,
  readFields,
  readFinite,
  readTime,
  readUint8,
  readUint16,
  readUint32,
  readUnsigned,
  stringUpTo,
} from "./fields.ts";
import { megahertzToHertz } from "./frequency.ts";

/** Per-antenna signal of a multi-antenna (fine timestamp) gateway: one `rsig` entry. */
export interface RxSignal {
  /** `ant` */
  readonly antenna?: number;
  /** `chan`: IF channel. */
  readonly channel?: number;
  /** `rssic`: channel RSSI, dBm. */
  readonly channelRssi?: number;
  /** `rssis`: signal RSSI, dBm. */
  readonly signalRssi?: number;
  /** `rssisd`: standard deviation of the RSSI during the preamble. */
  readonly rssiStandardDeviation?: number;
  /** `lsnr`, dB. */
  readonly snr?: number;
  /** `etime`: encrypted fine timestamp (base64 on the wire). */
  readonly encryptedFineTimestamp?: Uint8Array;
  /** `ftime`: fine timestamp, ns within the second. */
  readonly fineTimestamp?: number;
  /** `foff`, Hz. */
  readonly frequencyOffset?: number;
  /** `fdri`: LR-FHSS frequency drift, Hz. */
  readonly frequencyDrift?: number;
}

/**
 * One received packet (`rxpk`), fields renamed to whole words. Present only when sent: the real
 * forwarder without GPS sends no `time` nor `tmms`.
 */
export interface RxPacket {
  /** `time`: UTC reception time, µs since the Unix epoch. */
  readonly time?: number;
  /** `tmms`: GPS time of reception, ms since 1980-01-06. */
  readonly gpsTime?: number;
  /** `tmst`: concentrator counter at "RX finished", µs, u32 (wraps). */
  readonly timestamp?: number;
  /** `ftime`: fine timestamp, ns within the second. */
  readonly fineTimestamp?: number;
  /** `freq` in Hz (the wire has MHz). */
  readonly frequency: number;
  /** `chan`: concentrator IF channel. */
  readonly channel?: number;
  /** `rfch`: RF chain. */
  readonly rfChain?: number;
  /** `mid`: sx1302 modem id. */
  readonly modemId?: number;
  /** `brd`: concentrator board. */
  readonly board?: number;
  /** `aesk`: AES key index of the encrypted fine timestamps. */
  readonly aesKey?: number;
  /** `stat`: 1 CRC OK, -1 CRC failed, 0 no CRC. */
  readonly crcStatus?: 1 | -1 | 0;
  /** `datr` (and `modu`, which must agree with it when present). */
  readonly dataRate: DataRate;
  /** `codr` as sent: "4/5" ... "4/8", "OFF", "?", LR-FHSS "1/3", "2/3" ... */
  readonly codingRate?: string;
  /** `hpw`: LR-FHSS hopping width. */
  readonly hoppingWidth?: number;
  /** `rssi`: channel RSSI, dBm. */
  readonly rssi?: number;
  /** `rssis`: signal RSSI, dBm (sx1302). */
  readonly signalRssi?: number;
  /** `lsnr`, dB. */
  readonly snr?: number;
  /** `foff`: frequency offset, Hz (sx1302). */
  readonly frequencyOffset?: number;
  /** `data` decoded; its length equals `size` when `size` was sent. */
  readonly payload: Uint8Array;
  /** `rsig`: per-antenna signals. */
  readonly signals?: readonly RxSignal[];
}

const readFrequency = (value: unknown) => megahertzToHertz(value) ?? INVALID;
const readDataRate = (value: unknown) => parseDataRate(value) ?? INVALID;
const readCodingRate = (value: unknown) =>
  typeof value === "string" && /^(?:\d\/\d|OFF|\?)$/.test(value) ? value : INVALID;
const readPlainBase64 = (value: unknown) =>
  typeof value === "string" ? (decodeBase64(value) ?? INVALID) : INVALID;

const rxpkFields: readonly FieldSpec[] = [
  { wire: "time", property: "time", read: readTime },
  { wire: "tmms", property: "gpsTime", read: readUnsigned },
  { wire: "tmst", property: "timestamp", read: readUint32 },
  { wire: "ftime", property: "fineTimestamp", read: readUnsigned },
  { wire: "freq", property: "frequency", read: readFrequency, required: true },
  { wire: "chan", property: "channel", read: readUint8 },
  { wire: "rfch", property: "rfChain", read: readUint8 },
  { wire: "mid", property: "modemId", read: readUint8 },
  { wire: "brd", property: "board", read: readUint8 },
  { wire: "aesk", property: "aesKey", read: readUint8 },
  { wire: "stat", property: "crcStatus", read: oneOf(1, -1, 0) },
  { wire: "datr", property: "dataRate", read: readDataRate, required: true },
  { wire: "codr", property: "codingRate", read: readCodingRate },
  { wire: "hpw", property: "hoppingWidth", read: readUint32 },
  { wire: "rssi", property: "rssi", read: finiteIn(-500, 500) },
  { wire: "rssis", property: "signalRssi", read: finiteIn(-500, 500) },
  { wire: "lsnr", property: "snr", read: finiteIn(-500, 500) },
  { wire: "foff", property: "frequencyOffset", read: readFinite },
];

const rsigFields: readonly FieldSpec[] = [
  { wire: "ant", property: "antenna", read: readUint8 },
  { wire: "chan", property: "channel", read: readUint8 },
  { wire: "rssic", property: "channelRssi", read: finiteIn(-500, 500) },
  { wire: "rssis", property: "signalRssi", read: finiteIn(-500, 500) },
  { wire: "rssisd", property: "rssiStandardDeviation", read: finiteIn(0, 500) },
  { wire: "lsnr", property: "snr", read: finiteIn(-500, 500) },
  { wire: "etime", property: "encryptedFineTimestamp", read: readPlainBase64 },
  { wire: "ftime", property: "fineTimestamp", read: readUnsigned },
  { wire: "foff", property: "frequencyOffset", read: readFinite },
  { wire: "fdri", property: "frequencyDrift", read: readFinite },
];

const readModulation = oneOf("LORA", "FSK", "LR-FHSS");
const readSize = readUint16;
const readData = stringUpTo(65_536);
/** More antennas than any concentrator board has: a bound on work per rxpk. */
const MAX_SIGNALS = 64;

/** Reads one `rxpk` entry; a problem names the first bad field (`rxpk.freq`). */
export function readRxpk(value: unknown): RxPacket | FieldProblem {
  if (!isObject(value)) return { reason: "bad_field", field: "rxpk" };
  const packet: Record<string, unknown> = {};
  const problem = readFields(value, rxpkFields, packet, "rxpk.");
  if (problem !== undefined) return problem;
  const modulation = value.modu;
  if (modulation !== undefined && modulation !== null) {
    if (readModulation(modulation) !== (packet.dataRate as DataRate).modulation) {
      return { reason: "bad_field", field: "rxpk.modu" };
    }
  }
  const data = value.data;
  if (data === undefined || data === null) return { reason: "missing_field", field: "rxpk.data" };
  const text = readData(data);
  const payload = text === INVALID ? undefined : decodeBase64(text as string);
  if (payload === undefined) return { reason: "bad_field", field: "rxpk.data" };
  const size = value.size;
  if (size !== undefined && size !== null) {
    const expected = readSize(size);
    if (expected === INVALID) return { reason: "bad_field", field: "rxpk.size" };
    if (expected !== payload.length) return { reason: "size_mismatch", field: "rxpk.size" };
  }
  packet.payload = payload;
  const rsig = value.rsig;
  if (rsig !== undefined && rsig !== null) {
    if (!Array.isArray(rsig) || rsig.length > MAX_SIGNALS) {
      return { reason: "bad_field", field: "rxpk.rsig" };
    }
    const signals: Record<string, unknown>[] = [];
    for (const entry of rsig) {
      if (!isObject(entry)) return { reason: "bad_field", field: "rxpk.rsig" };
      const signal: Record<string, unknown> = {};
      const signalProblem = readFields(entry, rsigFields, signal, "rxpk.rsig.");
      if (signalProblem !== undefined) return signalProblem;
      signals.push(signal);
    }
    packet.signals = signals;
  }
  return packet as unknown as RxPacket;
}
