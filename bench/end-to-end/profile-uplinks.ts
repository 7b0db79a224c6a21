/**
 * Profiling aid for the uplink path (not part of `npm run bench`): provisions ABP devices in
 * process, starts the stack with `--cpu-prof`, sends unconfirmed uplinks at the rates given
 * (each device at most once per 10 s) and prints each step.
 * `node bench/end-to-end/profile-uplinks.ts --out <dir> 500 1000`.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startLorastack } from "../../test/harness/lorastack-process.ts";
import { bulkProvision } from "./bulk-provision.ts";
import { abpDevice, Rotation } from "./frames.ts";
import { BenchGateway } from "./gateway-fleet.ts";
import { Integration } from "./integration.ts";
import { MIN_UPLINK_INTERVAL_S } from "./plan.ts";
import { uplinkStep } from "./uplink-step.ts";

const args = process.argv.slice(2);
const outIndex = args.indexOf("--out");
const outDir = outIndex >= 0 ? resolve(args[outIndex + 1] as string) : undefined;
const rates = args.filter((arg, i) => /^\d+$/.test(arg) && args[i - 1] !== "--out").map(Number);
const deviceCount = Math.max(1000, ...rates.map((rate) => rate * MIN_UPLINK_INTERVAL_S));
const seconds = Number(process.env.SECONDS ?? 10);
const gatewayEuis = Array.from({ length: 60 }, (_, i) =>
  `B0B0B0B0${(i + 1).toString(16).padStart(8, "0")}`.toUpperCase(),
);
const env = { LORASTACK_NS_NET_ID: "000013", LORASTACK_NS_DEV_ADDR_PREFIXES: "26000000/7" };
const dataDir = await mkdtemp(join(tmpdir(), "lorastack-profile-"));
try {
  const provisioned = await bulkProvision({
    dataDir,
    env,
    gatewayEuis,
    fleet: { otaa: 0, abp: deviceCount },
  });
  const stack = await startLorastack({
    dataDir,
    env: {
      ...env,
      NODE_OPTIONS: [
        outDir ? `--cpu-prof --cpu-prof-dir=${outDir}` : "",
        process.env.STACK_NODE_OPTIONS ?? "",
      ].join(" "),
    },
    timeoutMs: 120_000,
  });
  try {
    const origin = performance.now();
    const gateways = gatewayEuis.map((eui, i) => new BenchGateway(i, eui, origin));
    await Promise.all(gateways.map((g) => g.start(stack.listeners.get("udp") as string)));
    const integration = await Integration.connect(
      stack.listeners.get("mqtt") as string,
      provisioned.integrationKey,
    );
    const rotation = new Rotation(Array.from({ length: deviceCount }, (_, i) => abpDevice(i)));
    for (const rate of rates) {
      const step = await uplinkStep({
        frames: rotation.dataFrames(rate * seconds, gateways.length, false),
        rate,
        gateways,
        integration,
        systemPid: stack.child.pid as number,
        idleMs: 3000,
      });
      console.log(JSON.stringify(step));
    }
    if (process.env.METRICS) {
      const metrics = await (
        await fetch(`http://${stack.listeners.get("metrics")}/metrics`)
      ).text();
      const ours = /^lorastack_(events|ns_|as_|gs_)/;
      console.log(
        metrics
          .split("\n")
          .filter((line) => ours.test(line))
          .join("\n"),
      );
    }
    await integration.close();
    await Promise.all(gateways.map((g) => g.stop()));
  } finally {
    await stack.stop("SIGINT");
  }
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
