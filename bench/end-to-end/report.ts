/**
 * The benchmark's report: the raw results as JSON, the figures against the issue's targets as
 * a markdown table, and the throughput/latency chart as SVG, all under one date.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { throughputLatencySvg } from "./chart.ts";
import type { ClassAStepResult } from "./class-a-step.ts";
import type { MemoryResult } from "./memory-phase.ts";
import type { ProfileSummary } from "./profile-summary.ts";
import type { UplinkStepResult } from "./uplink-step.ts";

export interface Report {
  date: string;
  plan: string;
  machine: { node: string; cores: number };
  deduplicationWindowMs: number;
  maxLoss: number;
  maxSustainedP99Ms: number;
  /** Gateways in the pool (each frame heard by three); none enforces the duty cycle. */
  gateways: number;
  floors: { cryptoPerSecond: number; passThrough: UplinkStepResult[] };
  registration: {
    devices: number;
    otaa: number;
    abp: number;
    seconds: number;
    devicesPerSecond: number;
    via: string;
  };
  joins: ClassAStepResult[];
  /** OTAA devices whose join-accept they could read. */
  joined: number;
  uplinks: UplinkStepResult[];
  confirmed: ClassAStepResult[];
  /** The traffic run's stack. */
  memory: { devices: number; peakRss: number; rssAtEnd: number };
  /** The memory phase (absent when skipped). */
  manyDevices: MemoryResult | undefined;
  /** With `--cpu-prof`: the stack's profile over the traffic run, summed (profile-summary.ts). */
  profile: (ProfileSummary & { file: string }) | undefined;
}

/** The issue's targets (2 cores, embedded default). */
const TARGETS = {
  uplinksPerSecond: 10_000,
  p99BeyondWindowMs: 50,
  confirmedRate: 2_000,
  joinsPerSecond: 1_000,
  millionDevicesRss: 2 * 1024 ** 3,
  millionDevices: 1_000_000,
};

/** The highest step that lost at most `maxLoss` with a p99 of at most `maxP99Ms`. */
export function sustained(
  steps: readonly UplinkStepResult[],
  maxLoss: number,
  maxP99Ms: number,
): UplinkStepResult | undefined {
  return steps
    .filter((step) => step.loss <= maxLoss && step.p99 <= maxP99Ms)
    .sort((a, b) => b.sentRate - a.sentRate)[0];
}

/** The highest class A step whose answers all reached the gateway in time. */
export function allInTime(steps: readonly ClassAStepResult[]): ClassAStepResult | undefined {
  return steps
    .filter((step) => step.inTime === step.sent)
    .sort((a, b) => b.sentRate - a.sentRate)[0];
}

const int = (value: number | undefined) =>
  value === undefined || !Number.isFinite(value) ? "—" : Math.round(value).toLocaleString("en-US");
const ms = (value: number | undefined) =>
  value === undefined || !Number.isFinite(value) ? "—" : `${value.toFixed(1)} ms`;
const pct = (value: number) => `${(value * 100).toFixed(2)} %`;
const mib = (bytes: number | undefined) =>
  bytes ? `${(bytes / 1024 ** 2).toFixed(0)} MiB` : "not measured";
const verdict = (ok: boolean | undefined) => (ok === undefined ? "—" : ok ? "met" : "**short**");

