/**
 * A concentrator's free-running microsecond counter, mapped from the simulation's clock: the
 * 32-bit `tmst` of Semtech UDP (wraps every 71.6 minutes) and the 48-bit ticks of a Basics
 * Station xtime start at an arbitrary value, as after a real gateway's boot.
 */
import type { Clock } from "../radio.ts";

const TWO_32 = 2 ** 32;
const TWO_48 = 2 ** 48;

export class ConcentratorCounter {
  readonly #clock: Clock;
  /** The counter's value, µs, at clock 0. */
  readonly #offset: number;

  constructor(clock: Clock, offsetMicroseconds: number) {
    this.#clock = clock;
    this.#offset = offsetMicroseconds;
  }

  /** The 32-bit counter at clock time `at` (ms). */
  timestamp(at: number): number {
    return modulo(this.#offset + Math.round(at * 1000), TWO_32);
  }

  /** The 48-bit counter at clock time `at` (ms). */
  ticks(at: number): number {
    return modulo(this.#offset + Math.round(at * 1000), TWO_48);
  }

  /**
   * The clock time (ms) at which the 32-bit counter next shows, or last showed, `timestamp`:
   * the nearest one, half a wrap either way, as a forwarder reads a `tmst` (one in the past
   * is too late).
   */
  timeOfTimestamp(timestamp: number): number {
    return this.#nearest(timestamp, TWO_32);
  }

  /** The clock time (ms) of the 48-bit counter value `ticks`, the nearest one. */
  timeOfTicks(ticks: number): number {
    return this.#nearest(ticks, TWO_48);
  }

  #nearest(value: number, wrap: number): number {
    const now = this.#clock();
    const current = modulo(this.#offset + Math.round(now * 1000), wrap);
    let delta = modulo(value - current, wrap);
    if (delta >= wrap / 2) delta -= wrap;
    return now + delta / 1000;
  }
}

function modulo(value: number, wrap: number): number {
  const rest = value % wrap;
  return rest < 0 ? rest + wrap : rest;
}
