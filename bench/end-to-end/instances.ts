/**
 * `npm run bench:end-to-end -- --instances N`: the stack as 1, 2, … N instances of `lorastack
 * start` on one PostgreSQL and one Redis (throwaway servers from the system binaries, durable
 * PostgreSQL), the gateway pool spread over the instances' UDP listeners (gateway i on instance
 * i mod n, as a load balancer would), one MQTT integration on the first instance (it gets every
 * instance's uplinks through Redis). Unconfirmed uplinks at rising rates per cluster size; the
 * report is `bench/results/<date>-instances.{json,md}`.
 *
 * On a machine with few cores, every instance, PostgreSQL, Redis and the load generator share
 * them: this measures that the cluster is correct under load and what coordination through
 * Redis costs, not a speed-up.
 */
import { writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { startCluster } from "../../test/harness/cluster.ts";
import { bulkProvision } from "./bulk-provision.ts";
import { abpDevice, Rotation } from "./frames.ts";
import { BenchGateway } from "./gateway-fleet.ts";
import { Integration } from "./integration.ts";
import type { Plan } from "./plan.ts";
import { CpuMeter } from "./process-stats.ts";
import { type UplinkStepResult, uplinkStep } from "./uplink-step.ts";

export interface InstancesOptions {
  plan: Plan;
  /** The largest cluster: 1, 2, … `instances` are measured. */
  instances: number;
  gatewayEuis: readonly string[];
  /** The stack's environment (NetID and DevAddr prefixes of the ABP fleet). */
  env: Record<string, string>;
  outDir: string;
  progress(text: string): void;
  /** Whether a step held its rate (the main benchmark's rule). */
  held(step: UplinkStepResult): boolean;
}

export interface ClusterStep extends UplinkStepResult {
  /** Cores used by all the instances together during the step. */
  clusterCores: number;
}

export interface InstancesResult {
  instances: number;
  steps: ClusterStep[];
  /** The highest rate held (0: none). */
  sustained: number;
  /** Seconds from the first start to every instance ready. */
  startSeconds: number;
}

export interface InstancesReport {
  date: string;
  plan: string;
  machine: { node: string; cores: number };
  devices: number;
  gateways: number;
  results: InstancesResult[];
}

/** Checks `--instances`: a whole number from 1 to 9. */
export function parseInstances(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > 9)
    throw new Error(`--instances ${value}: expected a whole number from 1 to 9`);
  return count;
}

async function measure(count: number, options: InstancesOptions): Promise<InstancesResult> {
  const { plan } = options;
  const fleet = { otaa: 0, abp: plan.abpDevices };
  const label = `${count} instance${count === 1 ? "" : "s"}`;
  options.progress(`${label}: PostgreSQL, Redis, provisioning ${fleet.abp} devices`);
  const startedAt = performance.now();
  let integrationKey = "";
  const cluster = await startCluster({
    instances: Array.from({ length: count }, (_, i) => ({ name: `bench-${i + 1}` })),
    env: options.env,
    postgres: { durable: true },
    startTimeoutMs: 5 * 60_000,
    provision: async (dataDir, env) => {
      const provisioned = await bulkProvision({
        dataDir,
        env,
        gatewayEuis: options.gatewayEuis,
        fleet,
      });
      integrationKey = provisioned.integrationKey;
      return integrationKey;
    },
  });
  const startSeconds = (performance.now() - startedAt) / 1000;
  try {
    const origin = performance.now();
    const gateways = options.gatewayEuis.map((eui, i) => new BenchGateway(i, eui, origin));
    await Promise.all(
      gateways.map((gateway, i) => {
        const instance = cluster.instances[i % count];
        return gateway.start(instance?.listeners.get("udp") as string);
      }),
    );
    const integration = await Integration.connect(
      cluster.instances[0]?.listeners.get("mqtt") as string,
      integrationKey,
    );
    const rotation = new Rotation(
      Array.from({ length: fleet.abp }, (_, index) => abpDevice(index)),
    );
    // A warm-up at the first rate, not reported: every instance loads the devices it meets
    // from PostgreSQL once, which the first step would otherwise count as latency.
    const warmUpRate = plan.uplinkRates[0] ?? 50;
    options.progress(`${label}: warm-up at ${warmUpRate} uplinks/s`);
    await uplinkStep({
      frames: rotation.dataFrames(
        Math.round(warmUpRate * plan.uplinkStepSeconds * 2),
        gateways.length,
        false,
      ),
      rate: warmUpRate,
      gateways,
      integration,
      systemPid: cluster.instances[0]?.child.pid as number,
      idleMs: plan.idleMs,
    });
    const steps: ClusterStep[] = [];
    for (const rate of plan.uplinkRates) {
      options.progress(`${label}: ${rate} uplinks/s for ${plan.uplinkStepSeconds} s`);
      const frames = rotation.dataFrames(
        Math.round(rate * plan.uplinkStepSeconds),
        gateways.length,
        false,
      );
      const meters = cluster.instances.map(
        (instance) => new CpuMeter(instance.child.pid as number),
      );
      const step = await uplinkStep({
        frames,
        rate,
        gateways,
        integration,
        systemPid: cluster.instances[0]?.child.pid as number,
        idleMs: plan.idleMs,
      });
      const clusterCores = meters.reduce((sum, meter) => sum + meter.read(), 0);
      steps.push({ ...step, clusterCores });
      options.progress(
        `${label}: ${rate}/s → ${Math.round(step.sentRate)}/s sent, ${(step.loss * 100).toFixed(2)}% lost, p99 ${step.p99.toFixed(0)} ms, ${clusterCores.toFixed(2)} cores`,
      );
      if (!options.held(step)) break;
    }
    await integration.close();
    await Promise.all(gateways.map((gateway) => gateway.stop()));
    const sustained = Math.max(0, ...steps.filter(options.held).map((step) => step.targetRate));
    return { instances: count, steps, sustained, startSeconds };
  } finally {
    await cluster.stop();
  }
}

