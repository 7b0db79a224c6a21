/**
 * Messages from the LNS to station: `dnmsg` for class A, class C and absolute-time
 * downlinks, and `timesync`. Station (`handle_dnmsg` in src/s2e.c) requires DevEui, dC,
 * diid, pdu and RxDelay (or the absolute form's DR), takes RX1 and RX2 each as a pair,
 * and schedules at `xtime + RxDelay·10^6` when xtime is given (RxDelay 0 counts as 1).
 */
import { errDownlink } from "./errors.ts";
import { formatUpperHex } from "./fields.ts";
import { MAX_PHY_PAYLOAD } from "./frame.ts";
import { stringifyJson } from "./lossless-json.ts";
import { formatDashedEui } from "./station-id.ts";

/** The DevEui TTS sends when it has none: station needs one to report dntxed. */
export const DEFAULT_DOWNLINK_DEV_EUI = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1);

/** A downlink channel: index into router_config's DRs, and frequency in Hz. */
export interface TxChannel {
  readonly dataRate: number;
  readonly frequency: number;
}

interface DownlinkCommon {
  /** Reported back in dntxed; {@link DEFAULT_DOWNLINK_DEV_EUI} when absent. */
  readonly devEui?: Uint8Array;
  /** Downlink id, echoed as dntxed's `diid`. */
  readonly diid: bigint;
  /** The PHYPayload. */
  readonly pdu: Uint8Array;
  /** 0–255; TTS sends 25. */
  readonly priority?: number;
  /** The antenna: the uplink's `rctx` for class A; absent lets station take it from xtime. */
  readonly rctx?: bigint;
  /** The LNS's time (Unix seconds, float). */
  readonly muxTime: number;
}

/** Class A: RX1 and/or RX2 after the uplink whose `xtime` (and `rctx`) is echoed. */
export interface ClassADownlink extends DownlinkCommon {
  readonly kind: "class-a";
  /** Seconds after the uplink (1–15; 0 means 1). */
  readonly rxDelay: number;
  readonly xtime: bigint;
  readonly rx1?: TxChannel;
  readonly rx2?: TxChannel;
}

/**
 * Class C in RX2: as soon as possible without `xtime`, or `rxDelay` seconds after `xtime`
 * (the last uplink's).
 */
export interface ClassCDownlink extends DownlinkCommon {
  readonly kind: "class-c";
  readonly rx2: TxChannel;
  readonly xtime?: bigint;
  readonly rxDelay?: number;
}

/**
 * At an absolute time: a concentrator time (`xtime`, sent as class C) or a GPS time in µs
 * (`gpstime`, sent as class B, the only class for which station reads gpstime).
 */
export interface AbsoluteTimeDownlink extends DownlinkCommon {
  readonly kind: "absolute";
  readonly channel: TxChannel;
  readonly at: { readonly xtime: bigint } | { readonly gpstime: bigint };
}

export type Downlink = ClassADownlink | ClassCDownlink | AbsoluteTimeDownlink;

const DEVICE_CLASS = { "class-a": 0, "class-b": 1, "class-c": 2 } as const;

function check(ok: boolean, field: string, reason: string): void {
  if (!ok) throw errDownlink.create({ field, reason });
}

function checkChannel(channel: TxChannel | undefined, field: string): void {
  if (channel === undefined) return;
  check(
    Number.isInteger(channel.dataRate) && channel.dataRate >= 0 && channel.dataRate <= 15,
    `${field}.dataRate`,
    "not a data rate index 0–15",
  );
  check(
    Number.isInteger(channel.frequency) && channel.frequency > 0,
    `${field}.frequency`,
    "not a frequency in Hz",
  );
}

/** The dnmsg text of a downlink; throws a typed error for a value station would refuse. */
export function encodeDownlinkMessage(downlink: Downlink): string {
  check(
    downlink.pdu.length > 0 && downlink.pdu.length <= MAX_PHY_PAYLOAD,
    "pdu",
    "must be 1–255 bytes",
  );
  const priority = downlink.priority ?? 25;
  check(
    Number.isInteger(priority) && priority >= 0 && priority <= 255,
    "priority",
    "must be 0–255",
  );
  const message: Record<string, unknown> = {
    msgtype: "dnmsg",
    DevEui: formatDashedEui(downlink.devEui ?? DEFAULT_DOWNLINK_DEV_EUI),
    dC: 0,
    diid: downlink.diid,
    pdu: formatUpperHex(downlink.pdu),
  };
  switch (downlink.kind) {
    case "class-a": {
      check(
        downlink.rx1 !== undefined || downlink.rx2 !== undefined,
        "rx1",
        "class A needs RX1 or RX2",
      );
      checkRxDelay(downlink.rxDelay);
      checkChannel(downlink.rx1, "rx1");
      checkChannel(downlink.rx2, "rx2");
      message.dC = DEVICE_CLASS["class-a"];
      message.RxDelay = downlink.rxDelay;
      if (downlink.rx1 !== undefined) {
        message.RX1DR = downlink.rx1.dataRate;
        message.RX1Freq = downlink.rx1.frequency;
      }
      if (downlink.rx2 !== undefined) {
        message.RX2DR = downlink.rx2.dataRate;
        message.RX2Freq = downlink.rx2.frequency;
      }
      message.xtime = downlink.xtime;
      break;
    }
    case "class-c": {
      checkChannel(downlink.rx2, "rx2");
      const rxDelay = downlink.rxDelay ?? 1;
      checkRxDelay(rxDelay);
      message.dC = DEVICE_CLASS["class-c"];
      message.RxDelay = rxDelay;
      message.RX2DR = downlink.rx2.dataRate;
      message.RX2Freq = downlink.rx2.frequency;
      if (downlink.xtime !== undefined) message.xtime = downlink.xtime;
      break;
    }
    case "absolute": {
      checkChannel(downlink.channel, "channel");
      const byGps = "gpstime" in downlink.at;
      message.dC = DEVICE_CLASS[byGps ? "class-b" : "class-c"];
      message.DR = downlink.channel.dataRate;
      message.Freq = downlink.channel.frequency;
      if ("gpstime" in downlink.at) message.gpstime = downlink.at.gpstime;
      else message.xtime = downlink.at.xtime;
      break;
    }
  }
  message.priority = priority;
  if (downlink.rctx !== undefined) message.rctx = downlink.rctx;
  message.MuxTime = downlink.muxTime;
  return stringifyJson(message);
}

function checkRxDelay(rxDelay: number): void {
  check(Number.isInteger(rxDelay) && rxDelay >= 0 && rxDelay <= 15, "rxDelay", "must be 0–15 s");
}

/** The answer to station's `timesync` request: its txtime echoed, with GPS time (µs). */
export function encodeTimeSyncReply(reply: {
  readonly txtime: number | bigint;
  readonly gpstime: bigint;
  readonly muxTime: number;
}): string {
  return stringifyJson({
    msgtype: "timesync",
    txtime: reply.txtime,
    gpstime: reply.gpstime,
    MuxTime: reply.muxTime,
  });
}

/**
 * A time transfer the LNS pushes: the GPS time (µs) of concentrator time `xtime`, for a
 * station without PPS (TTS sends these; station 2.0.6 applies them).
 */
export function encodeTimeTransfer(transfer: {
  readonly xtime: bigint;
  readonly gpstime: bigint;
  readonly muxTime: number;
}): string {
  return stringifyJson({
    msgtype: "timesync",
    xtime: transfer.xtime,
    gpstime: transfer.gpstime,
    MuxTime: transfer.muxTime,
  });
}
