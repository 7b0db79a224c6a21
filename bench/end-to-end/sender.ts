/**
 * Paces precomputed frames onto the gateways at a target rate: on every timer tick it sends
 * what is due by then, each frame to the gateways that hear it, in PUSH_DATA datagrams of up to
 * 8 rxpk per gateway (lora_pkt_fwd's NB_PKT_MAX).
 */
import type { ReadyFrame } from "./frames.ts";
import type { BenchGateway } from "./gateway-fleet.ts";

const BATCH = 8;
const TICK_MS = 5;

/** When a frame was sent: after the tick's datagrams left, and with which `tmst`. */
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
  // Per gateway, the rxpk texts waiting for a datagram and their tmst.
  const tails: string[][] = gateways.map(() => []);
  const tmsts: number[][] = gateways.map(() => []);
  const flush = (g: number) => {
    const list = tails[g] as string[];
    if (list.length === 0) return;
    gateways[g]?.push(list, tmsts[g] as number[]);
    list.length = 0;
    (tmsts[g] as number[]).length = 0;
  };
  // Every frame gets its own tmst, the same at each gateway that hears it (the gateways share a
  // clock): a downlink's tmst names its uplink.
  let nextTmst = 0;
  const tickTmsts: number[] = [];
  while (next < frames.length) {
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
    const now = performance.now();
    const due = Math.min(frames.length, Math.floor((rate * (now - start)) / 1000));
    const first = next;
    tickTmsts.length = 0;
    nextTmst = Math.max(gateways[0]?.counter(now) ?? 0, nextTmst);
    for (; next < due; next++) {
      const frame = frames[next] as ReadyFrame;
      const tmst = nextTmst++ >>> 0;
      tickTmsts.push(tmst);
      frame.gateways.forEach((g, i) => {
        (tails[g] as string[]).push(frame.tails[i] as string);
        (tmsts[g] as number[]).push(tmst);
        if ((tails[g] as string[]).length >= BATCH) flush(g);
      });
    }
    for (let g = 0; g < gateways.length; g++) flush(g);
    const at = performance.now();
    for (let i = first; i < next; i++)
      onSent(frames[i] as ReadyFrame, at, tickTmsts[i - first] as number);
  }
  return frames.length / Math.max((performance.now() - start) / 1000, 1e-3);
}
