/**
 * Timers a simulated device schedules with: the real ones in a run, a manual clock in tests
 * (`ManualTime`), so that a test steps through RX windows and back-offs without waiting.
 */
import type { Clock } from "../radio.ts";

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** A clock that moves only when told, with the timers that run on it. */
export class ManualTime implements Timers {
  #now: number;
  #nextId = 1;
  #due = new Map<number, { at: number; callback: () => void }>();

  constructor(start = 0) {
    this.#now = start;
  }

  readonly clock: Clock = () => this.#now;

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#nextId++;
    this.#due.set(id, { at: this.#now + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#due.delete(handle as number);
  }

  /** Moves the clock to `at` (or by nothing when earlier), running due timers in time order. */
  advanceTo(at: number): void {
    for (;;) {
      let nextId: number | undefined;
      let next: { at: number; callback: () => void } | undefined;
      for (const [id, timer] of this.#due) {
        if (timer.at <= at && (next === undefined || timer.at < next.at)) {
          nextId = id;
          next = timer;
        }
      }
      if (next === undefined || nextId === undefined) break;
      this.#due.delete(nextId);
      this.#now = Math.max(this.#now, next.at);
      next.callback();
    }
    this.#now = Math.max(this.#now, at);
  }

  advance(ms: number): void {
    this.advanceTo(this.#now + ms);
  }

  /** Timers still pending. */
  get pending(): number {
    return this.#due.size;
  }
}
