/**
 * Why a window could not be used. A refusal is data (a reason from a fixed table and the
 * numbers that explain it), not a thrown error: the Network Server tries windows and
 * gateways in turn and most refusals are routine. `windowFailureError` turns one into a
 * typed error (TTS's names) when it has to reach a caller, e.g. as one of the `path_errors`
 * of `ScheduleDownlinkErrorDetails`.
 */
import { type DefinedError, type ErrorDefinition, errorNamespace } from "../../errors/index.ts";

/** The window a request asked for: class A RX1/RX2, class C "as soon as possible", absolute time. */
export type ScheduleWindow = "rx1" | "rx2" | "asap" | "absolute";

const errors = errorNamespace("gateway-server/scheduling");

/** Every refusal, with its typed error. Attribute names are those of {@link WindowFailure.details}. */
export const failureErrors = {
  no_clock: errors.unavailable("no_clock_sync", "no clock sync with the gateway ({window})"),
  no_time_reference: errors.aborted(
    "no_absolute_gateway_time",
    "no absolute gateway time ({window})",
  ),
  too_late: errors.failedPrecondition(
    "too_late",
    "too late to transmission scheduled time ({window}: lead `{lead_us}` µs, need `{minimum_lead_us}` µs)",
  ),
  too_early: errors.failedPrecondition(
    "too_early",
    "too early to transmission scheduled time ({window}: lead `{lead_us}` µs, at most `{maximum_lead_us}` µs)",
  ),
  conflict: errors.resourceExhausted(
    "conflict",
    "scheduling conflict ({window}: emission at `{conflict_starts_us}` µs)",
  ),
  duty_cycle: errors.resourceExhausted(
    "duty_cycle",
    "utilization `{used}` would be higher than the available `{usable}` for priority `{priority}` ({window})",
  ),
  invalid_frequency: errors.failedPrecondition(
    "invalid_frequency",
    "frequency `{frequency}` Hz is outside the gateway's sub-bands or transmit range ({window})",
  ),
  tx_power: errors.failedPrecondition(
    "tx_power",
    "transmit power `{power}` dBm exceeds the maximum EIRP `{max_eirp}` dBm ({window})",
  ),
  dwell_time: errors.failedPrecondition(
    "dwell_time",
    "airtime `{airtime_us}` µs exceeds the dwell time `{dwell_time_us}` µs ({window})",
  ),
  invalid_request: errors.invalidArgument(
    "invalid_downlink_request",
    "invalid downlink request ({window}): {problem}",
  ),
  invalid_data_rate: errors.invalidArgument(
    "invalid_data_rate",
    "invalid data rate or payload size ({window}): {problem}",
  ),
} as const satisfies Record<string, ErrorDefinition>;

export type FailureReason = keyof typeof failureErrors;

/** One refused window. */
export interface WindowFailure {
  readonly window: ScheduleWindow;
  readonly reason: FailureReason;
  /** The numbers behind the refusal (µs, Hz, dBm, fractions), named as in the messages. */
  readonly details: Readonly<Record<string, number | string>>;
}

/** The typed error of a refusal, with its numbers as attributes. */
export function windowFailureError(failure: WindowFailure): DefinedError {
  return failureErrors[failure.reason].create({ window: failure.window, ...failure.details });
}
