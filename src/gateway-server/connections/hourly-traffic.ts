/** One hour in ms; hours are counted from the epoch, so each starts on a whole UTC hour. */
export const hourMs = 3_600_000;

/** How many hours the ring keeps: the current one and the 23 before it. */
export const hoursKept = 24;

/** The ring slot of an hour (also for hours before 1970, whose remainder is negative). */
function slotOf(hour: number): number {
  return ((hour % hoursKept) + hoursKept) % hoursKept;
}

/** One whole UTC hour of a connection's traffic. */
export interface HourTraffic {
  /** The start of the hour, ms since the epoch (a multiple of `hourMs`). */
  startMs: number;
  uplinks: number;
  downlinks: number;
}

/**
 * Uplinks and downlinks of one gateway connection per UTC hour over the last 24 hours: two
 * fixed rings of 24 counters, the slot of an hour being its number since the epoch modulo 24.
 * Counting is O(1) and allocates nothing; slots of hours that passed without traffic are
 * cleared when the clock moves past them (at most 24, however long the gap). Times are ms since
 * the epoch, passed in.
 */
export class HourlyTraffic {
  readonly #uplinks = new Float64Array(hoursKept);
  readonly #downlinks = new Float64Array(hoursKept);
  /** The hour the connection began: no hour before it is reported. */
  readonly #firstHour: number;
  /** The newest hour the rings hold; slots of older hours within 24 are still valid. */
  #currentHour: number;

  constructor(startMs: number) {
    this.#firstHour = Math.floor(startMs / hourMs);
    this.#currentHour = this.#firstHour;
  }

  /** Counts an uplink received at `atMs`. */
  uplink(atMs: number): void {
    const slot = this.#slot(atMs);
    this.#uplinks[slot] = (this.#uplinks[slot] ?? 0) + 1;
  }

  /** Counts a downlink sent at `atMs`. */
  downlink(atMs: number): void {
    const slot = this.#slot(atMs);
    this.#downlinks[slot] = (this.#downlinks[slot] ?? 0) + 1;
  }

  /**
   * The hours since the connection began within the last 24 at `nowMs`, oldest first, the
   * current (partly elapsed) hour last. Reading does not move the rings.
   */
  hours(nowMs: number): HourTraffic[] {
    const nowHour = Number.isFinite(nowMs)
      ? Math.max(Math.floor(nowMs / hourMs), this.#currentHour)
      : this.#currentHour;
    const from = Math.max(this.#firstHour, nowHour - hoursKept + 1);
    const hours: HourTraffic[] = [];
    for (let hour = from; hour <= nowHour; hour++) {
      const held = hour <= this.#currentHour && hour > this.#currentHour - hoursKept;
      const slot = slotOf(hour);
      hours.push({
        startMs: hour * hourMs,
        uplinks: held ? (this.#uplinks[slot] ?? 0) : 0,
        downlinks: held ? (this.#downlinks[slot] ?? 0) : 0,
      });
    }
    return hours;
  }

  /**
   * The slot for a message at `atMs`, moving the rings forward when its hour is newer. A time
   * before the connection began or older than the rings hold (the clock stepped back) counts in
   * the current hour, so no message goes uncounted.
   */
  #slot(atMs: number): number {
    const hour = Math.floor(atMs / hourMs);
    if (!Number.isFinite(hour)) return slotOf(this.#currentHour);
    if (hour > this.#currentHour) this.#advance(hour);
    else if (hour < this.#firstHour || hour <= this.#currentHour - hoursKept)
      return slotOf(this.#currentHour);
    return slotOf(hour);
  }

  /** Clears the slots of the hours after the current one up to `hour` (at most all 24). */
  #advance(hour: number): void {
    const steps = Math.min(hour - this.#currentHour, hoursKept);
    for (let step = 1; step <= steps; step++) {
      const slot = slotOf(hour - steps + step);
      this.#uplinks[slot] = 0;
      this.#downlinks[slot] = 0;
    }
    this.#currentHour = hour;
  }
}
