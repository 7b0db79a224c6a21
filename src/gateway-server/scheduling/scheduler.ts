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
  DownlinkRequest,
  EmissionHandle,
  ScheduledDownlink,
  ScheduleResult,
  TxParameters,
} from "./request.ts";
import { requestProblem } from "./request-problems.ts";
import { RoundTripTimes } from "./round-trip-times.ts";
import { Timeline } from "./timeline.ts";
import {
  prepareTransmission,
  type Refusal,
  refusal,
  type Transmission,
  type TransmissionRules,
  transmissionRules,
} from "./transmission.ts";

/** Round trips needed before their statistics replace the assumed network delay (TTS: 5). */
const MIN_ROUND_TRIPS = 5;

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

type Outcome = { readonly booking: Booking } | Refusal;

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
  readonly #rules: TransmissionRules;
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
    this.#rules = transmissionRules(this.#plan, this.#enforceDutyCycle);
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
    // As The Things Stack: half the 90th percentile of the recent round trips (the way to the
    // gateway) once there are enough of them; one slow measurement does not rule the gateway.
    return (
      this.#protocolLeadUs +
      (rtt === undefined || rtt.count < MIN_ROUND_TRIPS ? this.#networkDelayUs : rtt.p90Us / 2)
    );
  }

  /** Tries the request's windows in order and books the first that fits. */
  schedule(request: DownlinkRequest, nowUs: number): ScheduleResult {
    const now = this.clock.fromServerTime(nowUs);
    if (now !== undefined) this.#prune(now);
    const priority = request.priority ?? "NORMAL";
    const failures: WindowFailure[] = [];
    const attempt = (window: ScheduleWindow, tx: TxParameters, start: () => Outcome | number) => {
      const transmission = prepareTransmission(this.#rules, window, tx, request.payloadSize);
      if ("failure" in transmission) return transmission;
      if (now === undefined) return refusal(window, "no_clock", {});
      const startUs = start();
      if (typeof startUs !== "number") return startUs;
      return this.#tryAt(transmission, startUs, now, nowUs, priority);
    };
    const outcomes: Outcome[] = [];
    const problem = requestProblem(request);
    if (problem !== undefined) {
      return {
        ok: false,
        failures: [
          refusal(problem.window, "invalid_request", { problem: problem.problem }).failure,
        ],
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
            return at === undefined ? refusal(window, "no_clock", {}) : at + offsetUs;
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
            return at ?? refusal("absolute", "no_time_reference", {});
          }),
        );
        break;
      }
      case "asap": {
        const transmission = prepareTransmission(
          this.#rules,
          "asap",
          request.tx,
          request.payloadSize,
        );
        if ("failure" in transmission) outcomes.push(transmission);
        else if (now === undefined) outcomes.push(refusal("asap", "no_clock", {}));
        else outcomes.push(this.#tryAnytime(transmission, now, nowUs, priority));
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

  /** Checks the lead, overlap and duty cycle of an emission at `start`, and books it if they pass. */
  #tryAt(
    transmission: Transmission,
    start: number,
    now: number,
    nowServerUs: number,
    priority: SchedulePriority,
  ): Outcome {
    const { window } = transmission;
    const leadUs = start - now;
    const minimumLeadUs = this.minimumLeadUs(nowServerUs);
    if (leadUs < minimumLeadUs) {
      return refusal(window, "too_late", { lead_us: leadUs, minimum_lead_us: minimumLeadUs });
    }
    if (leadUs > this.#maximumLeadUs) {
      return refusal(window, "too_early", {
        lead_us: leadUs,
        maximum_lead_us: this.#maximumLeadUs,
      });
    }
    const refused = this.#refusalAt(transmission, start, priority);
    return refused ?? { booking: this.#book(transmission, start) };
  }

  /**
   * ASAP: the earliest start from now + max(schedule_anytime_delay, minimum lead) where the
   * emission overlaps nothing and fits the duty cycle. Only the instants where one of those
   * can change are tried: the earliest start, the end (with time off air) of each booked
   * emission, and the moment each past emission of the sub-band leaves the window.
   */
  #tryAnytime(
    transmission: Transmission,
    now: number,
    nowServerUs: number,
    priority: SchedulePriority,
  ): Outcome {
    const earliest = now + Math.max(this.#anytimeDelayUs, this.minimumLeadUs(nowServerUs));
    const latest = now + this.#maximumLeadUs;
    if (earliest <= latest) {
      const refused = this.#refusalAt(transmission, earliest, priority);
      if (refused === undefined) return { booking: this.#book(transmission, earliest) };
    }
    const candidates = [earliest];
    for (const item of this.#gateway.items) {
      if (item.end > earliest) candidates.push(item.end);
    }
    const subBand =
      transmission.subBand === undefined ? undefined : this.#subBands.get(transmission.subBand);
    if (subBand !== undefined && this.#dutyCycleEnforced(transmission.subBand)) {
      for (const item of subBand.items) {
        const leaves = item.end + this.#windowUs - transmission.airtimeUs;
        if (leaves > earliest) candidates.push(leaves);
      }
    }
    candidates.sort((a, b) => a - b);
    // The last refusal is the telling one: earlier candidates mostly collide with the
    // emissions that later candidates follow.
    let lastRefusal: Outcome | undefined;
    for (const start of candidates) {
      if (start > latest) break;
      const refused = this.#refusalAt(transmission, start, priority);
      if (refused === undefined) return { booking: this.#book(transmission, start) };
      lastRefusal = refused;
    }
    return (
      lastRefusal ??
      refusal("asap", "too_early", {
        lead_us: earliest - now,
        maximum_lead_us: this.#maximumLeadUs,
      })
    );
  }

  #dutyCycleEnforced(subBand: SubBand | undefined): subBand is SubBand {
    return this.#enforceDutyCycle && subBand !== undefined && subBand.dutyCycle < 1;
  }

  /** The overlap or duty-cycle refusal of an emission at `start`, if any. */
  #refusalAt(
    transmission: Transmission,
    start: number,
    priority: SchedulePriority,
  ): Outcome | undefined {
    const { window, airtimeUs, offAirUs, subBand } = transmission;
    const end = start + airtimeUs;
    const other = this.#gateway.overlapping(start, end + offAirUs);
    if (other !== undefined) {
      const booking = other.key as Booking;
      return refusal(window, "conflict", {
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
        return refusal(window, "duty_cycle", {
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

  #book(transmission: Transmission, start: number): Booking {
    const end = start + transmission.airtimeUs;
    const subBand =
      transmission.subBand === undefined ? undefined : this.#subBands.get(transmission.subBand);
    const booking: Booking = {
      window: transmission.window,
      startsUs: start,
      endsUs: end,
      guardEndsUs: end + transmission.offAirUs,
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
