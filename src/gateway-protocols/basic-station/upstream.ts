/**
 * Messages from Basics Station to the LNS, parsed from websocket text frames into typed
 * values. A malformed frame is never an exception: it is a {@link Drop} with a reason from
 * the fixed table in `drop-reasons.ts`.
 */
import { type Drop, drop } from "./drop-reasons.ts";
import {
  isJsonObject,
  type JsonObject,
  readFinite,
  readHex,
  readInt64,
  readInteger,
} from "./fields.ts";
import {
  dataPhyPayload,
  isJoinMType,
  isMajorR1,
  isProprietaryMType,
  isUplinkDataMType,
  joinPhyPayload,
  MAX_PHY_PAYLOAD,
  mTypeOf,
} from "./frame.ts";
import { parseJson } from "./lossless-json.ts";
import { parseStationEui } from "./station-id.ts";

/** `upinfo`: where and how the gateway received an uplink. */
export interface UpInfo {
  /** Radio context (antenna / radio unit); echo it in the answer. */
  readonly rctx: bigint;
  /** Concentrator time of the reception; echo it in the class A answer. */
  readonly xtime: bigint;
  /** GPS time in µs, 0 without PPS. */
  readonly gpstime: bigint;
  /** Fine timestamp (ns), -1 when absent. */
  readonly fts: number;
  readonly rssi: number;
  readonly snr: number;
  /** UTC time of reception in seconds (float), 0 when absent. */
  readonly rxtime: number;
}

/** The radio part common to `jreq`, `rejoin`, `updf` and `propdf`. */
export interface UplinkRadio {
  /** Index into the router_config's `DRs`. */
  readonly dataRate: number;
  /** Hz. */
  readonly frequency: number;
  /** The LNS's MuxTime (s) plus the time it spent at station: for round-trip times; 0 when absent. */
  readonly refTime: number;
  readonly upInfo: UpInfo;
}

export interface VersionMessage {
  readonly msgtype: "version";
  readonly station: string;
  readonly firmware: string;
  readonly package: string;
  readonly model: string;
  readonly protocol: number;
  /** Space-separated feature words (`rmtsh`, `prod`, `gps`, ...). */
  readonly features: string;
  /** A production build (feature `prod`): it ignores nocca/nodc/nodwell, so TTS omits them. */
  readonly production: boolean;
}

export interface JoinRequestMessage extends UplinkRadio {
  readonly msgtype: "jreq" | "rejoin";
  readonly mhdr: number;
  readonly joinEui: Uint8Array;
  readonly devEui: Uint8Array;
  readonly devNonce: number;
  /** Signed 32-bit, as station sends it. */
  readonly mic: number;
  /** The reassembled PHYPayload (23 bytes). */
  readonly phyPayload: Uint8Array;
}

export interface UplinkDataMessage extends UplinkRadio {
  readonly msgtype: "updf";
  readonly mhdr: number;
  /** Unsigned 32-bit. */
  readonly devAddr: number;
  readonly fCtrl: number;
  readonly fCnt: number;
  readonly fOpts: Uint8Array;
  /** -1 when the frame has no FPort. */
  readonly fPort: number;
  readonly frmPayload: Uint8Array;
  readonly mic: number;
  readonly phyPayload: Uint8Array;
}

export interface ProprietaryDataMessage extends UplinkRadio {
  readonly msgtype: "propdf";
  /** The whole frame, MHDR included. */
  readonly phyPayload: Uint8Array;
}

/** `dntxed`: station transmitted a downlink. */
export interface TxConfirmationMessage {
  readonly msgtype: "dntxed";
  /** The dnmsg's `diid` (or legacy `seqno`). */
  readonly diid: bigint;
  /** Absent only if station left it out (it sends none for dnsched). */
  readonly devEui?: Uint8Array;
  /** The antenna that sent the frame. */
  readonly rctx: bigint;
  /** The xtime of the transmission. */
  readonly xtime: bigint;
  /** Station's clock at transmission (s, float). */
  readonly txtime: number;
  readonly gpstime: bigint;
  /** Data rate and frequency actually used (RX2 when RX1 was not possible). */
  readonly dataRate?: number;
  readonly frequency?: number;
}

