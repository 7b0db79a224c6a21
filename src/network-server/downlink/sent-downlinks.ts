/**
 * The downlinks this instance scheduled, by the correlation id it gave each, until the gateway
 * acknowledges them: what a TX acknowledgment is about. Bounded: the oldest go first.
 */
import type { ApplicationDownlink, DownlinkMessage } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import type { DeviceKey } from "../registry/registry.ts";

export interface SentDownlink {
  readonly key: DeviceKey;
  readonly message: DownlinkMessage;
  readonly applicationDownlink?: ApplicationDownlink | undefined;
  /** Shared by the transmissions of one frame through several gateway groups (multicast). */
  readonly transmissions?: Transmissions | undefined;
}

/**
 * The gateway groups one frame went to: the Application Server hears `downlink_sent` once, on
 * the first success, and `downlink_failed` only when every group failed.
 */
export interface Transmissions {
  /** Acknowledgments still to come. */
  pending: number;
  /** The Application Server was told. */
  reported: boolean;
}

/** Whether this acknowledgment of one of several transmissions is the one to report. */
export function reportable(transmissions: Transmissions | undefined, success: boolean): boolean {
  if (transmissions === undefined) return true;
  transmissions.pending--;
  if (transmissions.reported) return false;
  if (!success && transmissions.pending > 0) return false;
  transmissions.reported = true;
  return true;
}

/** A correlation id of our own for a downlink, carried through the Gateway Server's TX ack. */
export const downlinkCorrelationPrefix = "ns:downlink:";

export class SentDownlinks {
  readonly #entries = new Map<string, SentDownlink>();
  readonly #capacity: number;

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  add(correlationId: string, downlink: SentDownlink): void {
    this.#entries.set(correlationId, downlink);
    if (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  /** The downlink of the first of `correlationIds` that names one; it is forgotten then. */
  take(correlationIds: readonly string[]): SentDownlink | undefined {
    for (const id of correlationIds) {
      if (!id.startsWith(downlinkCorrelationPrefix)) continue;
      const found = this.#entries.get(id);
      if (found) {
        this.#entries.delete(id);
        return found;
      }
    }
    return undefined;
  }
}
