/**
 * The end-to-end benchmark (`npm run bench`): writes the application, a pool of gateways and the
 * devices into a fresh data dir in process (bulk-provision.ts), starts `bin/lorastack start` on
 * it (embedded default, ephemeral ports), drives it from a light load generator of its own
 * (precomputed frames, batched PUSH_DATA from the gateway pool, each frame heard by three, an
 * MQTT.js integration) at rising load, then measures the stack's memory with many registered
 * devices in a second data dir, and writes the report to `bench/results/<date>.{json,md,svg}`.
 * Floors are measured in the same run.
 *
 * Flags: `--quick` (seconds, small numbers) or `--medium` (a few minutes), `--memory-devices <n>`
 * (devices of the memory phase; 0 skips it), `--cpu-prof` (the stack writes a V8 CPU profile
 * into a temporary folder; the report sums it: profile-summary.ts), `--out <dir>` (results
 * folder), `--instances <n>` (instead: the stack as 1 … n instances on PostgreSQL + Redis,
 * instances.ts).
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { startLorastack } from "../../test/harness/lorastack-process.ts";
import { bulkProvision } from "./bulk-provision.ts";
import { type ClassAStepResult, classAStep } from "./class-a-step.ts";
import { cryptoFloor } from "./crypto-floor.ts";
import type { FleetShape } from "./fleet.ts";
import {
  abpDevice,
  type BenchDevice,
  joinFrame,
  otaaDevice,
  type ReadyFrame,
  Rotation,
} from "./frames.ts";
import { BenchGateway } from "./gateway-fleet.ts";
import { instancesBenchmark, parseInstances } from "./instances.ts";
import { Integration } from "./integration.ts";
import { memoryPhase } from "./memory-phase.ts";
import { MIN_UPLINK_INTERVAL_S, PLANS, peakRate } from "./plan.ts";
import { memory } from "./process-stats.ts";
import { summarizeFile } from "./profile-summary.ts";
import { type Report, writeReport } from "./report.ts";
import { type UplinkStepResult, uplinkStep } from "./uplink-step.ts";

const args = process.argv.slice(2);
const flag = (name: string) => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
};
const plan =
  PLANS[args.includes("--quick") ? "quick" : args.includes("--medium") ? "medium" : "full"];
const cpuProfile = args.includes("--cpu-prof");
const outDir = resolve(flag("--out") ?? join(import.meta.dirname, "..", "results"));
const memoryDevices = Number(flag("--memory-devices") ?? plan.memoryDevices);
if (!Number.isInteger(memoryDevices) || memoryDevices < 0)
  throw new Error(`--memory-devices ${flag("--memory-devices")} is not a count`);
if (plan.abpDevices < peakRate(plan) * MIN_UPLINK_INTERVAL_S)
  throw new Error(
    `${plan.abpDevices} ABP devices send more than once per ${MIN_UPLINK_INTERVAL_S} s at ${peakRate(plan)}/s`,
  );
/** The loss a step may have and still count as sustained. */
const MAX_LOSS = 0.001;
/**
 * A step whose p99 exceeds this is a growing backlog, not a sustained rate (its loss is only
 * low because the drain was waited for): the steps stop rising there.
 */
const MAX_SUSTAINED_P99_MS = 2_000;
/** The stack's `ns.deduplication_window` (its default), ms. */
const DEDUPLICATION_WINDOW_MS = 200;
/** The stack's configuration: a NetID whose DevAddr prefix holds the ABP devices' DevAddrs. */
const STACK_ENV = {
  LORASTACK_NS_NET_ID: "000013",
  LORASTACK_NS_DEV_ADDR_PREFIXES: "26000000/7",
};

