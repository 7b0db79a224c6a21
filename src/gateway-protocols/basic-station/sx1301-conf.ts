/**
 * One `sx1301_conf` entry of router_config from a frequency plan: the two radios' centre
 * frequencies and the IF channels as offsets from their radio. Station reads the chip type,
 * RSSI offset, TX enable and clock source from its own `station.conf`, so only what depends
 * on the plan is sent (as The Things Stack sends it).
 */

import { latestBand } from "../../lorawan/band/index.ts";
import type { FrequencyPlan, SingleDataRateChannel } from "../../lorawan/frequency-plans/index.ts";
import { errChannelRadio, errPlanWithoutRadios, errTooManyChannels } from "./errors.ts";

/** An SX1301 has 8 multi-SF channels, one LoRa standard channel and one FSK channel. */
export const MULTI_SF_CHANNELS = 8;

export interface RadioConf {
  readonly enable: boolean;
  readonly freq: number;
  readonly antenna_gain?: number;
}

export interface IfChannelConf {
  readonly enable: boolean;
  readonly radio?: number;
  readonly if?: number;
  /** Hz; LoRa standard channel only. */
  readonly bandwidth?: number;
  readonly spread_factor?: number;
  /** bit/s; FSK channel only. */
  readonly datarate?: number;
}

export type Sx1301Conf = { readonly [key: string]: RadioConf | IfChannelConf };

function ifOffset(
  plan: FrequencyPlan,
  frequency: number,
  radio: number | undefined,
): IfChannelConf {
  const centre = radio === undefined ? undefined : plan.radios[radio]?.centerFrequency;
  if (radio === undefined || centre === undefined)
    throw errChannelRadio.create({ frequency, plan_id: plan.id });
  return { enable: true, radio, if: frequency - centre };
}

function singleChannel(
  plan: FrequencyPlan,
  channel: SingleDataRateChannel | undefined,
  modulation: "lora" | "fsk",
): IfChannelConf {
  if (channel === undefined) return { enable: false };
  const conf = ifOffset(plan, channel.frequency, channel.radio);
  const rate = latestBand(plan.bandId)?.dataRates.find((dr) => dr.index === channel.dataRate);
  const m = rate?.modulation;
  if (modulation === "lora" && m?.kind === "lora")
    return { ...conf, bandwidth: m.bandwidth, spread_factor: m.spreadingFactor };
  if (modulation === "fsk" && m?.kind === "fsk") return { ...conf, datarate: m.bitRate };
  return conf;
}

/** The sx1301_conf entry of one plan; `antennaGain` (dBi) goes on each radio when not 0. */
export function sx1301Conf(plan: FrequencyPlan, antennaGain: number): Sx1301Conf {
  if (plan.radios.length === 0) throw errPlanWithoutRadios.create({ plan_id: plan.id });
  if (plan.uplinkChannels.length > MULTI_SF_CHANNELS)
    throw errTooManyChannels.create({ plan_id: plan.id, count: plan.uplinkChannels.length });
  const conf: Record<string, RadioConf | IfChannelConf> = {};
  plan.radios.forEach((radio, index) => {
    conf[`radio_${index}`] = {
      enable: radio.enabled,
      freq: radio.centerFrequency,
      ...(antennaGain !== 0 ? { antenna_gain: antennaGain } : {}),
    };
  });
  for (let index = 0; index < MULTI_SF_CHANNELS; index++) {
    const channel = plan.uplinkChannels[index];
    conf[`chan_multiSF_${index}`] =
      channel === undefined ? { enable: false } : ifOffset(plan, channel.frequency, channel.radio);
  }
  conf.chan_Lora_std = singleChannel(plan, plan.loraStandardChannel, "lora");
  conf.chan_FSK = singleChannel(plan, plan.fskChannel, "fsk");
  return conf;
}
