/**
 * `router_config`: the LNS's answer to `version`, built from the gateway's frequency plans.
 * Station 2.0.6 (`handle_router_config` in src/s2e.c) needs `hwspec` and an `sx1301_conf`,
 * takes its channel layout from `upchannels`, its data rates from `DRs`, its transmit power
 * limit from the region and `max_eirp`, and refuses downlinks while the region is unknown.
 */
import { type Band, latestBand } from "../../lorawan/band/index.ts";
import type { FrequencyPlan } from "../../lorawan/frequency-plans/index.ts";
import { type DataRateEntry, dataRateTable } from "./data-rates.ts";
import { errBandNotFound, errMixedBands, errNoFrequencyPlan } from "./errors.ts";
import { stringifyJson } from "./lossless-json.ts";
import { type Sx1301Conf, sx1301Conf } from "./sx1301-conf.ts";

/**
 * Region names station 2.0.6 knows (its s2e.c table: EU868, IL915, KR920, AS923-1, US915,
 * AU915; EU863, AS923JP and US902 are its old aliases). The others are named as The Things
 * Stack names them, `<A><B>` of the band id; station logs them as unknown and then refuses
 * downlinks, a limit of station, not of this table.
 */
const regionNames: ReadonlyMap<string, string> = new Map([
  ["EU_863_870", "EU868"],
  ["US_902_928", "US915"],
  ["AU_915_928", "AU915"],
  ["KR_920_923", "KR920"],
  ["AS_923", "AS923-1"],
  ["AS_923_2", "AS923-2"],
  ["AS_923_3", "AS923-3"],
  ["AS_923_4", "IL915"],
]);

/** The region name of a band id for router_config. */
export function regionName(bandId: string): string {
  const known = regionNames.get(bandId);
  if (known !== undefined) return known;
  const [first = "", second = ""] = bandId.split("_");
  return `${first}${second}`;
}

export interface RouterConfigOptions {
  /** The LNS's time (Unix seconds, float): station answers with RefTime for round trips. */
  readonly muxTime: number;
  /**
   * The station is a production build (`prod` in its version features): it ignores
   * nocca/nodc/nodwell and warns about them, so they are left out (as TTS does). Otherwise
   * they are set, so that the Gateway Server's own scheduler (duty cycle, dwell time) decides.
   */
  readonly production?: boolean;
  /** Antenna gain (dBi) written to each radio; station lowers its TX power by it. */
  readonly antennaGain?: number;
  /** NetIDs whose DevAddrs station forwards; null (the default) forwards all. */
  readonly netIds?: readonly number[] | null;
  /** JoinEUI ranges [first, last] station forwards join-requests of; null forwards all. */
  readonly joinEuiRanges?: readonly (readonly [bigint, bigint])[] | null;
}

export interface RouterConfig {
  readonly msgtype: "router_config";
  readonly NetID: readonly number[] | null;
  readonly JoinEui: readonly (readonly [bigint, bigint])[] | null;
  readonly region: string;
  readonly hwspec: string;
  readonly freq_range: readonly [number, number];
  readonly DRs: readonly DataRateEntry[];
  readonly upchannels: readonly (readonly [number, number, number])[];
  readonly sx1301_conf: readonly Sx1301Conf[];
  readonly max_eirp: number;
  readonly nocca?: boolean;
  readonly nodc?: boolean;
  readonly nodwell?: boolean;
  readonly bcning: null;
  readonly MuxTime: number;
}

function bandOf(plans: readonly FrequencyPlan[]): Band {
  const [first] = plans;
  if (first === undefined) throw errNoFrequencyPlan.create({});
  for (const plan of plans)
    if (plan.bandId !== first.bandId)
      throw errMixedBands.create({ first: first.id, other: plan.id });
  const band = latestBand(first.bandId);
  if (band === undefined)
    throw errBandNotFound.create({ band_id: first.bandId, plan_id: first.id });
  return band;
}

// Station takes upchannel data rates in 0..7 only (it rejects the whole router_config
// otherwise), which every sub-GHz plan's uplink channels respect.
function upchannels(plans: readonly FrequencyPlan[]): [number, number, number][] {
  const channels: [number, number, number][] = [];
  for (const plan of plans) {
    for (const channel of plan.uplinkChannels)
      channels.push([channel.frequency, channel.minDataRate, Math.min(channel.maxDataRate, 7)]);
    for (const single of [plan.loraStandardChannel, plan.fskChannel])
      if (single !== undefined && single.dataRate <= 7)
        channels.push([single.frequency, single.dataRate, single.dataRate]);
  }
  return channels;
}

// The transmit range as TTS takes it: the first plan's transmitting radio; the plans'
// sub-bands when no radio says.
function frequencyRange(plans: readonly FrequencyPlan[]): [number, number] {
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  for (const plan of plans) {
    const tx = plan.radios.find((radio) => radio.tx !== undefined)?.tx;
    const ranges = tx === undefined ? plan.subBands : [tx];
    for (const range of ranges) {
      min = Math.min(min, range.minFrequency);
      max = Math.max(max, range.maxFrequency);
    }
  }
  return [min, max];
}

/** The router_config for a gateway with these frequency plans (one band). */
export function buildRouterConfig(
  plans: readonly FrequencyPlan[],
  options: RouterConfigOptions,
): RouterConfig {
  const band = bandOf(plans);
  const debugFlags = options.production === true ? {} : { nocca: true, nodc: true, nodwell: true };
  return {
    msgtype: "router_config",
    NetID: options.netIds ?? null,
    JoinEui: options.joinEuiRanges ?? null,
    region: regionName(band.id),
    hwspec: `sx1301/${plans.length}`,
    freq_range: frequencyRange(plans),
    DRs: dataRateTable(band),
    upchannels: upchannels(plans),
    sx1301_conf: plans.map((plan) => sx1301Conf(plan, options.antennaGain ?? 0)),
    max_eirp: Math.min(...plans.map((plan) => plan.maxEirp)),
    ...debugFlags,
    bcning: null,
    MuxTime: options.muxTime,
  };
}

/** The router_config as the text frame to send. */
export function encodeRouterConfig(config: RouterConfig): string {
  return stringifyJson(config);
}
