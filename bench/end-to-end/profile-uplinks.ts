/**
 * Profiling aid for the uplink path (not part of `npm run bench`): starts the stack with
 * `--cpu-prof`, joins a few hundred devices slowly, sends unconfirmed uplinks at the rates
 * given and prints each step. `node bench/end-to-end/profile-uplinks.ts --out <dir> 500 1000`.
 */
import { resolve } from "node:path";
import { startLorastack } from "../../test/harness/lorastack-process.ts";
import { classAStep } from "./class-a-step.ts";
import { dataFrames, joinFrame, makeDevices } from "./frames.ts";
import { BenchGateway } from "./gateway-fleet.ts";
import { Integration } from "./integration.ts";
import { JOIN_EUI, provision } from "./provision.ts";
import { uplinkStep } from "./uplink-step.ts";

const args = process.argv.slice(2);
const outIndex = args.indexOf("--out");
const outDir = outIndex >= 0 ? resolve(args[outIndex + 1] as string) : undefined;
const rates = args.filter((arg, i) => /^\d+$/.test(arg) && args[i - 1] !== "--out").map(Number);
const deviceCount = Number(process.env.DEVICES ?? 300);
const seconds = Number(process.env.SECONDS ?? 10);
const gatewayCount = 3;
const gatewayEuis = Array.from(
  { length: gatewayCount },
  (_, i) => `B0B0B0B0000000${(i + 1).toString(16).padStart(2, "0")}`,
);
const stack = await startLorastack({
  env: {
    LORASTACK_NS_NET_ID: "000013",
    LORASTACK_NS_DEV_ADDR_PREFIXES: "26000000/7",
    NODE_OPTIONS: [
      outDir ? `--cpu-prof --cpu-prof-dir=${outDir}` : "",
      process.env.STACK_NODE_OPTIONS ?? "",
    ].join(" "),
  },
  timeoutMs: 60_000,
});
try {
  const devices = makeDevices(deviceCount, JOIN_EUI);
  const provisioned = await provision(stack, gatewayEuis, devices, () => {});
  const origin = performance.now();
  const gateways = gatewayEuis.map((eui, i) => new BenchGateway(i, eui, origin));
  await Promise.all(gateways.map((g) => g.start(stack.listeners.get("udp") as string)));
  const integration = await Integration.connect(
    stack.listeners.get("mqtt") as string,
    provisioned.integrationKey,
  );
  const pid = stack.child.pid as number;
  for (let attempt = 0; attempt < 4; attempt++) {
    const unjoined = devices.filter((d) => !d.radio.session);
    if (unjoined.length === 0) break;
    await classAStep({
      frames: unjoined.map((d) => joinFrame(d, gateways.length)),
      devices,
      rate: 30,
      gateways,
      systemPid: pid,
      idleMs: 7_000,
    });
  }
  const joined = devices.filter((d) => d.radio.session);
  console.log(`joined ${joined.length}/${devices.length}`);
  for (const rate of rates) {
    const frames = dataFrames(joined, rate * seconds, gateways.length, false);
    const step = await uplinkStep({
      frames,
      rate,
      gateways,
      integration,
      systemPid: pid,
      idleMs: 3000,
    });
    console.log(JSON.stringify(step));
  }
  if (process.env.METRICS) {
    const metrics = await (await fetch(`http://${stack.listeners.get("metrics")}/metrics`)).text();
    console.log(
      metrics
        .split("\n")
        .filter((line) => /^lorastack_(events|ns_|as_|gs_)/.test(line))
        .join("\n"),
    );
  }
  await integration.close();
  await Promise.all(gateways.map((g) => g.stop()));
} finally {
  await stack.stop("SIGINT");
}
