/**
 * What a downlink's radio settings decide before its time is known: the airtime (from
 * `src/lorawan/airtime.ts`), the plan's dwell time, whether a radio can transmit on the
 * frequency and which sub-band holds it, the power within the sub-band's maximum EIRP, and
 * the time off air that follows the emission.
 */
import { type AirtimeModulation, timeOnAirMicroseconds } from "../../lorawan/airtime.ts";
import type { FrequencyPlan, SubBand } from "../../lorawan/frequency-plans/index.ts";
import type { FailureReason, ScheduleWindow, WindowFailure } from "./failures.ts";
import type { DataRate, TxParameters } from "./request.ts";

/** Minimum time off air after an emission (TTS: at least its 30 ms QueueDelay). */
export const minimumTimeOffAirUs = 30_000;

/** A window's settings, checked, with what follows from them; computed once per window. */
export interface Transmission {
  readonly window: ScheduleWindow;
  readonly tx: TxParameters;
  readonly airtimeUs: number;
  readonly offAirUs: number;
  /** EIRP in dBm. */
  readonly power: number;
  readonly subBand: SubBand | undefined;
}

/** A refused window, as the scheduler's steps return it. */
export interface Refusal {
  readonly failure: WindowFailure;
}

/** A refusal of `window` for `reason`, with the numbers that explain it. */
export function refusal(
  window: ScheduleWindow,
  reason: FailureReason,
  details: WindowFailure["details"],
): Refusal {
  return { failure: { window, reason, details } };
}

/** The gateway's plan as the checks need it. */
export interface TransmissionRules {
  readonly plan: FrequencyPlan;
  readonly enforceDutyCycle: boolean;
  /** Frequency ranges of the radios that transmit; empty when the plan has no radios. */
  readonly transmitRanges: readonly { readonly min: number; readonly max: number }[];
}

/** The rules of a plan, with its transmitting radios found once. */
export function transmissionRules(
  plan: FrequencyPlan,
  enforceDutyCycle: boolean,
): TransmissionRules {
  const transmitRanges = plan.radios.flatMap((radio) =>
    radio.enabled && radio.tx !== undefined
      ? [{ min: radio.tx.minFrequency, max: radio.tx.maxFrequency }]
      : [],
  );
  return { plan, enforceDutyCycle, transmitRanges };
}

function modulationOf(dataRate: DataRate): AirtimeModulation | undefined {
  if (typeof dataRate !== "object" || dataRate === null) return undefined;
  if ("lora" in dataRate && dataRate.lora !== undefined) {
    // LoRaWAN downlinks carry no payload CRC.
    return { kind: "lora", ...dataRate.lora, crc: false };
  }
  if ("fsk" in dataRate && dataRate.fsk !== undefined) return { kind: "fsk", ...dataRate.fsk };
  return undefined;
}

/** Checks one window's settings; the first rule that fails is its refusal. */
export function prepareTransmission(
  rules: TransmissionRules,
  window: ScheduleWindow,
  tx: TxParameters,
  payloadSize: number,
): Transmission | Refusal {
  const modulation = modulationOf(tx.dataRate);
  if (modulation === undefined) {
    return refusal(window, "invalid_data_rate", { problem: "neither LoRa nor FSK" });
  }
  let airtimeUs: number;
  try {
    airtimeUs = Math.ceil(timeOnAirMicroseconds(payloadSize, modulation));
  } catch (error) {
    return refusal(window, "invalid_data_rate", { problem: (error as Error).message });
  }
  const dwell = rules.plan.dwellTime;
  if (dwell?.downlinks && dwell.durationMs !== undefined && airtimeUs > dwell.durationMs * 1000) {
    return refusal(window, "dwell_time", {
      airtime_us: airtimeUs,
      dwell_time_us: dwell.durationMs * 1000,
    });
  }
  const frequency = tx.frequency;
  const subBand = rules.plan.subBands.find(
    (band) => frequency >= band.minFrequency && frequency <= band.maxFrequency,
  );
  const transmittable =
    rules.transmitRanges.length === 0 ||
    rules.transmitRanges.some((range) => frequency >= range.min && frequency <= range.max);
  if (
    !Number.isFinite(frequency) ||
    !transmittable ||
    (subBand === undefined && rules.enforceDutyCycle)
  ) {
    return refusal(window, "invalid_frequency", { frequency });
  }
  const maxEirp = subBand?.maxEirp ?? rules.plan.maxEirp;
  const power = tx.power ?? maxEirp;
  if (!(power <= maxEirp)) return refusal(window, "tx_power", { power, max_eirp: maxEirp });
  const timeOffAir = rules.plan.timeOffAir;
  const offAirUs = Math.ceil(
    Math.max(
      minimumTimeOffAirUs,
      (timeOffAir?.fraction ?? 0) * airtimeUs,
      (timeOffAir?.durationMs ?? 0) * 1000,
    ),
  );
  return { window, tx, airtimeUs, offAirUs, power, subBand };
}
