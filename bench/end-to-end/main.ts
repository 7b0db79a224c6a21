/**
 * The end-to-end benchmark (`npm run bench`): starts `bin/lorastack start` on its embedded
 * default (temporary data dir, ephemeral ports), registers devices through the API, drives it
 * from a light load generator of its own (precomputed frames, batched PUSH_DATA from three
 * gateway sockets, an MQTT.js integration) at rising load, and writes the report to
 * `bench/results/<date>.{json,md,svg}`. Floors are measured in the same run.
 *
 * Flags: `--quick` (seconds, small numbers), `--cpu-prof` (the stack writes a V8 CPU profile
 * into the results folder), `--out <dir>` (results folder).
 */
import { spawn } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { startLorastack } from "../../test/harness/lorastack-process.ts";
import { type ClassAStepResult, classAStep } from "./class-a-step.ts";
import { cryptoFloor } from "./crypto-floor.ts";
import { type BenchDevice, dataFrames, joinFrame, makeDevices } from "./frames.ts";
import { BenchGateway } from "./gateway-fleet.ts";
import { Integration } from "./integration.ts";
import { PLANS } from "./plan.ts";
import { memory } from "./process-stats.ts";
import { JOIN_EUI, provision } from "./provision.ts";
import { type Report, writeReport } from "./report.ts";
import { type UplinkStepResult, uplinkStep } from "./uplink-step.ts";

const args = process.argv.slice(2);
const plan = PLANS[args.includes("--quick") ? "quick" : "full"];
const cpuProfile = args.includes("--cpu-prof");
const outIndex = args.indexOf("--out");
const outDir = resolve(
  outIndex >= 0 ? (args[outIndex + 1] as string) : join(import.meta.dirname, "..", "results"),
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

const progress = (text: string) => {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${text}`);
  else process.stderr.write(`${text}\n`);
};
const done = () => process.stderr.write(process.stderr.isTTY ? "\n" : "");

const gatewayEuis = Array.from(
  { length: plan.gateways },
  (_, i) => `B0B0B0B0000000${(i + 1).toString(16).padStart(2, "0")}`,
);
const origin = performance.now();

async function connectGateways(udpAddress: string): Promise<BenchGateway[]> {
  const gateways = gatewayEuis.map((eui, i) => new BenchGateway(i, eui, origin));
  await Promise.all(gateways.map((gateway) => gateway.start(udpAddress)));
  return gateways;
}

const describeUplinks = (step: UplinkStepResult) =>
  `${Math.round(step.sentRate)}/s sent, ${(step.loss * 100).toFixed(2)}% lost, p99 ${step.p99.toFixed(0)} ms`;

/** Rising uplink steps until one loses more than MAX_LOSS. */
async function uplinkSteps(
  label: string,
  rates: readonly number[],
  devices: readonly BenchDevice[],
  gateways: readonly BenchGateway[],
  integration: Integration,
  systemPid: number,
): Promise<UplinkStepResult[]> {
  const steps: UplinkStepResult[] = [];
  for (const rate of rates) {
    progress(`${label}: preparing ${rate}/s`);
    const frames = dataFrames(
      devices,
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
    if (step.loss > MAX_LOSS || step.p99 > MAX_SUSTAINED_P99_MS || step.sentRate < rate * 0.9)
      break;
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
  // Floor devices: ABP sessions whose DevAddr is their index (the pass-through's topic).
  const devices = makeDevices(Math.min(plan.devices, 2000), JOIN_EUI);
  for (const device of devices) {
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
  }
  const steps = await uplinkSteps(
    "pass-through floor",
    plan.floorRates,
    devices,
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
  frames: (rate: number) => ReturnType<typeof joinFrame>[],
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

async function main(): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const date = new Date().toISOString().slice(0, 10);
  progress("crypto floor: MIC + decrypt on one core");
  const crypto = cryptoFloor(plan.name === "quick" ? 1 : 3, plan.name === "quick" ? 100 : 300);
  done();
  const floor = await passThroughFloor();

  progress("starting lorastack");
  const stack = await startLorastack({
    env: {
      LORASTACK_NS_NET_ID: "000013",
      LORASTACK_NS_DEV_ADDR_PREFIXES: "26000000/7",
      ...(cpuProfile ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${outDir}` } : {}),
    },
    timeoutMs: 60_000,
  });
  const pid = stack.child.pid as number;
  try {
    const devices = makeDevices(plan.devices, JOIN_EUI);
    const provisioned = await provision(stack, gatewayEuis, devices, (count) => {
      if (count % 100 === 0 || count === devices.length)
        progress(`registering devices: ${count}/${devices.length}`);
    });
    done();
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
        const slice = devices.slice(nextToJoin, nextToJoin + count);
        nextToJoin += slice.length;
        return slice.map((device) => joinFrame(device, gateways.length));
      },
      devices,
      gateways,
      pid,
    );
    // Whoever did not join yet (the rest, or an accept that came too late) joins slowly now.
    for (let attempt = 0; attempt < 3; attempt++) {
      const unjoined = devices.filter((device) => !device.radio.session);
      if (unjoined.length === 0) break;
      await classAStep({
        frames: unjoined.map((device) => joinFrame(device, gateways.length)),
        devices,
        rate: Math.min(plan.joinRates[0] ?? 50, 100),
        gateways,
        systemPid: pid,
        idleMs: 7_000,
      });
    }
    const joined = devices.filter((device) => device.radio.session);
    progress(`joined: ${joined.length}/${devices.length}`);
    done();

    const uplinks = await uplinkSteps(
      "uplinks",
      plan.uplinkRates,
      joined,
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
      (count) => dataFrames(joined, count, gateways.length, true),
      devices,
      gateways,
      pid,
    );
    const stackMemory = memory(pid);
    await integration.close();
    await Promise.all(gateways.map((gateway) => gateway.stop()));

    const report: Report = {
      date: new Date().toISOString(),
      plan: plan.name,
      machine: { node: process.version, cores: (await import("node:os")).availableParallelism() },
      deduplicationWindowMs: DEDUPLICATION_WINDOW_MS,
      maxLoss: MAX_LOSS,
      maxSustainedP99Ms: MAX_SUSTAINED_P99_MS,
      floors: {
        cryptoPerSecond: crypto,
        passThrough: floor.steps,
      },
      registration: {
        devices: devices.length,
        devicesPerSecond: provisioned.devicesPerSecond,
        via: "REST API, 4 registries",
      },
      joins: joinSteps,
      joined: joined.length,
      uplinks,
      confirmed,
      memory: { peakRss: stackMemory.peakRss, rssAtEnd: stackMemory.rss },
      cpuProfile: cpuProfile ? outDir : undefined,
    };
    const written = await writeReport(report, outDir, date);
    progress(`report: ${written.join(", ")}`);
    done();
  } finally {
    await stack.stop("SIGINT");
  }
}

await main();
