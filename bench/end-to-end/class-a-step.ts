/**
 * Class A downlinks at the gateway: a step of join-requests or confirmed uplinks at a target
 * rate, and how many of their answers (join-accepts, ACKs) reached a gateway in time for the
 * device's window. A downlink names its uplink by `tmst`: the uplink's tmst plus the receive
 * delay (RX1 1..15 s, RX2 one second later), each uplink having its own tmst.
 */
import type { BenchDevice, ReadyFrame } from "./frames.ts";
import { type BenchGateway, type HeardDownlink, JIT_LEAD_US } from "./gateway-fleet.ts";
import { CpuMeter } from "./process-stats.ts";
import { sendAtRate } from "./sender.ts";
import { settle } from "./uplink-step.ts";

export interface ClassAStepResult {
  targetRate: number;
  sentRate: number;
  sent: number;
  /** Answers that reached a gateway at all / in time for their window. */
  answered: number;
  inTime: number;
  /** Share of the uplinks sent whose answer reached the gateway in time. */
  inTimeShare: number;
  /** Smallest lead before the transmit time seen, ms (negative: late). */
  minLeadMs: number;
  /** Answered per second of sending (joins/s for join-requests). */
  answeredRate: number;
  systemCores: number;
  generatorCores: number;
  /** Join-accepts the device could not read (MIC or decryption) — must be zero. */
  unreadable: number;
}

const MAX_DELAY_S = 16;

export async function classAStep(options: {
  frames: readonly ReadyFrame[];
  devices: readonly BenchDevice[];
  rate: number;
  gateways: readonly BenchGateway[];
  systemPid: number;
  idleMs: number;
}): Promise<ClassAStepResult> {
  const pending = new Map<number, ReadyFrame>();
  let answered = 0;
  let inTime = 0;
  let unreadable = 0;
  let minLeadUs = Number.POSITIVE_INFINITY;
  const heard = (downlink: HeardDownlink) => {
    if (downlink.tmst === undefined) return;
    for (let delay = 1; delay <= MAX_DELAY_S; delay++) {
      const frame = pending.get((downlink.tmst - delay * 1_000_000) >>> 0);
      if (!frame) continue;
      pending.delete((downlink.tmst - delay * 1_000_000) >>> 0);
      answered++;
      minLeadUs = Math.min(minLeadUs, downlink.leadUs);
      if (downlink.leadUs >= JIT_LEAD_US) inTime++;
      if (frame.join) {
        try {
          options.devices[frame.device]?.radio.acceptJoin(downlink.phyPayload);
        } catch {
          unreadable++;
        }
      }
      return;
    }
  };
  for (const gateway of options.gateways) gateway.onDownlink(heard);
  const system = new CpuMeter(options.systemPid);
  const generator = new CpuMeter(process.pid);
  const start = performance.now();
  const sentRate = await sendAtRate(
    options.frames,
    options.rate,
    options.gateways,
    (frame, _at, tmst) => {
      pending.set(tmst, frame);
    },
  );
  const sendSeconds = (performance.now() - start) / 1000;
  const sent = options.frames.length;
  await settle(
    () => answered,
    () => answered >= sent,
    options.idleMs,
  );
  for (const gateway of options.gateways) gateway.onDownlink(() => {});
  return {
    targetRate: options.rate,
    sentRate,
    sent,
    answered,
    inTime,
    inTimeShare: inTime / sent,
    minLeadMs: Number.isFinite(minLeadUs) ? minLeadUs / 1000 : Number.NaN,
    answeredRate: answered / sendSeconds,
    systemCores: system.read(),
    generatorCores: generator.read(),
    unreadable,
  };
}
