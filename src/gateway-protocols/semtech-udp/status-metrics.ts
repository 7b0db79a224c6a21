import type { GatewayStat } from "./stat.ts";

/** A status report as The Things Stack's `GatewayStatus` keeps it: metrics and versions maps. */
export interface StatusMaps {
  readonly metrics: Record<string, number>;
  readonly versions: Record<string, string>;
}

// TTS's names (pkg/ttnpb/udp, convertStatus): the six counters always, with 0 for an absent
// one, the others only when sent.
const alwaysMetrics: readonly [string, keyof GatewayStat][] = [
  ["rxin", "received"],
  ["rxok", "receivedOk"],
  ["rxfw", "forwarded"],
  ["ackr", "acknowledgedPercent"],
  ["txin", "downlinksReceived"],
  ["txok", "transmitted"],
];
const optionalMetrics: readonly [string, keyof GatewayStat][] = [
  ["temp", "temperature"],
  ["lpps", "lostPps"],
  ["lmnw", "linkMoteLast"],
  ["lmst", "linkMoteFirst"],
  ["lmok", "linkMoteOk"],
];

/**
 * The `metrics` and `versions` of a `GatewayStatus` for this report, named as The Things Stack
 * names them (`rxin`, `txok`, `fpga`, `hal`, ...). The caller adds its own server version.
 */
export function statusMaps(stat: GatewayStat): StatusMaps {
  const metrics: Record<string, number> = {};
  for (const [name, property] of alwaysMetrics) metrics[name] = (stat[property] as number) ?? 0;
  for (const [name, property] of optionalMetrics) {
    const value = stat[property];
    if (typeof value === "number") metrics[name] = value;
  }
  const versions: Record<string, string> = {};
  if (stat.fpgaVersion !== undefined) versions.fpga = String(stat.fpgaVersion);
  if (stat.dspVersion !== undefined) versions.dsp = String(stat.dspVersion);
  if (stat.halVersion !== undefined) versions.hal = stat.halVersion;
  return { metrics, versions };
}
