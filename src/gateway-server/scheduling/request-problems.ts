/**
 * What makes a downlink request unusable before any window is tried. The Network Server is
 * trusted, not blindly: a malformed request is refused with a reason, never thrown on.
 */
import type { ScheduleWindow } from "./failures.ts";
import type { DownlinkRequest } from "./request.ts";

const maximumRx1DelaySeconds = 15;

function isObject(value: unknown): boolean {
  return typeof value === "object" && value !== null;
}

/** The problem of a request, or undefined when it can be tried. */
export function requestProblem(
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
