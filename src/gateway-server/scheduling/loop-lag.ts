/**
 * How late this process's event loop ran, recently. A round trip is measured from the moment a
 * downlink left to the moment the server *handled* the gateway's answer (UDP TX_ACK, Basics
 * Station RefTime): when the event loop was busy, the answer waited in the socket and the
 * measurement is the server's own delay, not the network's. Such a sample would make every
 * later downlink to that gateway look too late — for up to 30 minutes, since a refused downlink
 * brings no new sample — so the Gateway Server drops round trips measured while the loop lagged.
 *
 * A timer every `intervalUs` notes how late it fired; lags are kept for `keepUs`.
 */
export class LoopLag {
  readonly #intervalUs: number;
  readonly #keepUs: number;
  readonly #now: () => number;
  /** Oldest first: when a tick ran (server µs) and how late it was (µs). */
  #ticks: { atUs: number; lagUs: number }[] = [];
  #timer: NodeJS.Timeout | undefined;
  #expectedUs = 0;

  constructor(options: { now: () => number; intervalUs?: number; keepUs?: number }) {
    this.#now = options.now;
    this.#intervalUs = options.intervalUs ?? 20_000;
    this.#keepUs = options.keepUs ?? 60_000_000;
  }

  start(): void {
    if (this.#timer) return;
    this.#expectedUs = this.#now() + this.#intervalUs;
    this.#timer = setInterval(() => this.tick(), this.#intervalUs / 1000);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One timer tick (public for tests, which drive the clock themselves). */
  tick(): void {
    const nowUs = this.#now();
    this.#ticks.push({ atUs: nowUs, lagUs: Math.max(0, nowUs - this.#expectedUs) });
    this.#expectedUs = nowUs + this.#intervalUs;
    const from = nowUs - this.#keepUs;
    let old = 0;
    while (old < this.#ticks.length && (this.#ticks[old] as { atUs: number }).atUs < from) old++;
    if (old > 0) this.#ticks.splice(0, old);
  }

  /**
   * The largest lag of the ticks that ran in [fromUs, toUs] or right after it (a tick delayed
   * by a busy loop runs after the busy time it measures).
   */
  maxLagUs(fromUs: number, toUs: number): number {
    let max = 0;
    for (let i = this.#ticks.length - 1; i >= 0; i--) {
      const tick = this.#ticks[i] as { atUs: number; lagUs: number };
      if (tick.atUs - tick.lagUs > toUs) continue;
      if (tick.atUs < fromUs) break;
      if (tick.lagUs > max) max = tick.lagUs;
    }
    return max;
  }
}
