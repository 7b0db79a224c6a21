/**
 * The stack's memory with many registered devices: a fresh data dir provisioned in process with
 * `devices` ABP devices (sessions in the Network and Application Servers, the registration in
 * the Identity Server; ABP devices have no Join Server record, as in The Things Stack), the
 * stack started on it, a little traffic sent (so the uplink path's caches and indexes exist),
 * and the stack's resident memory read once the deliveries are in.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLorastack } from "../../test/harness/lorastack-process.ts";
import { bulkProvision } from "./bulk-provision.ts";
import { abpDevice, Rotation } from "./frames.ts";
import { BenchGateway } from "./gateway-fleet.ts";
import { Integration } from "./integration.ts";
import { memory } from "./process-stats.ts";
import { type UplinkStepResult, uplinkStep } from "./uplink-step.ts";

export interface MemoryResult {
  devices: number;
  provisionSeconds: number;
  devicesPerSecond: number;
  /** From `start` until `/readyz` answered, s. */
  startSeconds: number;
  /** Resident memory after the traffic, and its peak, bytes. */
  rss: number;
  peakRss: number;
  traffic: UplinkStepResult;
}

export async function memoryPhase(options: {
  devices: number;
  gateways: number;
  env: Record<string, string>;
  /** Uplinks per second of the traffic, for `seconds`. */
  rate: number;
  seconds: number;
  progress: (text: string) => void;
}): Promise<MemoryResult> {
  const dataDir = await mkdtemp(join(tmpdir(), "lorastack-bench-memory-"));
  try {
    const gatewayEuis = Array.from({ length: options.gateways }, (_, i) =>
      `B0B0B0B0${(i + 1).toString(16).padStart(8, "0")}`.toUpperCase(),
    );
    const provisioned = await bulkProvision({
      dataDir,
      env: options.env,
      gatewayEuis,
      fleet: { otaa: 0, abp: options.devices },
      progress: (done) =>
        options.progress(
          `memory: provisioning ${done.toLocaleString("en-US")}/${options.devices.toLocaleString("en-US")}`,
        ),
    });
    const started = performance.now();
    options.progress("memory: starting lorastack");
    const stack = await startLorastack({ dataDir, env: options.env, timeoutMs: 15 * 60_000 });
    const startSeconds = (performance.now() - started) / 1000;
    try {
      const pid = stack.child.pid as number;
      const origin = performance.now();
      const gateways = gatewayEuis.map((eui, i) => new BenchGateway(i, eui, origin));
      await Promise.all(
        gateways.map((gateway) => gateway.start(stack.listeners.get("udp") as string)),
      );
      const integration = await Integration.connect(
        stack.listeners.get("mqtt") as string,
        provisioned.integrationKey,
      );
      // Traffic from devices spread over the whole fleet (every DevAddr block of the index).
      const count = Math.round(options.rate * options.seconds);
      const step = Math.max(1, Math.floor(options.devices / count));
      const devices = Array.from({ length: Math.min(count, options.devices) }, (_, i) =>
        abpDevice(i * step),
      );
      options.progress(`memory: ${count} uplinks at ${options.rate}/s`);
      const traffic = await uplinkStep({
        frames: new Rotation(devices).dataFrames(count, gateways.length, false),
        rate: options.rate,
        gateways,
        integration,
        systemPid: pid,
        idleMs: 3000,
      });
      const { rss, peakRss } = memory(pid);
      await integration.close();
      await Promise.all(gateways.map((gateway) => gateway.stop()));
      return {
        devices: options.devices,
        provisionSeconds: provisioned.seconds,
        devicesPerSecond: provisioned.devicesPerSecond,
        startSeconds,
        rss,
        peakRss,
        traffic,
      };
    } finally {
      await stack.stop("SIGINT");
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