const progress = (text: string) => {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${text}`);
  else process.stderr.write(`${text}\n`);
};
const done = () => process.stderr.write(process.stderr.isTTY ? "\n" : "");

const gatewayEuis = Array.from({ length: plan.gateways }, (_, i) =>
  `B0B0B0B0${(i + 1).toString(16).padStart(8, "0")}`.toUpperCase(),
);
const origin = performance.now();

async function connectGateways(udpAddress: string): Promise<BenchGateway[]> {
  const gateways = gatewayEuis.map((eui, i) => new BenchGateway(i, eui, origin));
  await Promise.all(gateways.map((gateway) => gateway.start(udpAddress)));
  return gateways;
}

const describeUplinks = (step: UplinkStepResult) =>
  `${Math.round(step.sentRate)}/s sent, ${(step.loss * 100).toFixed(2)}% lost, p99 ${step.p99.toFixed(0)} ms`;

/** Whether a step held its rate: little loss, a p99 that is no backlog, the rate reached. */
const held = (step: UplinkStepResult) =>
  step.loss <= MAX_LOSS &&
  step.p99 <= MAX_SUSTAINED_P99_MS &&
  step.sentRate >= step.targetRate * 0.9;

/** Rising uplink steps until the first that is not sustained (that one included). */
async function uplinkSteps(
  label: string,
  rates: readonly number[],
  rotation: Rotation,
  gateways: readonly BenchGateway[],
  integration: Integration,
  systemPid: number,
): Promise<UplinkStepResult[]> {
  const steps: UplinkStepResult[] = [];
  for (const rate of rates) {
    progress(`${label}: preparing ${rate}/s`);
    const frames = rotation.dataFrames(
      Math.round(rate * plan.uplinkStepSeconds),
      gateways.length,
      false,
    );
    progress(`${label}: sending ${rate} uplinks/s for ${plan.uplinkStepSeconds} s`);
    const step = await uplinkStep({
      frames,
      rate,
      gateways,
      integration,
      systemPid,
      idleMs: plan.idleMs,
    });
    steps.push(step);
    progress(`${label}: ${rate}/s → ${describeUplinks(step)}`);
    done();
    if (!held(step)) break;
  }
  return steps;
}

/** The pass-through floor: the tiny program driven like the stack. */
async function passThroughFloor(): Promise<{ steps: UplinkStepResult[]; pid: number }> {
  const child = spawn(process.execPath, [join(import.meta.dirname, "pass-through.ts")], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve) => lines.once("line", resolve));
  const { udp, mqtt } = JSON.parse(first) as { udp: string; mqtt: string };
  const gateways = await connectGateways(udp);
  const integration = await Integration.connect(mqtt, "none");
  // Floor devices: sessions whose DevAddr is their index (the pass-through's topic).
  const devices = Array.from({ length: 2000 }, (_, index) => {
    const device = otaaDevice(index);
    const devAddr = Buffer.alloc(4);
    devAddr.writeUInt32BE(device.index);
    const key = new Uint8Array(16).fill(1);
    device.radio.useSession({
      devAddr,
      fNwkSIntKey: key,
      sNwkSIntKey: key,
      nwkSEncKey: key,
      appSKey: key,
    });
    return device;
  });
  const steps = await uplinkSteps(
    "pass-through floor",
    plan.floorRates,
    new Rotation(devices),
    gateways,
    integration,
    child.pid as number,
  );
  await integration.close();
  await Promise.all(gateways.map((gateway) => gateway.stop()));
  child.kill("SIGTERM");
  return { steps, pid: child.pid as number };
}

/** Rising class A steps (join-requests or confirmed uplinks). */
async function classASteps(
  label: string,
  rates: readonly number[],
  seconds: number,
  frames: (count: number) => ReadyFrame[],
  devices: readonly BenchDevice[],
  gateways: readonly BenchGateway[],
  systemPid: number,
): Promise<ClassAStepResult[]> {
  const steps: ClassAStepResult[] = [];
  for (const rate of rates) {
    const list = frames(Math.round(rate * seconds));
    if (list.length === 0) break;
    progress(`${label}: ${list.length} at ${rate}/s`);
    const step = await classAStep({
      frames: list,
      devices,
      rate,
      gateways,
      systemPid,
      idleMs: 7_000,
    });
    steps.push(step);
    progress(
      `${label}: ${rate}/s → ${step.answered}/${step.sent} answered, ${(step.inTimeShare * 100).toFixed(2)}% in time`,
    );
    done();
  }
  return steps;
}

/** The stack's profile (the largest file: the main thread's), summed. */
async function stackProfile(dir: string): Promise<Report["profile"]> {
  const files = (await readdir(dir)).filter((name) => name.endsWith(".cpuprofile"));
  const sized = await Promise.all(
    files.map(async (name) => ({
      file: join(dir, name),
      size: (await stat(join(dir, name))).size,
    })),
  );
  const largest = sized.sort((a, b) => b.size - a.size)[0];
  if (!largest) return undefined;
  return { file: largest.file, ...(await summarizeFile(largest.file)) };
}

async function main(): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const date = new Date().toISOString().slice(0, 10);
  progress("crypto floor: MIC + decrypt on one core");
  const crypto = cryptoFloor(plan.name === "quick" ? 1 : 3, plan.name === "quick" ? 100 : 300);
  done();
  const floor = await passThroughFloor();

  const fleet: FleetShape = { otaa: plan.otaaDevices, abp: plan.abpDevices };
  const total = fleet.otaa + fleet.abp;
  const dataDir = await mkdtemp(join(tmpdir(), "lorastack-bench-"));
  // Profiles are tens of megabytes: kept in a temporary folder, summed into the report.
  const profileDir = cpuProfile ? await mkdtemp(join(tmpdir(), "lorastack-bench-profile-")) : "";
  let report: Omit<Report, "manyDevices" | "profile">;
  try {
    const provisioned = await bulkProvision({
      dataDir,
      env: STACK_ENV,
      gatewayEuis,
      fleet,
      progress: (count) => progress(`provisioning in process: ${count}/${total} devices`),
    });
    done();
    progress("starting lorastack");
    const stack = await startLorastack({
      dataDir,
      env: {
        ...STACK_ENV,
        ...(cpuProfile ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } : {}),
      },
      timeoutMs: 5 * 60_000,
    });
    const pid = stack.child.pid as number;
    try {
      // Indexes are device indexes: OTAA devices first, then ABP devices.
      const devices: BenchDevice[] = Array.from({ length: total }, (_, index) =>
        index < fleet.otaa ? otaaDevice(index) : abpDevice(index),
      );
      const gateways = await connectGateways(stack.listeners.get("udp") as string);
      const integration = await Integration.connect(
        stack.listeners.get("mqtt") as string,
        provisioned.integrationKey,
      );

      let nextToJoin = 0;
      const joinSteps = await classASteps(
        "joins",
        plan.joinRates,
        plan.joinStepSeconds,
        (count) => {
          const slice = devices.slice(nextToJoin, Math.min(fleet.otaa, nextToJoin + count));
          nextToJoin += slice.length;
          return slice.map((device) => joinFrame(device, gateways.length));
        },
        devices,
        gateways,
        pid,
      );
      const joined = devices.filter((device) => device.index < fleet.otaa && device.radio.session);

      // The traffic: ABP devices in turn, so none sends more than once per 10 s.
      const rotation = new Rotation(devices.slice(fleet.otaa));
      const uplinks = await uplinkSteps(
        "uplinks",
        plan.uplinkRates,
        rotation,
        gateways,
        integration,
        pid,
      );
      // A pause: the backlog of a lossy last step must not count against the confirmed steps.
      await new Promise((resolve) => setTimeout(resolve, plan.idleMs));
      const confirmed = await classASteps(
        "confirmed uplinks",
        plan.confirmedRates,
        plan.confirmedStepSeconds,
        (count) => rotation.dataFrames(count, gateways.length, true),
        devices,
        gateways,
        pid,
      );
      const stackMemory = memory(pid);
      await integration.close();
      await Promise.all(gateways.map((gateway) => gateway.stop()));
      report = {
        date: new Date().toISOString(),
        plan: plan.name,
        machine: { node: process.version, cores: availableParallelism() },
        deduplicationWindowMs: DEDUPLICATION_WINDOW_MS,
        maxLoss: MAX_LOSS,
        maxSustainedP99Ms: MAX_SUSTAINED_P99_MS,
        gateways: plan.gateways,
        floors: { cryptoPerSecond: crypto, passThrough: floor.steps },
        registration: {
          devices: total,
          otaa: fleet.otaa,
          abp: fleet.abp,
          seconds: provisioned.seconds,
          devicesPerSecond: provisioned.devicesPerSecond,
          via: "in process, 4 registries, 1,000 devices per transaction",
        },
        joins: joinSteps,
        joined: joined.length,
        uplinks,
        confirmed,
        memory: { devices: total, peakRss: stackMemory.peakRss, rssAtEnd: stackMemory.rss },
      };
    } finally {
      await stack.stop("SIGINT");
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
  // A second data dir, after the first is gone: the disk holds one at a time.
  const manyDevices =
    memoryDevices > 0
      ? await memoryPhase({
          devices: memoryDevices,
          gateways: Math.min(plan.gateways, 12),
          env: STACK_ENV,
          rate: plan.name === "quick" ? 50 : 200,
          seconds: plan.name === "quick" ? 1 : 5,
          progress,
        })
      : undefined;
  done();
  const written = await writeReport(
    { ...report, manyDevices, profile: cpuProfile ? await stackProfile(profileDir) : undefined },
    outDir,
    date,
  );
  progress(`report: ${written.join(", ")}`);
  done();
}

const instances = parseInstances(flag("--instances"));
if (instances === undefined) await main();
else {
  await mkdir(outDir, { recursive: true });
  const written = await instancesBenchmark({
    plan,
    instances,
    gatewayEuis,
    env: STACK_ENV,
    outDir,
    progress: (text) => {
      progress(text);
      done();
    },
    held,
  });
  progress(`report: ${written.join(", ")}`);
  done();
}