/** `timesync` request (station with PPS): answer with {@link encodeTimeSyncReply}. */
export interface TimeSyncRequestMessage {
  readonly msgtype: "timesync";
  /** Station's time of sending, echoed exactly. */
  readonly txtime: number | bigint;
}

export type UpstreamMessage =
  | VersionMessage
  | JoinRequestMessage
  | UplinkDataMessage
  | ProprietaryDataMessage
  | TxConfirmationMessage
  | TimeSyncRequestMessage;

export type UpstreamResult = { readonly ok: true; readonly message: UpstreamMessage } | Drop;

type Parser = (object: JsonObject, msgtype: string) => UpstreamMessage | Drop;

const parsers = new Map<string, Parser>([
  ["version", parseVersion],
  ["jreq", parseJoinRequest],
  ["rejoin", parseJoinRequest],
  ["updf", parseUplinkData],
  ["propdf", parseProprietary],
  ["dntxed", parseTxConfirmation],
  ["timesync", parseTimeSync],
]);

// Known station messages this LNS does not act on: remote shell, device-mode frames and
// station's event/alarm reports.
const ignored = new Set(["rmtsh", "jacc", "dndf", "event", "alarm", "getxtime"]);

/** Parses one text frame from station. */
export function parseUpstream(text: string): UpstreamResult {
  const object = parseJson(text);
  if (!isJsonObject(object)) return drop("not_json");
  const msgtype = object.msgtype;
  if (typeof msgtype !== "string") return drop("no_msgtype");
  const parser = parsers.get(msgtype);
  if (parser === undefined)
    return drop(ignored.has(msgtype) ? "ignored_msgtype" : "unknown_msgtype", undefined, msgtype);
  const result = parser(object, msgtype);
  return "ok" in result ? result : { ok: true, message: result };
}

function optionalString(value: unknown): string | undefined {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : undefined;
}

function parseVersion(object: JsonObject, msgtype: string): VersionMessage | Drop {
  const fields = ["station", "firmware", "package", "model", "features"] as const;
  const text = { station: "", firmware: "", package: "", model: "", features: "" };
  for (const field of fields) {
    const value = optionalString(object[field]);
    if (value === undefined) return drop("bad_field", field, msgtype);
    text[field] = value;
  }
  const protocol = object.protocol === undefined ? 0 : readInteger(object.protocol, 0, 0xffff);
  if (protocol === undefined) return drop("bad_field", "protocol", msgtype);
  return {
    msgtype: "version",
    station: text.station,
    firmware: text.firmware,
    package: text.package,
    model: text.model,
    protocol,
    features: text.features,
    production: text.features.split(/\s+/).includes("prod"),
  };
}

