/**
 * The bridge between a connection and its scheduler (src/gateway-server/scheduling/): one
 * `DownlinkScheduler` per connection, built from the gateway's registration and the
 * frontend's protocol, and the translation of TTS's `TxRequest` into a scheduler request and
 * of a booked emission back into `TxSettings`.
 */
import { create } from "@bufbuild/protobuf";
import { durationMs, timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import type { DefinedError } from "../../errors/index.ts";
import type { FrequencyPlans } from "../../frequency-plans/index.ts";
import type { Gateway } from "../../gen/ttn/lorawan/v3/gateway_pb.js";
import {
  Class,
  type DataRate as DataRateMessage,
  DataRateSchema,
  type TxRequest,
  type TxSettings,
  TxSettingsSchema,
} from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import type { FrequencyPlan, SubBand } from "../../lorawan/frequency-plans/index.ts";
import {
  type DataRate,
  type DownlinkRequest,
  DownlinkScheduler,
  type ScheduledDownlink,
  type SchedulePriority,
  schedulePriorities,
  type TxParameters,
  type WindowFailure,
  windowFailureError,
} from "../scheduling/index.ts";
import type { UplinkTokenFields } from "../uplink-token.ts";
import type { FrontendConnection } from "./frontend.ts";

/** The frequency plans of a gateway (`frequency_plan_ids`, else `frequency_plan_id`), known ones only. */
export function gatewayFrequencyPlans(gateway: Gateway, plans: FrequencyPlans): FrequencyPlan[] {
  const ids =
    gateway.frequencyPlanIds.length > 0
      ? gateway.frequencyPlanIds
      : gateway.frequencyPlanId
        ? [gateway.frequencyPlanId]
        : [];
  return ids.flatMap((id) => {
    const plan = plans.find(id);
    return plan ? [plan] : [];
  });
}

/**
 * One plan for a gateway with several (TTS allows a few, e.g. two US sub-bands on one board):
 * the first plan's radios and limits, with the sub-bands of all (each once), so that the duty
 * cycle of every band the gateway may transmit in is kept.
 */
function combinedPlan(plans: readonly FrequencyPlan[]): FrequencyPlan | undefined {
  const [first, ...rest] = plans;
  if (first === undefined || rest.length === 0) return first;
  const subBands: SubBand[] = [...first.subBands];
  for (const plan of rest)
    for (const band of plan.subBands)
      if (
        !subBands.some(
          (known) =>
            known.minFrequency === band.minFrequency && known.maxFrequency === band.maxFrequency,
        )
      )
        subBands.push(band);
  return { ...first, subBands };
}

/**
 * The scheduler of a new connection: the gateway's frequency plan(s), `enforce_duty_cycle`,
 * `schedule_anytime_delay`, `schedule_downlink_late` (with the frontend's schedule-late time)
 * and the protocol's lead. Undefined when the gateway has no known frequency plan: its
 * downlinks then fail with `no_frequency_plan`.
 */
export function createConnectionScheduler(
  gateway: Gateway,
  frontend: FrontendConnection,
  plans: FrequencyPlans,
): DownlinkScheduler | undefined {
  const plan = combinedPlan(gatewayFrequencyPlans(gateway, plans));
  if (plan === undefined) return undefined;
  const anytimeMs = gateway.scheduleAnytimeDelay ? durationMs(gateway.scheduleAnytimeDelay) : 0;
  return new DownlinkScheduler({
    frequencyPlan: plan,
    enforceDutyCycle: gateway.enforceDutyCycle,
    ...(frontend.protocolLeadUs !== undefined ? { protocolLeadUs: frontend.protocolLeadUs } : {}),
    ...(anytimeMs > 0 ? { scheduleAnytimeDelayUs: anytimeMs * 1000 } : {}),
    ...(gateway.scheduleDownlinkLate
      ? { scheduleLateUs: (frontend.scheduleLateMs ?? 800) * 1000 }
      : {}),
  });
}

/** GPS epoch (1980-01-06) in Unix ms, and GPS − UTC since 2017 (leap seconds). */
const gpsEpochMs = Date.UTC(1980, 0, 6);
const gpsLeapSeconds = 18;

/** µs since the GPS epoch of a Unix time in ms. */
export function unixMsToGpsUs(unixMs: number): number {
  return (unixMs - gpsEpochMs + gpsLeapSeconds * 1000) * 1000;
}

/** Unix ms of a GPS time in µs. */
export function gpsUsToUnixMs(gpsUs: number): number {
  return gpsUs / 1000 + gpsEpochMs - gpsLeapSeconds * 1000;
}

function dataRateOf(message: DataRateMessage | undefined): DataRate | undefined {
  const modulation = message?.modulation;
  if (modulation?.case === "lora")
    return {
      lora: {
        spreadingFactor: modulation.value.spreadingFactor,
        bandwidth: modulation.value.bandwidth,
        codingRate: modulation.value.codingRate || "4/5",
      },
    };
  if (modulation?.case === "fsk") return { fsk: { bitRate: modulation.value.bitRate } };
  return undefined;
}

function txParameters(frequency: bigint, dataRate: DataRateMessage | undefined) {
  const rate = dataRateOf(dataRate);
  if (frequency <= 0n || rate === undefined) return undefined;
  return { frequency: Number(frequency), dataRate: rate } satisfies TxParameters;
}

/** What a connection asks its scheduler for a TTS `TxRequest`, or the request's problem. */
export function downlinkRequest(
  request: TxRequest,
  token: UplinkTokenFields | undefined,
  payloadSize: number,
  clock: "timestamp" | "xtime" | undefined,
): DownlinkRequest | DefinedError {
  const priority: SchedulePriority = schedulePriorities[request.priority] ?? "NORMAL";
  const base = { payloadSize, priority };
  const rx1 = txParameters(request.rx1Frequency, request.rx1DataRate);
  const rx2 = txParameters(request.rx2Frequency, request.rx2DataRate);
  if (request.class === Class.A) {
    if (token === undefined)
      return invalid("rx1", "a class A downlink needs the uplink token of its uplink");
    const uplinkTimestamp =
      clock === "xtime" && token.concentratorTime !== undefined
        ? token.concentratorTime
        : token.timestamp;
    return {
      ...base,
      kind: "class-a",
      uplinkTimestamp,
      rx1Delay: request.rx1Delay,
      ...(rx1 ? { rx1 } : {}),
      ...(rx2 ? { rx2 } : {}),
    };
  }
  // Class B and C: the RX2 parameters (TTS), at the absolute time when one is given.
  const tx = rx2 ?? rx1;
  if (tx === undefined) return invalid("asap", "neither RX1 nor RX2 is given");
  if (request.absoluteTime)
    return {
      ...base,
      kind: "absolute",
      gpsTimeUs: unixMsToGpsUs(timestampMs(request.absoluteTime)),
      tx,
    };
  return { ...base, kind: "asap", tx };
}

function invalid(window: WindowFailure["window"], problem: string): DefinedError {
  return windowFailureError({ window, reason: "invalid_request", details: { problem } });
}

/**
 * The error of a refused request: the last window's (RX2 when RX1 was refused too: the one
 * that was the last chance), with its numbers.
 */
export function refusalError(failures: readonly WindowFailure[]): DefinedError {
  const last = failures.at(-1);
  return last
    ? windowFailureError(last)
    : invalid("asap", "the scheduler gave no reason for refusing the request");
}

/**
 * `TxSettings` of a booked emission: frequency, data rate, the 32-bit `timestamp` (UDP tmst),
 * `concentrator_timestamp` (the xtime for Basics Station, else the scheduler's continuous
 * concentrator time), `time` when the gateway has a GPS reference, and the antenna, power
 * (EIRP less the antenna's gain) and inverted polarization of a downlink to devices.
 */
export function scheduledTxSettings(
  scheduled: ScheduledDownlink,
  gateway: Gateway,
  antennaIndex: number,
): TxSettings {
  const gain = gateway.antennas[antennaIndex]?.gain ?? 0;
  const rate = scheduled.dataRate;
  const dataRate =
    "lora" in rate
      ? create(DataRateSchema, {
          modulation: {
            case: "lora",
            value: {
              spreadingFactor: rate.lora.spreadingFactor,
              bandwidth: rate.lora.bandwidth,
              codingRate: rate.lora.codingRate ?? "4/5",
            },
          },
        })
      : create(DataRateSchema, {
          modulation: { case: "fsk", value: { bitRate: rate.fsk.bitRate } },
        });
  return create(TxSettingsSchema, {
    dataRate,
    frequency: BigInt(scheduled.frequency),
    timestamp: scheduled.timestamp,
    concentratorTimestamp: scheduled.xtime ?? BigInt(Math.round(scheduled.startsUs)),
    time:
      scheduled.gpsTimeUs === undefined
        ? undefined
        : timestampFromMs(Math.round(gpsUsToUnixMs(scheduled.gpsTimeUs))),
    downlink: {
      antennaIndex,
      txPower: scheduled.power - gain,
      invertPolarization: true,
    },
  });
}
