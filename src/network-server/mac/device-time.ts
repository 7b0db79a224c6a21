/** DeviceTimeReq (device-initiated, 1.0.3+): answered with the GPS time of the uplink's reception. */
import { evtEnqueueDeviceTimeAnswer, evtReceiveDeviceTimeRequest } from "./events.ts";
import type { MacHandler } from "./types.ts";
import { answer, emit } from "./work.ts";

const gpsEpoch = Date.UTC(1980, 0, 6);

/** The UTC instants at which a leap second was inserted since the GPS epoch. */
const leapSeconds = [
  Date.UTC(1981, 6, 1),
  Date.UTC(1982, 6, 1),
  Date.UTC(1983, 6, 1),
  Date.UTC(1985, 6, 1),
  Date.UTC(1988, 0, 1),
  Date.UTC(1990, 0, 1),
  Date.UTC(1991, 0, 1),
  Date.UTC(1992, 6, 1),
  Date.UTC(1993, 6, 1),
  Date.UTC(1994, 6, 1),
  Date.UTC(1996, 0, 1),
  Date.UTC(1997, 6, 1),
  Date.UTC(1999, 0, 1),
  Date.UTC(2006, 0, 1),
  Date.UTC(2009, 0, 1),
  Date.UTC(2012, 6, 1),
  Date.UTC(2015, 6, 1),
  Date.UTC(2017, 0, 1),
];

/** GPS time of a UTC instant: whole seconds (mod 2^32) and the fraction in 1/256 s. */
export function gpsTime(at: Date): { gpsSeconds: number; fractionalSecond: number } {
  const ms = at.getTime();
  const leaps = leapSeconds.filter((t) => t <= ms).length;
  const sinceEpoch = ms - gpsEpoch + leaps * 1000;
  const seconds = Math.floor(sinceEpoch / 1000);
  const fraction = Math.floor(((sinceEpoch - seconds * 1000) * 256) / 1000);
  return { gpsSeconds: ((seconds % 2 ** 32) + 2 ** 32) % 2 ** 32, fractionalSecond: fraction };
}

export const deviceTimeHandler: MacHandler = {
  cid: 0x0d,
  name: "device_time",
  onRequest: (work, command) => {
    emit(work, evtReceiveDeviceTimeRequest, command);
    const time = gpsTime(work.context.receivedAt);
    answer(work, { cid: 0x0d, name: "DeviceTimeAns", ...time }, evtEnqueueDeviceTimeAnswer);
  },
};
