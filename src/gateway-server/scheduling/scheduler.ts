/**
 * The downlink scheduler of one connected gateway: decides whether and when a downlink goes
 * out, in the gateway's own clock. Pure: no I/O and no clock of its own; the server's
 * monotonic time (µs) is passed to every call that needs "now".
 *
 * Rules, in the order a window is checked (the first that fails is its reason):
 * data rate and payload give the airtime (`src/lorawan/airtime.ts`); the plan's dwell time;
 * the frequency within a transmitting radio and (when the duty cycle is enforced) a sub-band;
 * the power within the sub-band's maximum EIRP; the clock (synced, GPS reference for
 * absolute times); the lead between now and the start (too late / too early); no overlap with
 * another emission of this gateway including its time off air; the sub-band's duty cycle in
 * every sliding window, within the share of the request's priority.
 */

import { type AirtimeModulation, timeOnAirMicroseconds } from "../../lorawan/airtime.ts";
import type { FrequencyPlan, SubBand } from "../../lorawan/frequency-plans/index.ts";
import { ConcentratorClock } from "./concentrator-clock.ts";
import {
  defaultDutyCycleCeilings,
  defaultDutyCycleWindowUs,
  peakWindowUsage,
  type SchedulePriority,
} from "./duty-cycle.ts";
import type { ScheduleWindow, WindowFailure } from "./failures.ts";
import type {
  DataRate,
  DownlinkRequest,
  EmissionHandle,
  ScheduledDownlink,
  ScheduleResult,
  TxParameters,
} from "./request.ts";
import { RoundTripTimes } from "./round-trip-times.ts";
import { Timeline } from "./timeline.ts";

/** Defaults, from The Things Stack's scheduler and the real packet forwarder. */
export const schedulingDefaults = {
  /**
   * Time the gateway itself needs before a transmission: TTS's QueueDelay (30 ms, the
   * forwarder's JIT margin). Frontends pass their protocol's value ({@link gatewayProtocolLeadsUs}).
   */
  protocolLeadUs: 30_000,
  /** Network delay assumed while no round-trip time is known (TTS: ScheduleTimeShort − QueueDelay). */
  networkDelayUs: 100_000,
  /** How far ahead of "now" an ASAP downlink is placed at the earliest (TTS: ScheduleTimeLong). */
  scheduleAnytimeDelayUs: 330_000,
  /** lora_pkt_fwd refuses a tmst more than TX_MAX_ADVANCE_DELAY (512 s) ahead. */
  maximumLeadUs: 512_000_000,
  /** TTS's `schedule-late-time`: how long before transmission a late-scheduled downlink is sent. */
  scheduleLateUs: 800_000,
  /** Minimum time off air after an emission (TTS: at least QueueDelay). */
  minimumTimeOffAirUs: 30_000,
} as const;

/**
 * Lead each gateway protocol needs at the gateway, on top of the network's round trip.
 * lora_pkt_fwd answers TOO_LATE when a tmst is 32.5 ms or less ahead, and its uplink
 * timestamps reach us up to 10 ms late (it polls the concentrator every 10 ms), which makes
 * "now" look 10 ms earlier than it is: 45 ms keeps a few ms of margin. Basics Station hands
 * a frame to the radio about 20 ms ahead; TTS's 30 ms QueueDelay covers it.
 */
export const gatewayProtocolLeadsUs = {
  "semtech-udp": 45_000,
  "basic-station": 30_000,
} as const;

