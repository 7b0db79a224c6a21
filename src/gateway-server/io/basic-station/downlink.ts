/**
 * A scheduled downlink as station's `dnmsg`. The Gateway Server's scheduler has decided when
 * and how it goes out (RX1 or RX2, duty cycle, no overlap), so, as The Things Stack does,
 * station gets one window only: class A with `RxDelay` 1 and `RX1DR`/`RX1Freq`, its `xtime`
 * one second before the transmission time. Station transmits at exactly `xtime + RxDelay·10^6`
 * and, with no RX2 given, never moves the frame to another window of its own choosing.
 */
import {
  type DataRateEntry,
  DEFAULT_DOWNLINK_DEV_EUI,
  encodeDownlinkMessage,
  xtimeAfter,
  xtimeTicks,
} from "../../../gateway-protocols/basic-station/index.ts";
import type { DownlinkMessage } from "../../../gen/ttn/lorawan/v3/messages_pb.js";
import { indexOfDownlinkDataRate } from "./data-rates.ts";

/** Why a downlink could not be put on the wire (a fixed table: counted, no stack). */
export const downlinkFailures = {
  not_scheduled: "the downlink has no scheduled Tx settings",
  no_clock: "no uplink with xtime yet: the station's clock is unknown",
  data_rate: "the data rate is not in the router_config's DRs",
  encode: "station would refuse the downlink (payload or parameters out of range)",
} as const;
export type DownlinkFailure = keyof typeof downlinkFailures;

const oneSecondUs = 1_000_000n;

export interface DnmsgInput {
  readonly downlink: DownlinkMessage;
  /** The transmission's xtime (session and radio unit included). */
  readonly xtime: bigint;
  readonly diid: bigint;
  /** The `DRs` of the router_config station was given. */
  readonly dataRates: readonly DataRateEntry[];
  /** Now, Unix seconds (float): station answers with RefTime for round trips. */
  readonly muxTime: number;
}

export type DnmsgResult =
  | {
      readonly ok: true;
      readonly text: string;
      readonly dataRate: number;
      readonly frequency: number;
    }
  | { readonly ok: false; readonly reason: DownlinkFailure };

/** The dnmsg text of a scheduled downlink. */
export function encodeScheduledDownlink(input: DnmsgInput): DnmsgResult {
  const { downlink } = input;
  if (downlink.settings.case !== "scheduled") return { ok: false, reason: "not_scheduled" };
  const settings = downlink.settings.value;
  const dataRate = indexOfDownlinkDataRate(input.dataRates, settings.dataRate);
  if (dataRate === undefined) return { ok: false, reason: "data_rate" };
  const frequency = Number(settings.frequency);
  const channel = { dataRate, frequency };
  const devEui = downlink.endDeviceIds?.devEui;
  const common = {
    devEui:
      devEui?.length === 8 && devEui.some((byte) => byte !== 0) ? devEui : DEFAULT_DOWNLINK_DEV_EUI,
    diid: input.diid,
    pdu: downlink.rawPayload,
    priority: 25,
    rctx: BigInt(settings.downlink?.antennaIndex ?? 0),
    muxTime: input.muxTime,
  };
  try {
    const text =
      xtimeTicks(input.xtime) >= oneSecondUs
        ? encodeDownlinkMessage({
            ...common,
            kind: "class-a",
            rxDelay: 1,
            xtime: xtimeAfter(input.xtime, -oneSecondUs),
            rx1: channel,
          })
        : // In the first second of station's counter "one second before" does not exist: the
          // absolute form names the transmission time itself.
          encodeDownlinkMessage({
            ...common,
            kind: "absolute",
            channel,
            at: { xtime: input.xtime },
          });
    return { ok: true, text, dataRate, frequency };
  } catch {
    return { ok: false, reason: "encode" };
  }
}
