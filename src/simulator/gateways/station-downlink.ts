/**
 * How a Basics Station reads a `dnmsg` or a `dnsched` entry: the transmissions to try, in
 * order (class A: RX1, then RX2 if RX1 is not possible), each at an xtime.
 */
import { xtimeSession, xtimeTicks } from "../../gateway-protocols/basic-station/index.ts";

/** One way to send a downlink: when (48-bit ticks of the xtime, or at once), data rate index, Hz. */
export interface TransmitChoice {
  /** Concentrator ticks to start at; undefined: as soon as possible. */
  ticks?: number;
  dataRate: number;
  frequency: number;
}

export interface StationDownlink {
  diid: bigint | number;
  devEui: string;
  rctx: bigint | number;
  pdu: Uint8Array;
  choices: TransmitChoice[];
}

/** Why a station drops a downlink without sending it. */
export type StationDrop = "malformed" | "other_session" | "class_b";

const isInteger = (value: unknown): value is number | bigint =>
  typeof value === "bigint" || (typeof value === "number" && Number.isInteger(value));
const hexPattern = /^(?:[0-9A-Fa-f]{2})+$/;

function channel(
  dataRate: unknown,
  frequency: unknown,
): { dataRate: number; frequency: number } | undefined {
  if (typeof dataRate !== "number" || !Number.isInteger(dataRate) || dataRate < 0 || dataRate > 15)
    return undefined;
  if (typeof frequency !== "number" || !Number.isInteger(frequency) || frequency <= 0)
    return undefined;
  return { dataRate, frequency };
}

/**
 * The choices of a `dnmsg` (fields as parsed, 64-bit integers as bigint), or why it is
 * dropped. `session` is the station's current xtime session.
 */
export function readDownlink(
  message: Record<string, unknown>,
  session: number,
): StationDownlink | StationDrop {
  const { pdu, diid, DevEui, rctx, xtime, dC, RxDelay } = message;
  if (typeof pdu !== "string" || !hexPattern.test(pdu) || pdu.length > 510) return "malformed";
  if (!isInteger(diid)) return "malformed";
  if (dC === 1) return "class_b";
  let base: number | undefined;
  if (xtime !== undefined) {
    if (!isInteger(xtime)) return "malformed";
    const value = BigInt(xtime);
    if (xtimeSession(value) !== session) return "other_session";
    base = Number(xtimeTicks(value));
  }
  const delay = typeof RxDelay === "number" && RxDelay >= 1 && RxDelay <= 15 ? RxDelay : 1;
  const choices: TransmitChoice[] = [];
  const absolute = channel(message.DR, message.Freq);
  if (absolute !== undefined) {
    // Absolute time: at xtime itself.
    choices.push({ ...absolute, ...(base === undefined ? {} : { ticks: base }) });
  } else {
    const rx1 = channel(message.RX1DR, message.RX1Freq);
    const rx2 = channel(message.RX2DR, message.RX2Freq);
    if (dC === 0 || dC === undefined) {
      if (base === undefined) return "malformed";
      if (rx1 !== undefined) choices.push({ ...rx1, ticks: base + delay * 1e6 });
      if (rx2 !== undefined) choices.push({ ...rx2, ticks: base + (delay + 1) * 1e6 });
    } else if (rx2 !== undefined) {
      choices.push({ ...rx2, ...(base === undefined ? {} : { ticks: base + delay * 1e6 }) });
    }
  }
  if (choices.length === 0) return "malformed";
  return {
    diid,
    devEui: typeof DevEui === "string" ? DevEui : "00-00-00-00-00-00-00-01",
    rctx: isInteger(rctx) ? rctx : 0,
    pdu: Buffer.from(pdu, "hex"),
    choices,
  };
}
