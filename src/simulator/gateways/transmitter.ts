/**
 * A gateway's transmit side: accepts downlinks at a clock time, refuses those already late or
 * overlapping one on the air or scheduled, and tells listeners as each starts.
 */
import { timeOnAirMicroseconds } from "../../lorawan/airtime.ts";
import type { AirDownlink, Clock } from "../radio.ts";

/** Why a downlink was refused, as both protocols report it. */
export type TransmitResult = "NONE" | "TOO_LATE" | "COLLISION_PACKET";

interface Scheduled {
  startsAt: number;
  endsAt: number;
  timer: NodeJS.Timeout;
}

export class Transmitter {
  readonly #clock: Clock;
  /** Time the concentrator needs before a transmission starts, ms. */
  readonly #leadMs: number;
  readonly #listeners: ((downlink: AirDownlink) => void)[] = [];
  readonly #scheduled = new Set<Scheduled>();
  /** Downlinks transmitted. */
  transmitted = 0;

  constructor(clock: Clock, leadMs = 1) {
    this.#clock = clock;
    this.#leadMs = leadMs;
  }

  onTransmit(listener: (downlink: AirDownlink) => void): void {
    this.#listeners.push(listener);
  }

  /**
   * Schedules `downlink` at its `startsAt`; `then` runs after the listeners when it starts
   * (a Basics Station answers dntxed then).
   */
  schedule(downlink: AirDownlink, then?: () => void): TransmitResult {
    const now = this.#clock();
    if (downlink.startsAt < now + this.#leadMs) return "TOO_LATE";
    const airtime =
      timeOnAirMicroseconds(
        downlink.phyPayload.length,
        { kind: "lora", ...downlink.rate },
        { crc: false },
      ) / 1000;
    const endsAt = downlink.startsAt + airtime;
    for (const other of this.#scheduled) {
      if (downlink.startsAt < other.endsAt && other.startsAt < endsAt) return "COLLISION_PACKET";
    }
    const entry: Scheduled = {
      startsAt: downlink.startsAt,
      endsAt,
      timer: setTimeout(
        () => {
          this.transmitted++;
          for (const listener of this.#listeners) listener(downlink);
          then?.();
          // Kept until the end of its airtime: a later downlink must not overlap it.
          entry.timer = setTimeout(() => this.#scheduled.delete(entry), airtime);
        },
        Math.max(0, downlink.startsAt - now),
      ),
    };
    this.#scheduled.add(entry);
    return "NONE";
  }

  /** Cancels everything scheduled. */
  stop(): void {
    for (const entry of this.#scheduled) clearTimeout(entry.timer);
    this.#scheduled.clear();
  }
}