function readRadio(object: JsonObject, msgtype: string): UplinkRadio | Drop {
  const dataRate = readInteger(object.DR, 0, 15);
  if (dataRate === undefined) return drop("bad_field", "DR", msgtype);
  const frequency = readInteger(object.Freq, 1, 0xffffffff);
  if (frequency === undefined) return drop("bad_field", "Freq", msgtype);
  const refTime = object.RefTime === undefined ? 0 : readFinite(object.RefTime);
  if (refTime === undefined) return drop("bad_field", "RefTime", msgtype);
  const info = object.upinfo;
  if (!isJsonObject(info)) return drop("bad_field", "upinfo", msgtype);
  const xtime = info.xtime === undefined ? 0n : readInt64(info.xtime);
  if (xtime === undefined) return drop("bad_field", "upinfo.xtime", msgtype);
  if (xtime === 0n) return drop("no_xtime", "upinfo.xtime", msgtype);
  const rctx = info.rctx === undefined ? 0n : readInt64(info.rctx);
  if (rctx === undefined) return drop("bad_field", "upinfo.rctx", msgtype);
  const gpstime = info.gpstime === undefined ? 0n : readInt64(info.gpstime);
  if (gpstime === undefined) return drop("bad_field", "upinfo.gpstime", msgtype);
  const fts = info.fts === undefined ? -1 : readInteger(info.fts, -1, 0xffffffff);
  if (fts === undefined) return drop("bad_field", "upinfo.fts", msgtype);
  const rssi = readFinite(info.rssi);
  if (rssi === undefined) return drop("bad_field", "upinfo.rssi", msgtype);
  const snr = readFinite(info.snr);
  if (snr === undefined) return drop("bad_field", "upinfo.snr", msgtype);
  const rxtime = info.rxtime === undefined ? 0 : readFinite(info.rxtime);
  if (rxtime === undefined) return drop("bad_field", "upinfo.rxtime", msgtype);
  return { dataRate, frequency, refTime, upInfo: { rctx, xtime, gpstime, fts, rssi, snr, rxtime } };
}

// Station writes MIC (and DevAddr) as signed 32-bit; an unsigned value is accepted as well.
function readWord(value: unknown): number | undefined {
  const word = readInteger(value, -0x80000000, 0xffffffff);
  return word === undefined ? undefined : word | 0;
}

function parseJoinRequest(object: JsonObject, msgtype: string): JoinRequestMessage | Drop {
  const type = msgtype as "jreq" | "rejoin";
  const mhdr = readInteger(object.MHdr, 0, 255);
  if (mhdr === undefined || !isJoinMType(mTypeOf(mhdr), type) || !isMajorR1(mhdr))
    return drop("bad_field", "MHdr", msgtype);
  // Station 2.0.6 writes `JoinEui`/`DevEui`; with a `JoinEUI` filter key it writes the upper-case names.
  const joinEui = parseStationEui(object.JoinEui ?? object.JoinEUI);
  if (joinEui === undefined) return drop("bad_field", "JoinEui", msgtype);
  const devEui = parseStationEui(object.DevEui ?? object.DevEUI);
  if (devEui === undefined) return drop("bad_field", "DevEui", msgtype);
  const devNonce = readInteger(object.DevNonce, 0, 0xffff);
  if (devNonce === undefined) return drop("bad_field", "DevNonce", msgtype);
  const mic = readWord(object.MIC);
  if (mic === undefined) return drop("bad_field", "MIC", msgtype);
  const radio = readRadio(object, msgtype);
  if ("ok" in radio) return radio;
  const fields = { mhdr, joinEui, devEui, devNonce, mic };
  return { msgtype: type, ...fields, ...radio, phyPayload: joinPhyPayload(fields) };
}

