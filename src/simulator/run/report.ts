import type { DeviceStats } from "../device/index.ts";
import type { MediumStats } from "../medium.ts";

/** What a run saw, summed over its devices: the final table and the `--json` output. */
export interface SimulationReport {
  durationS: number;
  gateways: number;
  devices: number;
  joined: number;
  joinRequests: number;
  joins: number;
  joinFailures: number;
  uplinks: number;
  uplinksPerSecond: number;
  confirmedUplinks: number;
  retransmissions: number;
  acknowledged: number;
  unacknowledged: number;
  downlinks: { rx1: number; rx2: number; classC: number };
  lateDownlinks: number;
  missedDownlinks: number;
  micFailures: number;
  macCommandsApplied: number;
  macCommandsRefused: number;
  /** Devices per current data rate index. */
  dataRates: Record<string, number>;
  /** Receptions per uplink (how many gateways heard a frame, on average). */
  receptionsPerUplink: number;
}

export function summarize(
  stats: readonly DeviceStats[],
  medium: MediumStats,
  context: { durationS: number; gateways: number },
): SimulationReport {
  const sum = (pick: (s: DeviceStats) => number) => stats.reduce((t, s) => t + pick(s), 0);
  const dataRates: Record<string, number> = {};
  for (const s of stats) dataRates[`DR${s.dataRate}`] = (dataRates[`DR${s.dataRate}`] ?? 0) + 1;
  const uplinks = sum((s) => s.uplinks);
  return {
    durationS: Math.round(context.durationS * 10) / 10,
    gateways: context.gateways,
    devices: stats.length,
    joined: stats.filter((s) => s.joined).length,
    joinRequests: sum((s) => s.joinRequests),
    joins: sum((s) => s.joins),
    joinFailures: sum((s) => s.joinFailures),
    uplinks,
    uplinksPerSecond:
      context.durationS > 0 ? Math.round((uplinks / context.durationS) * 10) / 10 : 0,
    confirmedUplinks: sum((s) => s.confirmedUplinks),
    retransmissions: sum((s) => s.retransmissions),
    acknowledged: sum((s) => s.acknowledged),
    unacknowledged: sum((s) => s.unacknowledged),
    downlinks: {
      rx1: sum((s) => s.downlinks.rx1),
      rx2: sum((s) => s.downlinks.rx2),
      classC: sum((s) => s.downlinks.classC),
    },
    lateDownlinks: sum((s) => s.lateDownlinks),
    missedDownlinks: sum((s) => s.missedDownlinks),
    micFailures: sum((s) => s.micFailures),
    macCommandsApplied: sum((s) => s.macCommandsApplied),
    macCommandsRefused: sum((s) => s.macCommandsRefused),
    dataRates,
    receptionsPerUplink:
      medium.uplinks > 0 ? Math.round((medium.receptions / medium.uplinks) * 100) / 100 : 0,
  };
}

/** The live line: joins, uplinks, downlinks and faults so far. */
export function progressLine(report: SimulationReport): string {
  const down = report.downlinks.rx1 + report.downlinks.rx2 + report.downlinks.classC;
  return (
    `${report.durationS.toFixed(0)}s · joined ${report.joined}/${report.devices}` +
    ` · uplinks ${report.uplinks} (${report.uplinksPerSecond}/s)` +
    ` · downlinks ${down} (late ${report.lateDownlinks}, missed ${report.missedDownlinks})` +
    ` · MIC failures ${report.micFailures}`
  );
}

/** The final table, one figure a row. */
export function reportTable(report: SimulationReport): string {
  const rows: [string, string][] = [
    ["duration", `${report.durationS} s`],
    ["gateways", String(report.gateways)],
    ["devices joined", `${report.joined} of ${report.devices}`],
    [
      "join-requests / joins / failed",
      `${report.joinRequests} / ${report.joins} / ${report.joinFailures}`,
    ],
    [
      "uplinks",
      `${report.uplinks} (${report.uplinksPerSecond}/s, ${report.receptionsPerUplink} receptions each)`,
    ],
    [
      "confirmed / acknowledged / given up",
      `${report.confirmedUplinks} / ${report.acknowledged} / ${report.unacknowledged}`,
    ],
    ["retransmissions", String(report.retransmissions)],
    [
      "downlinks in RX1 / RX2 / class C",
      `${report.downlinks.rx1} / ${report.downlinks.rx2} / ${report.downlinks.classC}`,
    ],
    ["downlinks late / missed", `${report.lateDownlinks} / ${report.missedDownlinks}`],
    ["MIC failures", String(report.micFailures)],
    [
      "MAC commands applied / refused",
      `${report.macCommandsApplied} / ${report.macCommandsRefused}`,
    ],
    [
      "data rates now",
      Object.entries(report.dataRates)
        .map(([dr, n]) => `${dr}: ${n}`)
        .join(", "),
    ],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  return `${rows.map(([name, value]) => `${name.padEnd(width)}  ${value}`).join("\n")}\n`;
}