/** Settings of one gateway's scheduler. */
export interface SchedulerOptions {
  readonly frequencyPlan: FrequencyPlan;
  /** The gateway's `enforce_duty_cycle`. */
  readonly enforceDutyCycle: boolean;
  /** Lead the gateway protocol needs at the gateway (µs); see {@link gatewayProtocolLeadsUs}. */
  readonly protocolLeadUs?: number;
  /** Network delay assumed until a round-trip time is measured (µs). */
  readonly networkDelayUs?: number;
  /** The gateway's `schedule_anytime_delay` (µs): earliest start of an ASAP downlink. */
  readonly scheduleAnytimeDelayUs?: number;
  /** Largest lead the gateway accepts (µs). */
  readonly maximumLeadUs?: number;
  /**
   * Set for a gateway with `schedule_downlink_late` (no JIT queue): the frontend sends each
   * downlink this long (µs) before its start instead of at once (TTS's schedule-late-time).
   */
  readonly scheduleLateUs?: number;
  readonly dutyCycleCeilings?: Readonly<Record<SchedulePriority, number>>;
  readonly dutyCycleWindowUs?: number;
}

/** A sub-band's use, as GatewayConnectionStats reports it. */
export interface SubBandUtilization {
  readonly minFrequency: number;
  readonly maxFrequency: number;
  /** The sub-band's duty cycle (TTS: `downlink_utilization_limit`). */
  readonly dutyCycle: number;
  /** Airtime in the last window (µs). */
  readonly usedUs: number;
  readonly windowUs: number;
  /** usedUs / (windowUs × dutyCycle): the share of the allowance used (TTS: `downlink_utilization`). */
  readonly utilization: number;
}

/** The internal record behind an {@link EmissionHandle}. */
interface Booking extends EmissionHandle {
  readonly guardEndsUs: number;
  readonly subBand: Timeline | undefined;
  cancelled: boolean;
}

/** What a window needs besides its time: computed once, also for ASAP's many candidates. */
interface Prepared {
  readonly window: ScheduleWindow;
  readonly tx: TxParameters;
  readonly airtimeUs: number;
  readonly offAirUs: number;
  readonly power: number;
  readonly subBand: SubBand | undefined;
}

type Refusal = { readonly failure: WindowFailure };
type Outcome = { readonly booking: Booking } | Refusal;

function modulationOf(dataRate: DataRate): AirtimeModulation | undefined {
  if (typeof dataRate !== "object" || dataRate === null) return undefined;
  if ("lora" in dataRate && dataRate.lora !== undefined) {
    // LoRaWAN downlinks carry no payload CRC.
    return { kind: "lora", ...dataRate.lora, crc: false };
  }
  if ("fsk" in dataRate && dataRate.fsk !== undefined) return { kind: "fsk", ...dataRate.fsk };
  return undefined;
}

export class DownlinkScheduler {
  /** The gateway's clock: frontends sync it from every uplink (and timesync). */
  readonly clock = new ConcentratorClock();
  /** Round-trip times: frontends record them; the maximum sets the network delay. */
  readonly roundTripTimes = new RoundTripTimes();

  readonly #plan: FrequencyPlan;
  readonly #enforceDutyCycle: boolean;
  readonly #protocolLeadUs: number;
  readonly #networkDelayUs: number;
  readonly #anytimeDelayUs: number;
  readonly #maximumLeadUs: number;
  readonly #scheduleLateUs: number | undefined;
  readonly #ceilings: Readonly<Record<SchedulePriority, number>>;
  readonly #windowUs: number;
  readonly #transmitRanges: readonly { readonly min: number; readonly max: number }[];
  /** Emissions plus their time off air: never overlapping. */
  readonly #gateway = new Timeline();
  readonly #subBands: Map<SubBand, Timeline>;
  /** Bookings of this scheduler, so that a foreign handle cancels nothing. */
  readonly #bookings = new WeakSet<Booking>();