export function markdown(report: Report): string {
  const best = sustained(report.uplinks, report.maxLoss, report.maxSustainedP99Ms);
  const floor = sustained(report.floors.passThrough, report.maxLoss, report.maxSustainedP99Ms);
  const joins = allInTime(report.joins);
  const confirmedOk = allInTime(report.confirmed);
  const beyond = best ? best.p99 - report.deduplicationWindowMs : undefined;
  const many = report.manyDevices;
  const lines = [
    `# End-to-end benchmark, ${report.date.slice(0, 10)} (${report.plan})`,
    "",
    `Node ${report.machine.node}, ${report.machine.cores} cores; \`lorastack start\` on its embedded default (SQLite); load generator and stack on the same machine. Devices written in process before the start (${int(report.registration.otaa)} OTAA for the join steps, ${int(report.registration.abp)} ABP with sessions for the traffic: none sends more than once per 10 s). A pool of ${int(report.gateways)} gateways (Semtech UDP), each frame heard by 3 of them, triples rotating; no gateway enforces the duty cycle (\`enforce_duty_cycle: false\`). Latency from the last reception to the MQTT delivery, deduplication window ${report.deduplicationWindowMs} ms included (reported beyond it separately); sustained = at most ${pct(report.maxLoss)} lost and p99 at most ${report.maxSustainedP99Ms} ms (beyond that the backlog grows).`,
    "",
    "## Figures against the targets",
    "",
    "| figure | measured | target | |",
    "|---|---|---|---|",
    `| sustained unique uplinks/s | ${int(best?.sentRate)} (${int((best?.sentRate ?? 0) * 3)} receptions/s) | ≥ ${int(TARGETS.uplinksPerSecond)} | ${verdict(best ? best.sentRate >= TARGETS.uplinksPerSecond * 0.98 : false)}${best ? ` (${((best.sentRate / TARGETS.uplinksPerSecond) * 100).toFixed(0)} % of it)` : ""} |`,
    `| latency p50 / p99 / max at that rate | ${ms(best?.p50)} / ${ms(best?.p99)} / ${ms(best?.max)} | | |`,
    `| p99 beyond the deduplication window | ${ms(beyond)} | ≤ 50 ms | ${verdict(beyond === undefined ? undefined : beyond <= TARGETS.p99BeyondWindowMs)} |`,
    `| confirmed uplinks/s with 100 % of ACKs in their window | ${int(confirmedOk?.sentRate)} | ≥ ${int(TARGETS.confirmedRate)} | ${verdict((confirmedOk?.sentRate ?? 0) >= TARGETS.confirmedRate * 0.98)} |`,
    `| joins/s with every join-accept in its window | ${int(joins?.answeredRate)} | ≥ ${int(TARGETS.joinsPerSecond)} | ${verdict((joins?.answeredRate ?? 0) >= TARGETS.joinsPerSecond * 0.98)} |`,
    `| stack CPU at the sustained rate | ${best ? `${best.systemCores.toFixed(2)} cores` : "—"} | | |`,
    `| generator CPU at the sustained rate | ${best ? `${best.generatorCores.toFixed(2)} cores` : "—"} | | |`,
    `| peak resident memory of the stack (${int(report.memory.devices)} registered devices, traffic run) | ${mib(report.memory.peakRss)} | | |`,
    `| resident with ${many ? int(many.devices) : "1,000,000"} registered devices${many && many.devices !== TARGETS.millionDevices ? " (not the target's million)" : ""} | ${mib(many?.rss)} (peak ${mib(many?.peakRss)}) | ≤ 2048 MiB with 1,000,000 | ${verdict(many === undefined || many.devices < TARGETS.millionDevices ? undefined : many.rss <= TARGETS.millionDevicesRss)} |`,
    `| device registration (${report.registration.via}) | ${int(report.registration.devicesPerSecond)} devices/s${many ? `; ${int(many.devicesPerSecond)} devices/s for ${int(many.devices)} (${many.provisionSeconds.toFixed(0)} s)` : ""} | | |`,
    "",
    "## Floors (same run) and our figures as ratios",
    "",
    "| floor | rate | our sustained uplinks/s as a share |",
    "|---|---|---|",
    `| LoRaWAN crypto: MIC + decrypt per second, one core | ${int(report.floors.cryptoPerSecond)} | ${best ? pct(best.sentRate / report.floors.cryptoPerSecond) : "—"} |`,
    `| pass-through: UDP → JSON → MQTT, no LoRaWAN work (sustained) | ${int(floor?.sentRate)}${floor && floor === report.floors.passThrough.at(-1) ? " (highest step tried)" : ""} | ${best && floor ? pct(best.sentRate / floor.sentRate) : "—"} |`,
    "",
    "## Uplink steps",
    "",
    "| target/s | sent/s | lost | p50 | p99 | max | stack cores | generator cores |",
    "|---|---|---|---|---|---|---|---|",
    ...report.uplinks.map(
      (step) =>
        `| ${int(step.targetRate)} | ${int(step.sentRate)} | ${pct(step.loss)} | ${ms(step.p50)} | ${ms(step.p99)} | ${ms(step.max)} | ${step.systemCores.toFixed(2)} | ${step.generatorCores.toFixed(2)} |`,
    ),
    "",
    "Pass-through floor steps:",
    "",
    "| target/s | sent/s | lost | p50 | p99 | max | floor cores | generator cores |",
    "|---|---|---|---|---|---|---|---|",
    ...report.floors.passThrough.map(
      (step) =>
        `| ${int(step.targetRate)} | ${int(step.sentRate)} | ${pct(step.loss)} | ${ms(step.p50)} | ${ms(step.p99)} | ${ms(step.max)} | ${step.systemCores.toFixed(2)} | ${step.generatorCores.toFixed(2)} |`,
    ),
    "",
    "## Class A downlinks at the gateway",
    "",
    `In time: the PULL_RESP reached the gateway at least 32.5 ms before its \`tmst\` (lora_pkt_fwd's JIT queue lead).`,
    "",
    "| kind | target/s | sent/s | answered | in time | min lead | answered/s | stack cores |",
    "|---|---|---|---|---|---|---|---|",
    ...[
      ...report.joins.map((step) => ["join-accept", step] as const),
      ...report.confirmed.map((step) => ["confirmed ACK", step] as const),
    ].map(
      ([kind, step]) =>
        `| ${kind} | ${int(step.targetRate)} | ${int(step.sentRate)} | ${step.answered}/${step.sent} | ${pct(step.inTimeShare)} | ${ms(step.minLeadMs)} | ${int(step.answeredRate)} | ${step.systemCores.toFixed(2)} |`,
    ),
    "",
    `OTAA devices joined in the join steps: ${int(report.joined)} of ${int(report.joins.reduce((sum, step) => sum + step.sent, 0))} join-requests.`,
    "",
    ...profileSection(report.profile),
    "## Memory with many registered devices",
    "",
    ...(many
      ? [
          `A fresh data dir with ${int(many.devices)} ABP devices (Identity, Network and Application Servers; ABP devices have no Join Server record) written in process in ${many.provisionSeconds.toFixed(0)} s (${int(many.devicesPerSecond)} devices/s); the stack was ready ${many.startSeconds.toFixed(1)} s after its start; then ${int(many.traffic.sent)} uplinks at ${int(many.traffic.targetRate)}/s from devices spread over the fleet (${int(many.traffic.delivered)} delivered, p99 ${ms(many.traffic.p99)}).`,
          "",
          "| registered devices | resident after the traffic | peak resident |",
          "|---|---|---|",
          `| ${int(many.devices)} | ${mib(many.rss)} | ${mib(many.peakRss)} |`,
        ]
      : ["Skipped (`--memory-devices 0`)."]),
    "",
  ];
  return lines.join("\n");
}

