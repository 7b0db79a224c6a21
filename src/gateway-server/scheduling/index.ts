/** The downlink scheduler of the Gateway Server: one `DownlinkScheduler` per connected gateway. */
export { ConcentratorClock } from "./concentrator-clock.ts";
export {
  defaultDutyCycleCeilings,
  defaultDutyCycleWindowUs,
  type SchedulePriority,
  schedulePriorities,
} from "./duty-cycle.ts";
export {
  type FailureReason,
  failureErrors,
  type ScheduleWindow,
  type WindowFailure,
  windowFailureError,
} from "./failures.ts";
export type {
  AbsoluteRequest,
  AsapRequest,
  ClassARequest,
  DataRate,
  DownlinkRequest,
  EmissionHandle,
  ScheduledDownlink,
  ScheduleRefused,
  ScheduleResult,
  TxParameters,
} from "./request.ts";
export {
  type RoundTripStats,
  RoundTripTimes,
  roundTripFromRefTime,
  roundTripWindow,
} from "./round-trip-times.ts";
export {
  DownlinkScheduler,
  gatewayProtocolLeadsUs,
  type SchedulerOptions,
  type SubBandUtilization,
  schedulingDefaults,
} from "./scheduler.ts";
