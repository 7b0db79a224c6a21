/**
 * GPS time (µs since 1980-01-06T00:00:00Z, no leap seconds), as station's `gpstime` counts
 * it, and Unix time. GPS time is ahead of UTC by the leap seconds since 1980: 18 since 2017.
 */
import { type Timestamp, timestampFromMs } from "@bufbuild/protobuf/wkt";

const gpsEpochUnixMs = 315_964_800_000;
const leapSecondsMs = 18_000;

/** GPS time in µs of a Unix time in ms. */
export function gpsTimeUsFromUnixMs(unixMs: number): bigint {
  return BigInt(Math.round((unixMs - gpsEpochUnixMs + leapSecondsMs) * 1000));
}

/** The UTC timestamp of a GPS time in µs; undefined for 0 (station without GPS). */
export function timestampFromGpsTimeUs(gpsTimeUs: bigint): Timestamp | undefined {
  if (gpsTimeUs <= 0n) return undefined;
  return timestampFromMs(Number(gpsTimeUs / 1000n) + gpsEpochUnixMs - leapSecondsMs);
}
