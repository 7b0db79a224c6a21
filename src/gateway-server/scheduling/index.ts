/**
 * The downlink scheduler of the Gateway Server: one `DownlinkScheduler` per connected gateway.
 *
 * Wiring, per connection:
 * - create it with the gateway's frequency plan, `enforce_duty_cycle`,
 *   `schedule_anytime_delay`, `schedule_downlink_late` (→ `scheduleLateUs`, TTS's
 *   schedule-late-time) and the protocol's lead (`gatewayProtocolLeadsUs`);
 * - on every uplink, sync `scheduler.clock` (`syncTimestamp(tmst, now)` for Semtech UDP,
 *   `syncXtime(xtime, now)` for Basics Station; `syncGpsTime` when the gateway gives a GPS
 *   time); record round trips in `scheduler.roundTripTimes` (UDP: PULL_RESP → TX_ACK;
 *   Basics Station: `roundTripFromRefTime`);
 * - for a downlink, `schedule(request, now)`; on success put `timestamp` (UDP `tmst`) or
 *   `xtime` on the wire at `sendAtServerUs`; on a TX_ACK error or failed dntxed,
 *   `cancel(handle)`; on refusal, `windowFailureError` gives each window's typed error;
 * - for connection stats, `roundTripTimes.stats(now)` and `subBandUtilization(now)`.
 *
 * "now" is the server's monotonic time in µs, the same source for every call.
 */
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
