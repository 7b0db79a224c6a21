/**
 * The parts of the gateway drivers in ../shared/peers/lib (plain JavaScript) that our tests
 * use, described here in our own types so that type-checking never needs ../shared: a checkout
 * without it type-checks, and its gateway tests skip (outside CI). `loadPeerDriver` imports a
 * driver from the shared folder at run time.
 */
import type { ChildProcess } from "node:child_process";
import { pathToFileURL } from "node:url";
import { sharedPath } from "./ci.ts";

/** An append-only list of driver events with waits on a predicate. */
export interface DriverEventLog<T> {
  items: T[];
  readonly length: number;
  /** The first event at index ≥ `since` (logged or future) that `pred` accepts. */
  wait(pred: (event: T) => boolean, timeoutMs?: number, since?: number, what?: string): Promise<T>;
}

/** A PHYPayload as hex, base64 or bytes. */
export interface PayloadInput {
  hex?: string;
  b64?: string;
  data?: Buffer | Uint8Array | string;
}

/** common.mjs */
export interface CommonDriver {
  BIN: { pktfwd: string; station: string };
  buildPeers(options?: {
    peers?: PeerName | PeerName[];
    force?: boolean;
  }): { ok: true; output: string } | { ok: false; skip: string };
}

export type PeerName = "pktfwd" | "station";

/** An uplink for lora_pkt_fwd's fake HAL: `freq` in MHz, `datr` "SF7BW125" or an FSK bit rate. */
export interface PktFwdUplink extends PayloadInput {
  freq?: number;
  datr?: string | number;
  codr?: string;
  modu?: "LORA" | "FSK";
  rssi?: number;
  lsnr?: number;
  stat?: 1 | -1 | 0;
  /** The concentrator time (u32 µs) to report; default the counter now. */
  tmst?: number;
  force?: boolean;
}

/** The fake HAL's answer to an uplink it delivered: `tmst` is what rxpk.tmst will say. */
export interface FakeHalRx {
  event: "rx";
  id: number;
  tmst: number;
  count_us: number;
  freq_hz: number;
  if_chain: number;
  rf_chain: number;
  size: number;
}

/** An emission of the fake HAL (`txsched` when handed over, `tx` when it starts). */
export interface FakeHalTx {
  event: "tx" | "txsched";
  tx_mode: "IMMEDIATE" | "TIMESTAMPED" | "ON_GPS";
  /** The programmed start, u32 µs on the uplinks' clock. */
  count_us: number;
  tmst: number;
  freq_hz: number;
  freq: number;
  rfch: number;
  powe: number;
  modu: "LORA" | "FSK";
  datr: string | number;
  codr: string;
  ipol: boolean;
  prea: number;
  ncrc: boolean;
  size: number;
  /** PHYPayload, base64. */
  data: string;
  cnt_at_send: number;
  lead_us?: number;
  cnt_at_emit?: number;
  err_us?: number;
  airtime_ms?: number;
}

/** The client of the fake HAL's radio socket. */
/** What the fake HAL reports: uplinks delivered, emissions, and other events. */
export type FakeHalEvent = FakeHalRx | FakeHalTx | { event: "time" | "rx_dropped" | "error" };

export interface PktFwdRadio {
  events: DriverEventLog<FakeHalEvent>;
  /** The concentrator counter now (u32 µs). */
  time(timeoutMs?: number): Promise<number>;
  uplink(uplink: PktFwdUplink): Promise<FakeHalRx>;
  nextTx(timeoutMs?: number, pred?: (tx: FakeHalTx) => boolean, since?: number): Promise<FakeHalTx>;
  close(): void;
}

export interface PktFwdOptions {
  serverHost?: string;
  serverPort: number;
  serverPortDown?: number;
  radioPort?: number;
  gatewayEui?: string;
  keepaliveS?: number;
  statIntervalS?: number;
  cntStart?: number;
  workDir?: string;
  sx1301Conf?: Record<string, unknown>;
  echo?: boolean;
  bin?: string;
}