/** Measures 1 … `instances` instances and writes the report; returns the files written. */
export async function instancesBenchmark(options: InstancesOptions): Promise<string[]> {
  const results: InstancesResult[] = [];
  for (let count = 1; count <= options.instances; count++)
    results.push(await measure(count, options));
  const report: InstancesReport = {
    date: new Date().toISOString(),
    plan: options.plan.name,
    machine: { node: process.version, cores: availableParallelism() },
    devices: options.plan.abpDevices,
    gateways: options.gatewayEuis.length,
    results,
  };
  const base = join(options.outDir, `${report.date.slice(0, 10)}-instances`);
  await writeFile(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(`${base}.md`, instancesMarkdown(report));
  return [`${base}.json`, `${base}.md`];
}

/** The report as markdown: one row per cluster size, then every step. */
export function instancesMarkdown(report: InstancesReport): string {
  const lines = [
    `# End-to-end benchmark: instances on PostgreSQL + Redis (${report.date.slice(0, 10)}, ${report.plan})`,
    "",
    `Node ${report.machine.node}, ${report.machine.cores} cores. ${report.devices} ABP devices, ${report.gateways} gateways spread over the instances (each frame heard by three), unconfirmed uplinks, one MQTT integration on the first instance.`,
    "",
    `**On ${report.machine.cores} cores the point is correctness and overhead, not speed-up:** every instance, PostgreSQL, Redis and the load generator share the same cores, so more instances cannot go faster here; the table shows that a cluster delivers under load and what coordinating through Redis (deduplication, claims, fan-out) costs. Scale-out pays on separate machines.`,
    "",
    "| instances | sustained uplinks/s | p99 at that rate (ms) | cores used by the instances | start (s) |",
    "|---:|---:|---:|---:|---:|",
  ];
  for (const result of report.results) {
    const at = result.steps.find((step) => step.targetRate === result.sustained);
    lines.push(
      `| ${result.instances} | ${result.sustained} | ${at ? at.p99.toFixed(0) : "–"} | ${at ? at.clusterCores.toFixed(2) : "–"} | ${result.startSeconds.toFixed(0)} |`,
    );
  }
  lines.push(
    "",
    "## Steps",
    "",
    "| instances | target/s | sent/s | lost | p50 (ms) | p99 (ms) | instances' cores | generator cores |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|",
  );
  for (const result of report.results)
    for (const step of result.steps)
      lines.push(
        `| ${result.instances} | ${step.targetRate} | ${Math.round(step.sentRate)} | ${(step.loss * 100).toFixed(2)}% | ${step.p50.toFixed(0)} | ${step.p99.toFixed(0)} | ${step.clusterCores.toFixed(2)} | ${step.generatorCores.toFixed(2)} |`,
      );
  return `${lines.join("\n")}\n`;
}
