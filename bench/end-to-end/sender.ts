/**
 * Paces precomputed frames onto the gateways at a target rate: on every timer tick it sends
 * what is due by then, in PUSH_DATA batches of up to 8 rxpk per gateway (lora_pkt_fwd's
 * NB_PKT_MAX), each frame to every gateway.
 */
import type { ReadyFrame } from "./frames.ts";
import type { BenchGateway } from "./gateway-fleet.ts";

const BATCH = 8;
const TICK_MS = 5;

/** When a frame was sent: after its last gateway's datagram left, and with which `tmst`. */
export type SentListener = (frame: ReadyFrame, at: number, tmst: number) => void;

/** Sends `frames` at `rate` per second; resolves with the rate actually achieved. */
export async function sendAtRate(
  frames: readonly ReadyFrame[],
  rate: number,
  gateways: readonly BenchGateway[],
  onSent: SentListener,
): Promise<number> {
  const start = performance.now();
  let next = 0;
  const tails: string[][] = gateways.map(() => []);
  // Every frame gets its own tmst (a downlink's tmst names its uplink): a batch starts after the
  // last one's frames even within one tick.
  let nextTmst = 0;
  while (next < frames.length) {
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
    const now = performance.now();
    const due = Math.min(frames.length, Math.floor((rate * (now - start)) / 1000));
    while (next < due) {
      const end = Math.min(due, next + BATCH);
      const counter = Math.max(gateways[0]?.counter(now) ?? 0, nextTmst);
      nextTmst = counter + (end - next);
      for (const list of tails) list.length = 0;
      for (let i = next; i < end; i++) {
        const frame = frames[i] as ReadyFrame;
        for (let g = 0; g < gateways.length; g++) tails[g]?.push(frame.tails[g] as string);
      }
      gateways.forEach((gateway, g) => {
        gateway.push(tails[g] as string[], counter);
      });
      const at = performance.now();
      for (let i = next; i < end; i++)
        onSent(frames[i] as ReadyFrame, at, (counter + i - next) >>> 0);
      next = end;
    }
  }
  return frames.length / Math.max((performance.now() - start) / 1000, 1e-3);
}
