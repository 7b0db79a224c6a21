import { decodeBase64 } from "./base64.ts";
import { type DataRate, parseDataRate } from "./data-rate.ts";
import type { FieldProblem } from "./drop-reasons.ts";
import {
  type FieldSpec,
  finiteIn,
  INVALID,
  isObject,
  readFields,
  readFinite,
  readTime,
  readUint8,
  readUnsigned,
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
 * One received packet (`rxpk`), fields renamed to whole words. Every packet has the same shape;
 * a field that was not sent is undefined (the real forwarder without GPS sends no `time` nor
 * `tmms`).
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

const readPlainBase64 = (value: unknown) =>
  typeof value === "string" ? (decodeBase64(value) ?? INVALID) : INVALID;

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

const U32 = 0xffff_ffff;
const codingRatePattern = /^(?:\d\/\d|OFF|\?)$/;
/** More antennas than any concentrator board has: a bound on work per rxpk. */
const MAX_SIGNALS = 64;

// The readers below return the value, `undefined` when absent (or null), or INVALID. rxpk is
// the hot path, so it is read field by field into one fixed shape instead of through the
// FieldSpec table that stat uses: each call site then sees one type and V8 inlines it (the
// table's shared call sites measured about twice as slow).
function integer(value: unknown, min: number, max: number): number | undefined | typeof INVALID {
  if (value === undefined || value === null) return undefined;
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max
    ? value
    : INVALID;
}

function level(value: unknown): number | undefined | typeof INVALID {
  if (value === undefined || value === null) return undefined;
  return typeof value === "number" && value >= -500 && value <= 500 ? value : INVALID;
}

function finite(value: unknown): number | undefined | typeof INVALID {
  if (value === undefined || value === null) return undefined;
  return typeof value === "number" && Number.isFinite(value) ? value : INVALID;
}

const bad = (field: string): FieldProblem => ({ reason: "bad_field", field });
const missing = (field: string): FieldProblem => ({ reason: "missing_field", field });

/** Reads one `rxpk` entry; a problem names the first bad field (`rxpk.freq`). */
export function readRxpk(value: unknown): RxPacket | FieldProblem {
  if (!isObject(value)) return bad("rxpk");
  let time: number | undefined;
  if (value.time !== undefined && value.time !== null) {
    const read = readTime(value.time);
    if (read === INVALID) return bad("rxpk.time");
    time = read as number;
  }
  const gpsTime = integer(value.tmms, 0, Number.MAX_SAFE_INTEGER);
  if (gpsTime === INVALID) return bad("rxpk.tmms");
  const timestamp = integer(value.tmst, 0, U32);
  if (timestamp === INVALID) return bad("rxpk.tmst");
  const fineTimestamp = integer(value.ftime, 0, Number.MAX_SAFE_INTEGER);
  if (fineTimestamp === INVALID) return bad("rxpk.ftime");
  if (value.freq === undefined || value.freq === null) return missing("rxpk.freq");
  const frequency = megahertzToHertz(value.freq);
  if (frequency === undefined) return bad("rxpk.freq");
  const channel = integer(value.chan, 0, 255);
  if (channel === INVALID) return bad("rxpk.chan");
  const rfChain = integer(value.rfch, 0, 255);
  if (rfChain === INVALID) return bad("rxpk.rfch");
  const modemId = integer(value.mid, 0, 255);
  if (modemId === INVALID) return bad("rxpk.mid");
  const board = integer(value.brd, 0, 255);
  if (board === INVALID) return bad("rxpk.brd");
  const aesKey = integer(value.aesk, 0, 255);
  if (aesKey === INVALID) return bad("rxpk.aesk");
  const crcStatus = integer(value.stat, -1, 1) as RxPacket["crcStatus"] | typeof INVALID;
  if (crcStatus === INVALID) return bad("rxpk.stat");
  if (value.datr === undefined || value.datr === null) return missing("rxpk.datr");
  const dataRate = parseDataRate(value.datr);
  if (dataRate === undefined) return bad("rxpk.datr");
  const modulation = value.modu;
  if (modulation !== undefined && modulation !== null && modulation !== dataRate.modulation) {
    return bad("rxpk.modu");
  }
  let codingRate: string | undefined;
  if (value.codr !== undefined && value.codr !== null) {
    if (typeof value.codr !== "string" || !codingRatePattern.test(value.codr)) {
      return bad("rxpk.codr");
    }
    codingRate = value.codr;
  }
  const hoppingWidth = integer(value.hpw, 0, U32);
  if (hoppingWidth === INVALID) return bad("rxpk.hpw");
  const rssi = level(value.rssi);
  if (rssi === INVALID) return bad("rxpk.rssi");
  const signalRssi = level(value.rssis);
  if (signalRssi === INVALID) return bad("rxpk.rssis");
  const snr = level(value.lsnr);
  if (snr === INVALID) return bad("rxpk.lsnr");
  const frequencyOffset = finite(value.foff);
  if (frequencyOffset === INVALID) return bad("rxpk.foff");
  const data = value.data;
  if (data === undefined || data === null) return missing("rxpk.data");
  const payload = typeof data === "string" ? decodeBase64(data) : undefined;
  if (payload === undefined) return bad("rxpk.data");
  const size = integer(value.size, 0, 0xffff);
  if (size === INVALID) return bad("rxpk.size");
  if (size !== undefined && size !== payload.length) {
    return { reason: "size_mismatch", field: "rxpk.size" };
  }
  let signals: RxSignal[] | undefined;
  const rsig = value.rsig;
  if (rsig !== undefined && rsig !== null) {
    if (!Array.isArray(rsig) || rsig.length > MAX_SIGNALS) return bad("rxpk.rsig");
    signals = [];
    for (const entry of rsig) {
      if (!isObject(entry)) return bad("rxpk.rsig");
      const signal: Record<string, unknown> = {};
      const problem = readFields(entry, rsigFields, signal, "rxpk.rsig.");
      if (problem !== undefined) return problem;
      signals.push(signal as RxSignal);
    }
  }
  // One shape for every packet; fields not sent are undefined.
  return {
    time,
    gpsTime,
    timestamp,
    fineTimestamp,
    frequency,
    channel,
    rfChain,
    modemId,
    board,
    aesKey,
    crcStatus,
    dataRate,
    codingRate,
    hoppingWidth,
    rssi,
    signalRssi,
    snr,
    frequencyOffset,
    payload,
    signals,
  };
}
