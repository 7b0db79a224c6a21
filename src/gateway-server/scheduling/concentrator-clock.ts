/**
 * The concentrator clock of one gateway, estimated from its uplinks.
 *
 * Three time scales meet here, all in microseconds as `number`:
 * - **server time**: the server's monotonic clock (e.g. `performance.now() * 1000`), the
 *   same source for every call of one scheduler;
 * - **concentrator time**: the gateway's counter, extended to a continuous scale that never
 *   wraps (Semtech UDP's `tmst` is a 32-bit counter that wraps every ~71.6 minutes; Basics
 *   Station's `xtime` carries a 48-bit counter under 16 bits of radio unit and session). When
 *   the gateway restarts its counter, the scale continues where the server's estimate was, so
 *   emissions already booked keep their place;
 * - **GPS time**: microseconds since the GPS epoch, known only once the gateway reported a
 *   GPS time with a counter value (`tmms`, Basics Station `gpstime` or timesync).
 *
 * The estimate of "now" on the concentrator is the last synchronisation point moved by the
 * server time elapsed since, corrected by the measured drift once it is known.
 */

const twoTo32 = 2 ** 32;
const twoTo48 = 2 ** 48;
const counterMask48 = (1n << 48n) - 1n;

/**
 * A counter value further than this from where the server expects it means the gateway
 * restarted its counter (a jitter of the network is a few ms; drift, well under 1 s an hour).
 */
const restartToleranceUs = 10_000_000;
/** Drift is measured over at least a minute so that network jitter weighs little. */
const driftMinimumSpanUs = 60_000_000;
/** A drift beyond this is a measurement error (crystals are within ±100 ppm). */
const driftMaximumPpm = 1_000;
/** Weight of a new drift measurement in the smoothed value. */
const driftSmoothing = 0.25;

interface SyncPoint {
  /** Raw counter value (32 or 48 bits). */
  readonly raw: number;
  readonly concentratorUs: number;
  readonly serverUs: number;
}

/** Difference `a − b` of two counter values modulo `modulus`, in [−modulus/2, modulus/2). */
function signedCounterDelta(a: number, b: number, modulus: number): number {
  let delta = (a - b) % modulus;
  if (delta < 0) delta += modulus;
  return delta >= modulus / 2 ? delta - modulus : delta;
}

export class ConcentratorClock {
  #last: SyncPoint | undefined;
  #modulus = twoTo32;
  /** Bits 48–63 of the xtime of the current session; undefined until an xtime sync. */
  #session: bigint | undefined;
  #driftAnchor: SyncPoint | undefined;
  #driftPpm: number | undefined;
  #gps: { readonly concentratorUs: number; readonly gpsUs: number } | undefined;
  #restarts = 0;

  /** Whether an uplink synchronised the clock. */
  get synced(): boolean {
    return this.#last !== undefined;
  }

  /** Estimated drift of the concentrator against the server in ppm (positive: it runs fast). */
  get driftPpm(): number | undefined {
    return this.#driftPpm;
  }

  /** How many times the gateway's counter was seen to restart. */
  get restarts(): number {
    return this.#restarts;
  }

  /** Whether a GPS time reference is known (absolute-time downlinks need one). */
  get hasGpsTime(): boolean {
    return this.#gps !== undefined;
  }

  /**
   * Synchronises with a Semtech UDP `tmst` (32-bit µs) received at `serverUs`; returns the
   * uplink's concentrator time.
   */
  syncTimestamp(timestamp: number, serverUs: number): number {
    return this.#sync(timestamp >>> 0, twoTo32, serverUs, false);
  }

  /**
   * Synchronises with a Basics Station `xtime` received at `serverUs`; returns the uplink's
   * concentrator time. A new session (bits 48–63) means the station restarted its radio.
   */
  syncXtime(xtime: bigint, serverUs: number): number {
    const session = xtime >> 48n;
    const restarted = this.#session !== undefined && session !== this.#session;
    this.#session = session;
    return this.#sync(Number(xtime & counterMask48), twoTo48, serverUs, restarted);
  }

  /** Records that the counter read `concentratorUs` at GPS time `gpsUs`. */
  syncGpsTime(concentratorUs: number, gpsUs: number): void {
    if (!Number.isFinite(concentratorUs) || !Number.isFinite(gpsUs) || gpsUs <= 0) return;
    this.#gps = { concentratorUs, gpsUs };
  }

