import { create } from "@bufbuild/protobuf";
import type { DefinedError } from "../../errors/index.ts";
import { errorNamespace } from "../../errors/index.ts";
import type { Gateway } from "../../gen/ttn/lorawan/v3/gateway_pb.js";
import {
  Class,
  type TxRequest,
  type TxSettings,
  TxSettingsSchema,
} from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import type { UplinkTokenFields } from "../uplink-token.ts";

/** What a scheduler is asked: a Network Server's request on one path of one gateway. */
export interface ScheduleInput {
  request: TxRequest;
  /** The uplink token of the path, when the path is one (class A answers always are). */
  token: UplinkTokenFields | undefined;
  antennaIndex: number;
  gateway: Gateway;
  /** Now, ms since the epoch. */
  nowMs: number;
}

/** Where and when a downlink goes. */
export interface ScheduledDownlink {
  settings: TxSettings;
  rx1: boolean;
  rx2: boolean;
  /** From now until the gateway transmits (ms). */
  delayMs: number;
}

/**
 * Picks RX1 or RX2 (or a class C time) for a downlink on one gateway, or refuses with a typed
 * error (too late, duty cycle, conflict). One per connection; src/gateway-server/scheduling/
 * provides the real one (concentrator clock with wraps, duty cycle per sub-band, no overlaps,
 * schedule-late); {@link provisionalScheduler} stands in until it is wired in
 * gateway-server.ts.
 */
export interface DownlinkScheduler {
  schedule(input: ScheduleInput): ScheduledDownlink | { error: DefinedError };
}

const errors = errorNamespace("gateway-server/scheduling");
export const errTooLate = errors.failedPrecondition(
  "too_late",
  "too late to schedule the downlink in RX1 or RX2",
);
export const errNoWindow = errors.invalidArgument(
  "no_window",
  "the Tx request has no RX1 or RX2 frequency and data rate",
);

/** Time the gateway needs between receiving a downlink and sending it (ms). */
const gatewayMarginMs = 50;

/**
 * A stand-in scheduler without duty cycle or conflict checks: class A in RX1, else RX2, timed
 * from the uplink's concentrator timestamp; class B/C at once (timestamp 0) in RX2.
 */
export const provisionalScheduler: DownlinkScheduler = {
  schedule({ request, token, antennaIndex, nowMs }) {
    const downlink = { antennaIndex, txPower: 14, invertPolarization: true };
    const rx1DelayMs = Math.max(1, request.rx1Delay) * 1000;
    const windows = [
      {
        rx1: true,
        offsetMs: rx1DelayMs,
        frequency: request.rx1Frequency,
        dataRate: request.rx1DataRate,
      },
      {
        rx1: false,
        offsetMs: rx1DelayMs + 1000,
        frequency: request.rx2Frequency,
        dataRate: request.rx2DataRate,
      },
    ].filter((window) => window.frequency > 0n && window.dataRate !== undefined);
    if (windows.length === 0) return { error: errNoWindow.create() };
    if (request.class !== Class.A || !token) {
      const rx2 = windows[windows.length - 1];
      if (!rx2) return { error: errNoWindow.create() };
      return {
        settings: create(TxSettingsSchema, {
          dataRate: rx2.dataRate,
          frequency: rx2.frequency,
          timestamp: 0,
          downlink,
        }),
        rx1: false,
        rx2: true,
        delayMs: 0,
      };
    }
    for (const window of windows) {
      const delayMs = token.serverTimeMs + window.offsetMs - nowMs;
      if (delayMs < gatewayMarginMs) continue;
      return {
        settings: create(TxSettingsSchema, {
          dataRate: window.dataRate,
          frequency: window.frequency,
          timestamp: (token.timestamp + window.offsetMs * 1000) >>> 0,
          downlink,
        }),
        rx1: window.rx1,
        rx2: !window.rx1,
        delayMs,
      };
    }
    return { error: errTooLate.create() };
  },
};
