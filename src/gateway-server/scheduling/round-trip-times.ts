/**
 * Round-trip times between the server and one gateway, as The Things Stack keeps them: the
 * newest 20 measurements, each for at most 30 minutes. Times are microseconds; `atUs` is the
 * server's monotonic time of the measurement (the same clock the scheduler is given).
 */

/** What GatewayConnectionStats reports as `round_trip_times`. */
export interface RoundTripStats {
  readonly minUs: number;
  readonly maxUs: number;
  readonly medianUs: number;
  /** The 90th percentile: what the scheduler plans with (as The Things Stack does). */
  readonly p90Us: number;
  readonly count: number;
}

/** The Things Stack keeps 20 round-trip times per gateway, each for 30 minutes. */
export const roundTripWindow = { size: 20, ttlUs: 30 * 60 * 1_000_000 } as const;

export class RoundTripTimes {
  readonly #size: number;
  readonly #ttlUs: number;
  /** Oldest first. */
  #samples: { readonly rttUs: number; readonly atUs: number }[] = [];

  constructor(size: number = roundTripWindow.size, ttlUs: number = roundTripWindow.ttlUs) {
    this.#size = size;
    this.#ttlUs = ttlUs;
  }

  /** Records one measurement; a negative or non-finite one (a confused peer) is ignored. */
  record(rttUs: number, atUs: number): void {
    if (!Number.isFinite(rttUs) || rttUs < 0 || !Number.isFinite(atUs)) return;
    this.#samples.push({ rttUs, atUs });
    if (this.#samples.length > this.#size) this.#samples.shift();
  }

  /** Statistics of the measurements still valid at `nowUs`, or `undefined` when there are none. */
  stats(nowUs: number): RoundTripStats | undefined {
    const from = nowUs - this.#ttlUs;
    const valid = this.#samples.filter((sample) => sample.atUs >= from).map((s) => s.rttUs);
    if (valid.length === 0) return undefined;
    valid.sort((a, b) => a - b);
    const middle = valid.length >> 1;
    const medianUs =
      valid.length % 2 === 1
        ? (valid[middle] as number)
        : ((valid[middle - 1] as number) + (valid[middle] as number)) / 2;
    return {
      minUs: valid[0] as number,
      maxUs: valid[valid.length - 1] as number,
      medianUs,
      p90Us: valid[Math.min(valid.length - 1, Math.ceil(0.9 * valid.length) - 1)] as number,
      count: valid.length,
    };
  }
}

/** Round trips longer than this are not network delay but a stale or confused reference. */
const maximumRoundTripUs = 30_000_000;

/**
 * The round trip Basics Station reveals with each uplink: `RefTime` is the last `MuxTime` the
 * server sent plus the time the station has counted since it received it, so the server's
 * wall-clock time of receipt minus `RefTime` is the way there and back. Both in seconds
 * (Unix time, as on the wire); the result is in µs, or undefined when it makes no sense.
 */
export function roundTripFromRefTime(
  refTimeSeconds: number,
  receivedAtSeconds: number,
): number | undefined {
  const rttUs = Math.round((receivedAtSeconds - refTimeSeconds) * 1_000_000);
  return Number.isFinite(rttUs) && rttUs >= 0 && rttUs <= maximumRoundTripUs ? rttUs : undefined;
}