  /** Concentrator time of a 32-bit `tmst` (the one nearest the last sync), if synced. */
  fromTimestamp(timestamp: number): number | undefined {
    const last = this.#last;
    if (last === undefined || this.#modulus !== twoTo32) return undefined;
    return last.concentratorUs + signedCounterDelta(timestamp >>> 0, last.raw, twoTo32);
  }

  /** Concentrator time of an `xtime`; undefined if not synced or of another session. */
  fromXtime(xtime: bigint): number | undefined {
    const last = this.#last;
    if (last === undefined || this.#modulus !== twoTo48) return undefined;
    if (xtime >> 48n !== this.#session) return undefined;
    const raw = Number(xtime & counterMask48);
    return last.concentratorUs + signedCounterDelta(raw, last.raw, twoTo48);
  }

  /** The 32-bit `tmst` that the gateway's counter shows at `concentratorUs`. */
  toTimestamp(concentratorUs: number): number {
    const last = this.#last;
    const base = last === undefined ? 0 : last.raw - last.concentratorUs;
    return ((((base + concentratorUs) % twoTo32) + twoTo32) % twoTo32) >>> 0;
  }

  /** The `xtime` (session bits kept) at `concentratorUs`; undefined before an xtime sync. */
  toXtime(concentratorUs: number): bigint | undefined {
    const last = this.#last;
    if (last === undefined || this.#session === undefined) return undefined;
    const raw = (((last.raw - last.concentratorUs + concentratorUs) % twoTo48) + twoTo48) % twoTo48;
    return (this.#session << 48n) | BigInt(Math.round(raw));
  }

  /** Estimated concentrator time at server time `serverUs`, if synced. */
  fromServerTime(serverUs: number): number | undefined {
    const last = this.#last;
    if (last === undefined) return undefined;
    const elapsed = serverUs - last.serverUs;
    return last.concentratorUs + Math.round(elapsed * (1 + (this.#driftPpm ?? 0) / 1e6));
  }

  /** Estimated server time at concentrator time `concentratorUs`, if synced. */
  toServerTime(concentratorUs: number): number | undefined {
    const last = this.#last;
    if (last === undefined) return undefined;
    const elapsed = concentratorUs - last.concentratorUs;
    return last.serverUs + Math.round(elapsed / (1 + (this.#driftPpm ?? 0) / 1e6));
  }

  /** Concentrator time at GPS time `gpsUs`, if a GPS reference is known. */
  fromGpsTime(gpsUs: number): number | undefined {
    const gps = this.#gps;
    if (gps === undefined) return undefined;
    return gps.concentratorUs + (gpsUs - gps.gpsUs);
  }

  /** GPS time at concentrator time `concentratorUs`, if a GPS reference is known. */
  toGpsTime(concentratorUs: number): number | undefined {
    const gps = this.#gps;
    if (gps === undefined) return undefined;
    return gps.gpsUs + (concentratorUs - gps.concentratorUs);
  }

  #sync(raw: number, modulus: number, serverUs: number, restarted: boolean): number {
    const last = this.#last;
    let concentratorUs: number;
    if (last === undefined) {
      concentratorUs = raw;
    } else {
      // Unwrap against where the server expects the counter to be, not against the last
      // uplink: after more than half a wrap without uplinks the last one would mislead.
      const expected = this.fromServerTime(serverUs) as number;
      const sameWidth = modulus === this.#modulus;
      const expectedRaw = last.raw + (expected - last.concentratorUs);
      const unwrapped = expected + signedCounterDelta(raw, expectedRaw, modulus);
      if (restarted || !sameWidth || Math.abs(unwrapped - expected) > restartToleranceUs) {
        // A restarted counter: the continuous scale goes on from the server's estimate.
        concentratorUs = expected;
        this.#restarts += 1;
        this.#driftAnchor = undefined;
        this.#gps = undefined;
      } else {
        concentratorUs = unwrapped;
      }
    }
    this.#modulus = modulus;
    const point = { raw, concentratorUs, serverUs };
    this.#measureDrift(point);
    this.#last = point;
    return concentratorUs;
  }

  #measureDrift(point: SyncPoint): void {
    const anchor = this.#driftAnchor;
    if (anchor === undefined) {
      this.#driftAnchor = point;
      return;
    }
    const serverSpan = point.serverUs - anchor.serverUs;
    if (serverSpan < driftMinimumSpanUs) return;
    const ppm = ((point.concentratorUs - anchor.concentratorUs - serverSpan) / serverSpan) * 1e6;
    this.#driftAnchor = point;
    if (Math.abs(ppm) > driftMaximumPpm) return;
    this.#driftPpm =
      this.#driftPpm === undefined ? ppm : this.#driftPpm + driftSmoothing * (ppm - this.#driftPpm);
  }
}