/** Where the stack's time went, from its CPU profile (two tables side by side as lists). */
function profileSection(profile: Report["profile"]): string[] {
  if (!profile) return [];
  const rows = Math.max(profile.byPart.length, profile.byCode.length, 0);
  const cell = (share: { name: string; share: number } | undefined) =>
    share ? `${share.name} | ${(share.share * 100).toFixed(1)} %` : " | ";
  const table: string[] = [];
  for (let i = 0; i < Math.min(rows, 12); i++)
    table.push(`| ${cell(profile.byPart[i])} | ${cell(profile.byCode[i])} |`);
  return [
    "## Where the stack's time goes",
    "",
    `The stack's V8 CPU profile (\`--cpu-prof\`) over its whole run (start-up, join, uplink and confirmed steps; the sampling profiler costs a few per cent, and the figures above were measured with it on): ${int(profile.busyMs / 1000)} s of main-thread time busy, idle left out. By part: the nearest of our folders up the stack (a library's time counts for the part that called it; "outside our code": promise and timer continuations with none of ours). By code: what was running (SQLite's native time shows as the statement call).`,
    "",
    "| part | share | code | share |",
    "|---|---|---|---|",
    ...table,
    "",
  ];
}

/** Writes `<date>.json`, `<date>.md` and `<date>.svg` into `dir`; returns their paths. */
export async function writeReport(report: Report, dir: string, date: string): Promise<string[]> {
  const paths = ["json", "md", "svg"].map((ext) => join(dir, `${date}.${ext}`));
  const best = sustained(report.uplinks, report.maxLoss, report.maxSustainedP99Ms);
  const mark = best && {
    x: best.sentRate,
    y: best.p99,
    label: `sustained: ${int(best.sentRate)}/s, p99 ${ms(best.p99)}`,
  };
  const svg = throughputLatencySvg(`lorastack end to end, ${date}`, mark, [
    {
      name: "stack p50",
      color: "#1f77b4",
      points: report.uplinks.map((step) => [step.sentRate, step.p50]),
    },
    {
      name: "stack p99",
      color: "#d62728",
      points: report.uplinks.map((step) => [step.sentRate, step.p99]),
    },
    {
      name: "pass-through p99",
      color: "#7f7f7f",
      dashed: true,
      points: report.floors.passThrough.map((step) => [step.sentRate, step.p99]),
    },
  ]);
  await writeFile(paths[0] as string, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(paths[1] as string, `${markdown(report)}\n`);
  await writeFile(paths[2] as string, svg);
  return paths;
}
