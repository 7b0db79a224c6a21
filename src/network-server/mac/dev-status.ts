/**
 * DevStatusReq: asked every `mac_settings.status_count_periodicity` uplinks (default 200) and
 * every `status_time_periodicity` (default 24 hours), and first whenever the device never
 * reported. The answer gives the device's power state, battery level and downlink margin.
 */
import type { MACSettings } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { PowerState } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { evtEnqueueDevStatusRequest, evtReceiveDevStatusAnswer } from "./events.ts";
import type { DownlinkContext, MacHandler } from "./types.ts";
import { emit } from "./work.ts";

export const DEFAULT_STATUS_COUNT_PERIODICITY = 200;
export const DEFAULT_STATUS_TIME_PERIODICITY_MS = 24 * 60 * 60 * 1000;

function countPeriodicity(settings: MACSettings | undefined): number {
  return settings?.statusCountPeriodicity ?? DEFAULT_STATUS_COUNT_PERIODICITY;
}

function timePeriodicityMs(settings: MACSettings | undefined): number {
  const duration = settings?.statusTimePeriodicity;
  if (duration === undefined) return DEFAULT_STATUS_TIME_PERIODICITY_MS;
  return Number(duration.seconds) * 1000 + Math.floor(duration.nanos / 1e6);
}

/** Whether the next downlink should carry a DevStatusReq. */
export function needsDevStatus(lastDevStatusFCntUp: number, context: DownlinkContext): boolean {
  if (context.multicast === true) return false;
  const count = countPeriodicity(context.macSettings);
  const time = timePeriodicityMs(context.macSettings);
  if (count === 0 && time === 0) return false;
  const last = context.lastDevStatusReceivedAt;
  if (last === undefined) return true;
  if (count !== 0 && lastDevStatusFCntUp + count <= context.lastFCntUp) return true;
  return time !== 0 && last.getTime() + time <= context.transmitAt.getTime();
}

/** The device's power state and battery level (0 to 1) from the DevStatusAns battery byte. */
export function batteryOf(battery: number): {
  powerState: PowerState;
  batteryPercentage: number | undefined;
} {
  if (battery === 0) return { powerState: PowerState.POWER_EXTERNAL, batteryPercentage: undefined };
  if (battery === 255)
    return { powerState: PowerState.POWER_UNKNOWN, batteryPercentage: undefined };
  return { powerState: PowerState.POWER_BATTERY, batteryPercentage: (battery - 1) / 253 };
}

export const devStatusHandler: MacHandler = {
  cid: 0x06,
  name: "dev_status",
  requestEvent: evtEnqueueDevStatusRequest,
  needs: (state, context) =>
    needsDevStatus(state.lastDevStatusFCntUp, context) ? [{ cid: 0x06, name: "DevStatusReq" }] : [],
  onAnswer: (work, answer) => {
    if (answer.name !== "DevStatusAns") return;
    work.effects.devStatus = {
      ...batteryOf(answer.battery),
      downlinkMargin: answer.margin,
      receivedAt: work.context.receivedAt,
    };
    work.state.lastDevStatusFCntUp = work.context.fCntUp;
    emit(work, evtReceiveDevStatusAnswer, answer);
  },
};