  constructor(options: SchedulerOptions) {
    this.#plan = options.frequencyPlan;
    this.#enforceDutyCycle = options.enforceDutyCycle;
    this.#protocolLeadUs = options.protocolLeadUs ?? schedulingDefaults.protocolLeadUs;
    this.#networkDelayUs = options.networkDelayUs ?? schedulingDefaults.networkDelayUs;
    this.#anytimeDelayUs =
      options.scheduleAnytimeDelayUs ?? schedulingDefaults.scheduleAnytimeDelayUs;
    this.#maximumLeadUs = options.maximumLeadUs ?? schedulingDefaults.maximumLeadUs;
    this.#scheduleLateUs = options.scheduleLateUs;
    this.#ceilings = options.dutyCycleCeilings ?? defaultDutyCycleCeilings;
    this.#windowUs = options.dutyCycleWindowUs ?? defaultDutyCycleWindowUs;
    this.#transmitRanges = this.#plan.radios.flatMap((radio) =>
      radio.enabled && radio.tx !== undefined
        ? [{ min: radio.tx.minFrequency, max: radio.tx.maxFrequency }]
        : [],
    );
    this.#subBands = new Map(this.#plan.subBands.map((subBand) => [subBand, new Timeline()]));
  }

  /**
   * The least time between now and a start that reaches the gateway in time: the protocol's
   * lead plus the largest recent round-trip time (or the assumed network delay). The whole
   * round trip, not half: "now" on the concentrator is estimated from uplinks, which arrive
   * one way late, so the estimate lags by that way and the downlink still has to travel the
   * other.
   */
  minimumLeadUs(nowUs: number): number {
    const rtt = this.roundTripTimes.stats(nowUs);
    return this.#protocolLeadUs + (rtt === undefined ? this.#networkDelayUs : rtt.maxUs);
  }

  /** Tries the request's windows in order and books the first that fits. */
  schedule(request: DownlinkRequest, nowUs: number): ScheduleResult {
    const now = this.clock.fromServerTime(nowUs);
    if (now !== undefined) this.#prune(now);
    const priority = request.priority ?? "NORMAL";
    const failures: WindowFailure[] = [];
    const attempt = (window: ScheduleWindow, tx: TxParameters, start: () => Outcome | number) => {
      const prepared = this.#prepare(window, tx, request.payloadSize);
      if ("failure" in prepared) return prepared;
      if (now === undefined) return fail(window, "no_clock", {});
      const startUs = start();
      if (typeof startUs !== "number") return startUs;
      return this.#tryAt(prepared, startUs, now, nowUs, priority);
    };
    const outcomes: Outcome[] = [];
    const problem = requestProblem(request);
    if (problem !== undefined) {
      return {
        ok: false,
        failures: [fail(problem.window, "invalid_request", { problem: problem.problem }).failure],
      };
    }
    switch (request.kind) {
      case "class-a": {
        const delayUs = Math.max(1, request.rx1Delay) * 1_000_000;
        const uplink = () =>
          typeof request.uplinkTimestamp === "bigint"
            ? this.clock.fromXtime(request.uplinkTimestamp)
            : this.clock.fromTimestamp(request.uplinkTimestamp);
        const windows: [ScheduleWindow, TxParameters | undefined, number][] = [
          ["rx1", request.rx1, delayUs],
          ["rx2", request.rx2, delayUs + 1_000_000],
        ];
        for (const [window, tx, offsetUs] of windows) {
          if (tx === undefined || tx === null) continue;
          const outcome = attempt(window, tx, () => {
            const at = uplink();
            return at === undefined ? fail(window, "no_clock", {}) : at + offsetUs;
          });
          outcomes.push(outcome);
          if ("booking" in outcome) break;
        }
        break;
      }
      case "absolute": {
        outcomes.push(
          attempt("absolute", request.tx, () => {
            const at = this.clock.fromGpsTime(request.gpsTimeUs);
            return at ?? fail("absolute", "no_time_reference", {});
          }),
        );
        break;
      }
      case "asap": {
        const prepared = this.#prepare("asap", request.tx, request.payloadSize);
        if ("failure" in prepared) outcomes.push(prepared);
        else if (now === undefined) outcomes.push(fail("asap", "no_clock", {}));
        else outcomes.push(this.#tryAnytime(prepared, now, nowUs, priority));
        break;
      }
    }
    for (const outcome of outcomes) {
      if ("failure" in outcome) failures.push(outcome.failure);
      else return this.#scheduled(outcome.booking, request, nowUs, failures);
    }
    return { ok: false, failures };
  }

  /**
   * Releases a booked emission (the gateway refused it, or the Network Server took it back):
   * its time and its duty cycle become free. Returns false for a handle already cancelled or
   * not from this scheduler.
   */
  cancel(handle: EmissionHandle): boolean {
    const booking = handle as Booking;
    if (!this.#bookings.has(booking) || booking.cancelled) return false;
    booking.cancelled = true;
    // Either may have been pruned already (an emission past its end); the duty cycle it
    // used is still released if the window holds it.
    this.#gateway.remove(booking, booking.startsUs);
    booking.subBand?.remove(booking, booking.startsUs);
    return true;
  }

  /** Duty-cycle use of every sub-band of the plan over the last window before `nowUs`. */
  subBandUtilization(nowUs: number): SubBandUtilization[] {
    const now = this.clock.fromServerTime(nowUs);
    return [...this.#subBands].map(([subBand, timeline]) => {
      const usedUs = now === undefined ? 0 : timeline.covered(now - this.#windowUs, now);
      return {
        minFrequency: subBand.minFrequency,
        maxFrequency: subBand.maxFrequency,
        dutyCycle: subBand.dutyCycle,
        usedUs,
        windowUs: this.#windowUs,
        utilization: usedUs / this.#windowUs / subBand.dutyCycle,
      };
    });
  }

  /** Booked emissions that have not ended, in order (for tests and diagnostics). */
  upcoming(): readonly EmissionHandle[] {
    return this.#gateway.items.map((item) => item.key as Booking);
  }

  #prune(now: number): void {
    this.#gateway.pruneBefore(now);
    for (const timeline of this.#subBands.values()) timeline.pruneBefore(now - this.#windowUs);
  }

  #prepare(window: ScheduleWindow, tx: TxParameters, payloadSize: number): Prepared | Refusal {
    const modulation = modulationOf(tx.dataRate);
    if (modulation === undefined) {
      return fail(window, "invalid_data_rate", { problem: "neither LoRa nor FSK" });
    }
    let airtimeUs: number;
    try {
      airtimeUs = Math.ceil(timeOnAirMicroseconds(payloadSize, modulation));
    } catch (error) {
      return fail(window, "invalid_data_rate", { problem: (error as Error).message });
    }
    const dwell = this.#plan.dwellTime;
    if (dwell?.downlinks && dwell.durationMs !== undefined && airtimeUs > dwell.durationMs * 1000) {
      return fail(window, "dwell_time", {
        airtime_us: airtimeUs,
        dwell_time_us: dwell.durationMs * 1000,
      });
    }
    const frequency = tx.frequency;
    const subBand = this.#plan.subBands.find(
      (band) => frequency >= band.minFrequency && frequency <= band.maxFrequency,
    );
    const transmittable =
      this.#transmitRanges.length === 0 ||
      this.#transmitRanges.some((range) => frequency >= range.min && frequency <= range.max);
    if (
      !Number.isFinite(frequency) ||
      !transmittable ||
      (subBand === undefined && this.#enforceDutyCycle)
    ) {
      return fail(window, "invalid_frequency", { frequency });
    }
    const maxEirp = subBand?.maxEirp ?? this.#plan.maxEirp;
    const power = tx.power ?? maxEirp;
    if (!(power <= maxEirp)) return fail(window, "tx_power", { power, max_eirp: maxEirp });
    const timeOffAir = this.#plan.timeOffAir;
    const offAirUs = Math.ceil(
      Math.max(
        schedulingDefaults.minimumTimeOffAirUs,
        (timeOffAir?.fraction ?? 0) * airtimeUs,
        (timeOffAir?.durationMs ?? 0) * 1000,
      ),
    );
    return { window, tx, airtimeUs, offAirUs, power, subBand };
  }

  /** Checks the lead, overlap and duty cycle of an emission at `start`, and books it if they pass. */
  #tryAt(
    prepared: Prepared,
    start: number,
    now: number,
    nowServerUs: number,
    priority: SchedulePriority,
  ): Outcome {
    const { window } = prepared;
    const leadUs = start - now;
    const minimumLeadUs = this.minimumLeadUs(nowServerUs);
    if (leadUs < minimumLeadUs) {
      return fail(window, "too_late", { lead_us: leadUs, minimum_lead_us: minimumLeadUs });
    }
    if (leadUs > this.#maximumLeadUs) {
      return fail(window, "too_early", { lead_us: leadUs, maximum_lead_us: this.#maximumLeadUs });
    }
    const refusal = this.#refusalAt(prepared, start, priority);
    return refusal ?? { booking: this.#book(prepared, start) };
  }

  /**
   * ASAP: the earliest start from now + max(schedule_anytime_delay, minimum lead) where the
   * emission overlaps nothing and fits the duty cycle. Only the instants where one of those
   * can change are tried: the earliest start, the end (with time off air) of each booked
   * emission, and the moment each past emission of the sub-band leaves the window.
   */
  #tryAnytime(
    prepared: Prepared,
    now: number,
    nowServerUs: number,
    priority: SchedulePriority,
  ): Outcome {
    const earliest = now + Math.max(this.#anytimeDelayUs, this.minimumLeadUs(nowServerUs));
    const latest = now + this.#maximumLeadUs;
    if (earliest <= latest) {
      const refusal = this.#refusalAt(prepared, earliest, priority);
      if (refusal === undefined) return { booking: this.#book(prepared, earliest) };
    }
    const candidates = [earliest];
    for (const item of this.#gateway.items) {
      if (item.end > earliest) candidates.push(item.end);
    }
    const subBand =
      prepared.subBand === undefined ? undefined : this.#subBands.get(prepared.subBand);
    if (subBand !== undefined && this.#dutyCycleEnforced(prepared.subBand)) {
      for (const item of subBand.items) {
        const leaves = item.end + this.#windowUs - prepared.airtimeUs;
        if (leaves > earliest) candidates.push(leaves);
      }
    }
    candidates.sort((a, b) => a - b);
    // The last refusal is the telling one: earlier candidates mostly collide with the
    // emissions that later candidates follow.
    let lastRefusal: Outcome | undefined;
    for (const start of candidates) {
      if (start > latest) break;
      const refusal = this.#refusalAt(prepared, start, priority);
      if (refusal === undefined) return { booking: this.#book(prepared, start) };
      lastRefusal = refusal;
    }
    return (
      lastRefusal ??
      fail("asap", "too_early", { lead_us: earliest - now, maximum_lead_us: this.#maximumLeadUs })
    );
  }

  #dutyCycleEnforced(subBand: SubBand | undefined): subBand is SubBand {
    return this.#enforceDutyCycle && subBand !== undefined && subBand.dutyCycle < 1;
  }

  /** The overlap or duty-cycle refusal of an emission at `start`, if any. */
  #refusalAt(prepared: Prepared, start: number, priority: SchedulePriority): Outcome | undefined {
    const { window, airtimeUs, offAirUs, subBand } = prepared;
    const end = start + airtimeUs;
    const other = this.#gateway.overlapping(start, end + offAirUs);
    if (other !== undefined) {
      const booking = other.key as Booking;
      return fail(window, "conflict", {
        conflict_starts_us: booking.startsUs,
        conflict_ends_us: booking.endsUs,
      });
    }
    if (this.#dutyCycleEnforced(subBand)) {
      const timeline = this.#subBands.get(subBand) as Timeline;
      // An unknown priority gets the smallest share rather than none or all.
      const usable = subBand.dutyCycle * (this.#ceilings[priority] ?? this.#ceilings.LOWEST);
      const peak = peakWindowUsage(timeline, start, end, this.#windowUs, usable * this.#windowUs);
      if (peak > usable * this.#windowUs) {
        return fail(window, "duty_cycle", {
          used: peak / this.#windowUs,
          usable,
          priority,
          min_frequency: subBand.minFrequency,
          max_frequency: subBand.maxFrequency,
        });
      }
    }
    return undefined;
  }

  #book(prepared: Prepared, start: number): Booking {
    const end = start + prepared.airtimeUs;
    const subBand =
      prepared.subBand === undefined ? undefined : this.#subBands.get(prepared.subBand);
    const booking: Booking = {
      window: prepared.window,
      startsUs: start,
      endsUs: end,
      guardEndsUs: end + prepared.offAirUs,
      subBand,
      cancelled: false,
    };
    this.#bookings.add(booking);
    this.#gateway.insert({ start, end: booking.guardEndsUs, key: booking });
    subBand?.insert({ start, end, key: booking });
    return booking;
  }

  #scheduled(
    booking: Booking,
    request: DownlinkRequest,
    nowServerUs: number,
    failures: readonly WindowFailure[],
  ): ScheduledDownlink {
    const tx =
      request.kind === "class-a"
        ? ((booking.window === "rx1" ? request.rx1 : request.rx2) as TxParameters)
        : request.tx;
    const startsAtServerUs = this.clock.toServerTime(booking.startsUs) as number;
    const sendAtServerUs =
      this.#scheduleLateUs === undefined
        ? nowServerUs
        : Math.max(nowServerUs, startsAtServerUs - this.#scheduleLateUs);
    const subBand = this.#plan.subBands.find(
      (band) => tx.frequency >= band.minFrequency && tx.frequency <= band.maxFrequency,
    );
    return {
      ok: true,
      window: booking.window,
      startsUs: booking.startsUs,
      endsUs: booking.endsUs,
      airtimeUs: booking.endsUs - booking.startsUs,
      timestamp: this.clock.toTimestamp(booking.startsUs),
      xtime: this.clock.toXtime(booking.startsUs),
      gpsTimeUs: this.clock.toGpsTime(booking.startsUs),
      startsAtServerUs,
      sendAtServerUs,
      frequency: tx.frequency,
      dataRate: tx.dataRate,
      power: tx.power ?? subBand?.maxEirp ?? this.#plan.maxEirp,
      handle: booking,
      failures,
    };
  }
}

const maximumRx1DelaySeconds = 15;

function isObject(value: unknown): boolean {
  return typeof value === "object" && value !== null;
}

/** What makes a request unusable before any window is tried (the Network Server is trusted, not blindly). */
function requestProblem(
  request: DownlinkRequest,
): { readonly window: ScheduleWindow; readonly problem: string } | undefined {
  switch (request.kind) {
    case "class-a": {
      const { rx1Delay, uplinkTimestamp } = request;
      if (!isObject(request.rx1) && !isObject(request.rx2)) {
        return { window: "rx1", problem: "neither RX1 nor RX2 is given" };
      }
      if (!Number.isInteger(rx1Delay) || rx1Delay < 0 || rx1Delay > maximumRx1DelaySeconds) {
        return { window: "rx1", problem: "RX1 delay must be 0 to 15 s" };
      }
      const validTimestamp =
        typeof uplinkTimestamp === "bigint"
          ? uplinkTimestamp >= 0n && uplinkTimestamp < 1n << 63n
          : Number.isInteger(uplinkTimestamp) && uplinkTimestamp >= 0 && uplinkTimestamp < 2 ** 32;
      return validTimestamp
        ? undefined
        : { window: "rx1", problem: "uplink timestamp must be a 32-bit tmst or a 63-bit xtime" };
    }
    case "absolute":
      if (!isObject(request.tx)) return { window: "absolute", problem: "no TX parameters" };
      return Number.isFinite(request.gpsTimeUs)
        ? undefined
        : { window: "absolute", problem: "GPS time must be a finite number" };
    case "asap":
      return isObject(request.tx) ? undefined : { window: "asap", problem: "no TX parameters" };
    default:
      return { window: "asap", problem: "unknown request kind" };
  }
}

function fail(
  window: ScheduleWindow,
  reason: WindowFailure["reason"],
  details: WindowFailure["details"],
): Refusal {
  return { failure: { window, reason, details } };
}