export interface PktFwd {
  proc: ChildProcess;
  pid: number;
  radio: PktFwdRadio;
  workDir: string;
  logPath: string;
  gatewayEui: string;
  stop(): Promise<void>;
}

/** pktfwd.mjs */
export interface PktFwdDriver {
  startPktFwd(options: PktFwdOptions): Promise<PktFwd>;
  /** The EU868 `SX1301_conf` of packet_forwarder 4.0.1's own global_conf.json. */
  eu868SX1301Conf(): Record<string, unknown>;
}

/** An uplink for Basics Station's simulated radio (`freq` in MHz). */
export interface StationUplink extends PayloadInput {
  freq?: number;
  sf?: 7 | 8 | 9 | 10 | 11 | 12;
  bw?: 125 | 250 | 500;
  rssi?: number;
  snr?: number;
  crcOk?: boolean;
  xticks?: number | bigint;
  fsk?: boolean;
  datarate?: number;
}

/** One `lgw_send` of Basics Station. */
export interface StationTx {
  event: "tx";
  freq_hz: number;
  mode: string;
  /** The programmed start, u32 µs on the uplinks' clock. */
  count_us: number;
  rf_power: number;
  invert_pol: boolean;
  preamble: number;
  no_crc: boolean;
  size: number;
  payload: Buffer;
  /** PHYPayload, base64. */
  data: string;
  sf?: number;
  bw?: number;
  datr?: string;
  xticks_at_send: number;
  cnt_at_send: number;
  lead_us: number;
}

export interface StationRadio {
  events: DriverEventLog<StationTx>;
  connected: Promise<{ txunit: number; timeOffset: bigint; xticks: bigint }>;
  xticks(): bigint;
  uplink(uplink: StationUplink): { count_us: number; xticks: number };
  nextTx(timeoutMs?: number, pred?: (tx: StationTx) => boolean, since?: number): Promise<StationTx>;
  close(): void;
}

export interface StationOptions {
  tcUri: string;
  routerEui?: string;
  workDir?: string;
  logLevel?: string;
  stationConf?: Record<string, unknown>;
  echo?: boolean;
  bin?: string;
}

export interface Station {
  proc: ChildProcess;
  pid: number;
  radio: StationRadio;
  workDir: string;
  logPath: string;
  stop(): Promise<void>;
}

/** station.mjs */
export interface StationDriver {
  startStation(options: StationOptions): Promise<Station>;
}

/** A message seen by the mock LNS (`up` from station, `dn` to it). */
export interface WsLnsEvent {
  dir: "up" | "dn";
  path: string;
  /** The message as the mock parsed it (plain JSON numbers). */
  msg: {
    msgtype?: string;
    upinfo?: { xtime: number; rctx: number };
    [field: string]: unknown;
  };
}

/** The drivers' minimal Basics Station LNS. */
export interface WsLns {
  events: DriverEventLog<WsLnsEvent>;
  uri: string;
  start(port?: number): Promise<WsLns>;
  send(message: Record<string, unknown>): void;
  close(): void;
}

/** mocklns.mjs */
export interface MockLnsDriver {
  WsLns: new (options?: {
    routerConfig?: Record<string, unknown>;
    answerTimesync?: boolean;
  }) => WsLns;
  eu868RouterConfig(): Record<string, unknown>;
}

interface Drivers {
  "common.mjs": CommonDriver;
  "pktfwd.mjs": PktFwdDriver;
  "station.mjs": StationDriver;
  "mocklns.mjs": MockLnsDriver;
}

/** Imports one driver module from ../shared/peers/lib. */
export async function loadPeerDriver<F extends keyof Drivers>(file: F): Promise<Drivers[F]> {
  return (await import(pathToFileURL(sharedPath(`peers/lib/${file}`)).href)) as Drivers[F];
}
