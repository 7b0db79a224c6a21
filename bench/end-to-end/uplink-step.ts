/**
 * One load step of unconfirmed uplinks: send precomputed frames at a target rate, wait for the
 * deliveries to settle, and measure loss, latency (last reception → MQTT delivery) and the CPU
 * of the system under test and of the generator in that time.
 */
import type { ReadyFrame } from "./frames.ts";
import type { BenchGateway } from "./gateway-fleet.ts";
import { frameKey, type Integration } from "./integration.ts";
import { CpuMeter } from "./process-stats.ts";
import { sendAtRate } from "./sender.ts";

export interface UplinkStepResult {
  /** Unique uplinks per second asked for and reached by the sender. */
  targetRate: number;
  sentRate: number;
  sent: number;
  delivered: number;
  /** Share of the frames sent that were never delivered. */
  loss: number;
  /** Last reception → delivery, ms. */
  p50: number;
  p99: number;
  max: number;
  /** Cores used (1 = one core busy) during the step, by the system under test and by us. */
  systemCores: number;
  generatorCores: number;
}

/** Sorted latencies' value at `share` (0..1). */
export function percentile(sorted: readonly number[], share: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] as number;
}

/** Polls until `done` holds or nothing changed in `idleMs` (a backlog that stopped moving). */
export async function settle(
  progress: () => number,
  done: () => boolean,
  idleMs: number,
): Promise<void> {
  let last = progress();
  let lastChange = performance.now();
  while (!done()) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = progress();
    if (now !== last) {
      last = now;
      lastChange = performance.now();
    } else if (performance.now() - lastChange > idleMs) return;
  }
}

export async function uplinkStep(options: {
  frames: readonly ReadyFrame[];
  rate: number;
  gateways: readonly BenchGateway[];
  integration: Integration;
  systemPid: number;
  /** How long deliveries may pause before the rest counts as lost. */
  idleMs: number;
}): Promise<UplinkStepResult> {
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  options.integration.onUplink = (key, at) => {
    const sent = sentAt.get(key);
    if (sent === undefined) return;
    sentAt.delete(key);
    latencies.push(at - sent);
  };
  const system = new CpuMeter(options.systemPid);
  const generator = new CpuMeter(process.pid);
  const sentRate = await sendAtRate(options.frames, options.rate, options.gateways, (frame, at) => {
    sentAt.set(frameKey(frame.device, frame.counter), at);
  });
  const sent = options.frames.length;
  await settle(
    () => latencies.length,
    () => latencies.length >= sent,
    options.idleMs,
  );
  const systemCores = system.read();
  const generatorCores = generator.read();
  options.integration.onUplink = () => {};
  latencies.sort((a, b) => a - b);
  return {
    targetRate: options.rate,
    sentRate,
    sent,
    delivered: latencies.length,
    loss: 1 - latencies.length / sent,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    max: latencies.at(-1) ?? Number.NaN,
    systemCores,
    generatorCores,
  };
}
