/**
 * What the Gateway Server asks of a scheduler, and what it answers. Times are microseconds:
 * concentrator times on the clock's continuous scale (see `concentrator-clock.ts`), server
 * times on the monotonic clock given to `schedule`.
 */
import type { SchedulePriority } from "./duty-cycle.ts";
import type { ScheduleWindow, WindowFailure } from "./failures.ts";

/** A data rate as TTS's `DataRate` carries it (LoRa or FSK; LR-FHSS has no downlink). */
export type DataRate =
  | {
      readonly lora: {
        readonly spreadingFactor: number;
        /** Hz. */
        readonly bandwidth: number;
        /** Default "4/5". */
        readonly codingRate?: string;
      };
    }
  | { readonly fsk: { readonly bitRate: number } };

/** Radio settings of one window. */
export interface TxParameters {
  /** Hz. */
  readonly frequency: number;
  readonly dataRate: DataRate;
  /** EIRP in dBm; default: the maximum EIRP of the frequency's sub-band (else the plan's). */
  readonly power?: number;
}

interface RequestBase {
  /** PHYPayload length in bytes. */
  readonly payloadSize: number;
  /** Default NORMAL. */
  readonly priority?: SchedulePriority;
}

/**
 * Class A: a reply to an uplink, tried in RX1 and then in RX2 as far as each is given.
 * `uplinkTimestamp` is the uplink's concentrator counter as the gateway reported it: the
 * 32-bit `tmst` (Semtech UDP) or the `xtime` (Basics Station, a bigint).
 */
export interface ClassARequest extends RequestBase {
  readonly kind: "class-a";
  readonly uplinkTimestamp: number | bigint;
  /** RX1 delay in seconds (0 counts as 1, as in LoRaWAN); RX2 opens a second later. */
  readonly rx1Delay: number;
  readonly rx1?: TxParameters;
  readonly rx2?: TxParameters;
}

/** Class C (or any downlink without a time): as soon as possible. */
export interface AsapRequest extends RequestBase {
  readonly kind: "asap";
  readonly tx: TxParameters;
}

/**
 * Absolute time (class B ping slots, class C at a time): the emission starts at `gpsTimeUs`
 * (µs since the GPS epoch). Needs the gateway's GPS time reference.
 */
export interface AbsoluteRequest extends RequestBase {
  readonly kind: "absolute";
  readonly gpsTimeUs: number;
  readonly tx: TxParameters;
}

export type DownlinkRequest = ClassARequest | AsapRequest | AbsoluteRequest;

/** Opaque reference to a booked emission, for `DownlinkScheduler.cancel`. */
export interface EmissionHandle {
  readonly window: ScheduleWindow;
  readonly startsUs: number;
  readonly endsUs: number;
}

/** A downlink that was booked. */
export interface ScheduledDownlink {
  readonly ok: true;
  readonly window: ScheduleWindow;
  /** Concentrator time of the start and end of the emission. */
  readonly startsUs: number;
  readonly endsUs: number;
  readonly airtimeUs: number;
  /** The 32-bit counter value to put on the wire (Semtech UDP `tmst`). */
  readonly timestamp: number;
  /** The 64-bit `xtime` to put on the wire (Basics Station); only after an xtime sync. */
  readonly xtime: bigint | undefined;
  /** GPS time of the start, when the gateway has a GPS reference. */
  readonly gpsTimeUs: number | undefined;
  /** Estimated server time at which the emission starts. */
  readonly startsAtServerUs: number;
  /**
   * Server time at which the frontend should hand the downlink to the gateway: now, or
   * `scheduleLateUs` before the start for a gateway without a JIT queue.
   */
  readonly sendAtServerUs: number;
  readonly frequency: number;
  readonly dataRate: DataRate;
  /** EIRP in dBm. */
  readonly power: number;
  /** What to pass to `cancel` when the gateway refuses or fails the transmission. */
  readonly handle: EmissionHandle;
  /** Windows tried before this one and refused (RX1 when RX2 was chosen). */
  readonly failures: readonly WindowFailure[];
}

/** No window could be used; one failure per window tried, in order. */
export interface ScheduleRefused {
  readonly ok: false;
  readonly failures: readonly WindowFailure[];
}

export type ScheduleResult = ScheduledDownlink | ScheduleRefused;
