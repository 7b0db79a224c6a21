/**
 * Duty cycle of a sub-band, as The Things Stack enforces it: in every sliding window of one
 * hour, the sub-band may emit at most its duty cycle times the window, and a downlink of a
 * lower priority may only use a share of that ("ceilings"), so that urgent downlinks (join
 * accepts, MAC answers) still find room when a busy gateway is close to its limit.
 */
import { type TxSchedulePriority, txSchedulePriorities } from "../../api/tx-schedule-priorities.ts";
import type { Timeline } from "./timeline.ts";

/** TTS's `TxSchedulePriority` names, in the enum's order (0 = LOWEST … 6 = HIGHEST). */
export const schedulePriorities = txSchedulePriorities;

export type SchedulePriority = TxSchedulePriority;

/** Share of a sub-band's duty cycle that each priority may use (TTS's defaults). */
export const defaultDutyCycleCeilings: Readonly<Record<SchedulePriority, number>> = {
  LOWEST: 0.4,
  LOW: 0.5,
  BELOW_NORMAL: 0.6,
  NORMAL: 0.7,
  ABOVE_NORMAL: 0.8,
  HIGH: 0.9,
  HIGHEST: 1,
};

/** The sliding window of the duty cycle: one hour, as in The Things Stack. */
export const defaultDutyCycleWindowUs = 3_600_000_000;

/**
 * The largest time covered in any window of `windowUs` if [start, end) were added to
 * `timeline` (which it does not overlap). The covered time is piecewise linear in the
 * window's position, so its maximum is where a window edge meets an interval edge: only
 * those positions are evaluated. With a `limit`, the answer is only guaranteed to be on
 * the same side of it as the exact peak (cheap bounds settle most cases); without one
 * (0), it is the exact peak.
 */
export function peakWindowUsage(
  timeline: Timeline,
  start: number,
  end: number,
  windowUs: number,
  limit = 0,
): number {
  const from = start - windowUs;
  const to = end;
  // What the two windows around the emission hold together bounds every window that
  // touches it: when even that fits, so does each window (the common case, in O(log n)).
  const bound = timeline.covered(from, end + windowUs) + (end - start);
  if (bound <= limit) return bound;
  const usageAt = (x: number): number => {
    const own = Math.max(0, Math.min(end, x + windowUs) - Math.max(start, x));
    return timeline.covered(x, x + windowUs) + own;
  };
  // The windows ending with the emission and starting with it (TTS checks only these two):
  // near the limit one of them usually exceeds it, which settles the answer cheaply.
  let peak = Math.max(usageAt(end - windowUs), usageAt(start));
  if (limit > 0 && peak > limit) return peak;
  peak = Math.max(peak, usageAt(from));
  const items = timeline.items;
  const last = timeline.firstStartingFrom(end + windowUs);
  for (let index = timeline.firstEndingAfter(from); index < last; index++) {
    const item = items[index];
    if (item === undefined) break;
    for (const x of [item.start, item.end, item.start - windowUs, item.end - windowUs]) {
      if (x >= from && x <= to) {
        const usage = usageAt(x);
        if (usage > peak) peak = usage;
      }
    }
  }
  return peak;
}