function parseUplinkData(object: JsonObject, msgtype: string): UplinkDataMessage | Drop {
  const mhdr = readInteger(object.MHdr, 0, 255);
  if (mhdr === undefined || !isUplinkDataMType(mTypeOf(mhdr)) || !isMajorR1(mhdr))
    return drop("bad_field", "MHdr", msgtype);
  const devAddr = readWord(object.DevAddr);
  if (devAddr === undefined) return drop("bad_field", "DevAddr", msgtype);
  const fCtrl = readInteger(object.FCtrl, 0, 255);
  if (fCtrl === undefined) return drop("bad_field", "FCtrl", msgtype);
  const fCnt = readInteger(object.FCnt, 0, 0xffff);
  if (fCnt === undefined) return drop("bad_field", "FCnt", msgtype);
  const fOpts = readHex(object.FOpts ?? "", 15);
  if (fOpts === undefined) return drop("bad_field", "FOpts", msgtype);
  // FOptsLen lives in FCtrl: a frame whose FOpts disagree cannot be rebuilt.
  if (fOpts.length !== (fCtrl & 0x0f)) return drop("bad_frame", "FOpts", msgtype);
  const fPort = readInteger(object.FPort ?? -1, -1, 255);
  if (fPort === undefined) return drop("bad_field", "FPort", msgtype);
  const frmPayload = readHex(object.FRMPayload ?? "", MAX_PHY_PAYLOAD);
  if (frmPayload === undefined) return drop("bad_field", "FRMPayload", msgtype);
  if (fPort < 0 && frmPayload.length > 0) return drop("bad_frame", "FRMPayload", msgtype);
  if (8 + fOpts.length + (fPort < 0 ? 0 : 1 + frmPayload.length) + 4 > MAX_PHY_PAYLOAD)
    return drop("bad_frame", "FRMPayload", msgtype);
  const mic = readWord(object.MIC);
  if (mic === undefined) return drop("bad_field", "MIC", msgtype);
  const radio = readRadio(object, msgtype);
  if ("ok" in radio) return radio;
  const fields = { mhdr, devAddr: devAddr >>> 0, fCtrl, fCnt, fOpts, fPort, frmPayload, mic };
  return { msgtype: "updf", ...fields, ...radio, phyPayload: dataPhyPayload(fields) };
}

function parseProprietary(object: JsonObject, msgtype: string): ProprietaryDataMessage | Drop {
  const phyPayload = readHex(object.FRMPayload, MAX_PHY_PAYLOAD);
  if (phyPayload === undefined || phyPayload.length === 0)
    return drop("bad_field", "FRMPayload", msgtype);
  const mhdr = phyPayload[0] ?? 0;
  if (!isProprietaryMType(mTypeOf(mhdr)) || !isMajorR1(mhdr))
    return drop("bad_frame", "FRMPayload", msgtype);
  const radio = readRadio(object, msgtype);
  if ("ok" in radio) return radio;
  return { msgtype: "propdf", ...radio, phyPayload };
}

function parseTxConfirmation(object: JsonObject, msgtype: string): TxConfirmationMessage | Drop {
  const diid = readInt64(object.diid ?? object.seqno);
  if (diid === undefined) return drop("bad_field", "diid", msgtype);
  const rawEui = object.DevEui ?? object.DevEUI;
  const devEui = rawEui === undefined ? undefined : parseStationEui(rawEui);
  if (rawEui !== undefined && devEui === undefined) return drop("bad_field", "DevEui", msgtype);
  const rctx = object.rctx === undefined ? 0n : readInt64(object.rctx);
  if (rctx === undefined) return drop("bad_field", "rctx", msgtype);
  const xtime = object.xtime === undefined ? 0n : readInt64(object.xtime);
  if (xtime === undefined) return drop("bad_field", "xtime", msgtype);
  const txtime = object.txtime === undefined ? 0 : readFinite(object.txtime);
  if (txtime === undefined) return drop("bad_field", "txtime", msgtype);
  const gpstime = object.gpstime === undefined ? 0n : readInt64(object.gpstime);
  if (gpstime === undefined) return drop("bad_field", "gpstime", msgtype);
  const dataRate = object.DR === undefined ? undefined : readInteger(object.DR, 0, 15);
  if (object.DR !== undefined && dataRate === undefined) return drop("bad_field", "DR", msgtype);
  const frequency = object.Freq === undefined ? undefined : readInteger(object.Freq, 0, 0xffffffff);
  if (object.Freq !== undefined && frequency === undefined)
    return drop("bad_field", "Freq", msgtype);
  return { msgtype: "dntxed", diid, devEui, rctx, xtime, txtime, gpstime, dataRate, frequency };
}

function parseTimeSync(object: JsonObject, msgtype: string): TimeSyncRequestMessage | Drop {
  const value = object.txtime;
  const txtime = typeof value === "bigint" ? readInt64(value) : readFinite(value);
  if (txtime === undefined) return drop("bad_field", "txtime", msgtype);
  return { msgtype: "timesync", txtime };
}
