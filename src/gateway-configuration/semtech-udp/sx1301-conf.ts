import type { Band } from "../../lorawan/band/types.ts";
import type {
  FrequencyPlan,
  Radio,
  SingleDataRateChannel,
} from "../../lorawan/frequency-plans/index.ts";
import { errNoRadios } from "../errors.ts";
import { referenceTxLut, type TxLutEntry } from "./tx-lut.ts";

/** `radio_N` of `SX1301_conf`. Optional keys are left out when unset, as The Things Stack does. */
export interface RadioConf {
  enable: boolean;
  type?: string;
  freq: number;
  rssi_offset: number;
  tx_enable: boolean;
  tx_freq_min?: number;
  tx_freq_max?: number;
  tx_notch_freq?: number;
}

/** `chan_multiSF_N`, `chan_Lora_std` or `chan_FSK`; a disabled channel is `{"enable": false}`. */
export type ChannelConf =
  | { enable: false }
  | {
      enable: true;
      radio: number;
      if: number;
      bandwidth?: number;
      spread_factor?: number;
      datarate?: number;
    };

/** `lbt_cfg`: listen before talk on the plan's first 8 downlink channels. */
export interface LbtConf {
  enable: boolean;
  rssi_target: number;
  chan_cfg: { freq_hz: number; scan_time_us: number }[];
  sx127x_rssi_offset: number;
}

/**
 * `SX1301_conf` of a `global_conf.json`. Keys are in the order The Things Stack and Semtech's
 * reference file write them: `lorawan_public`, `clksrc`, `antenna_gain`, `lbt_cfg`,
 * `radio_N`, `chan_multiSF_N`, `chan_Lora_std`, `chan_FSK`, `tx_lut_N`.
 */
export type Sx1301Conf = {
  lorawan_public: boolean;
  clksrc: number;
  antenna_gain: number;
  lbt_cfg?: LbtConf;
} & Record<`radio_${number}`, RadioConf> &
  Record<`chan_multiSF_${number}`, ChannelConf> & {
    chan_Lora_std?: ChannelConf;
    chan_FSK?: ChannelConf;
  } & Record<`tx_lut_${number}`, TxLutEntry>;

/** The SX1301 has 8 multi-SF IF chains; fewer plan channels leave the rest disabled. */
const multiSfChains = 8;
/** The FSK IF chain's bandwidth, as the reference file and The Things Stack set it. */
const fskBandwidth = 125_000;

function radioConf(radio: Radio): RadioConf {
  const conf: RadioConf = {
    enable: radio.enabled,
    type: radio.chipType,
    freq: radio.centerFrequency,
    rssi_offset: radio.rssiOffset,
    tx_enable: radio.tx !== undefined,
  };
  if (radio.tx) {
    conf.tx_freq_min = radio.tx.minFrequency;
    conf.tx_freq_max = radio.tx.maxFrequency;
    if (radio.tx.notchFrequency) conf.tx_notch_freq = radio.tx.notchFrequency;
  }
  return conf;
}

/** The IF offset of `frequency` from the centre of `radio`'s front end. */
function intermediateFrequency(plan: FrequencyPlan, radio: number, frequency: number): number {
  return frequency - (plan.radios[radio]?.centerFrequency ?? 0);
}

function loraStandardChannel(
  plan: FrequencyPlan,
  band: Band,
  channel: SingleDataRateChannel | undefined,
): ChannelConf {
  const modulation =
    channel && band.dataRates.find((dr) => dr.index === channel.dataRate)?.modulation;
  if (!channel || modulation?.kind !== "lora") return { enable: false };
  return {
    enable: true,
    radio: channel.radio,
    if: intermediateFrequency(plan, channel.radio, channel.frequency),
    bandwidth: modulation.bandwidth,
    spread_factor: modulation.spreadingFactor,
  };
}

function fskChannel(
  plan: FrequencyPlan,
  band: Band,
  channel: SingleDataRateChannel | undefined,
): ChannelConf {
  const modulation =
    channel && band.dataRates.find((dr) => dr.index === channel.dataRate)?.modulation;
  if (!channel || modulation?.kind !== "fsk") return { enable: false };
  return {
    enable: true,
    radio: channel.radio,
    if: intermediateFrequency(plan, channel.radio, channel.frequency),
    bandwidth: fskBandwidth,
    datarate: modulation.bitRate,
  };
}

/**
 * The concentrator configuration of a frequency plan, as The Things Stack builds it: the
 * plan's radios, one multi-SF IF chain per uplink channel (at least 8, the rest disabled),
 * the LoRa standard and FSK channels with the band's modulation of their data rate (disabled
 * when the plan has none), listen before talk when the plan asks for it, and the reference TX
 * gain table. `band` is the plan's band (the newest regional parameters version). A plan
 * without radios is `frequency_plan_without_radios`.
 */
export function sx1301Conf(plan: FrequencyPlan, band: Band): Sx1301Conf {
  if (plan.radios.length === 0) throw errNoRadios.create({ frequency_plan_id: plan.id });
  const conf: Record<string, unknown> = {
    lorawan_public: true,
    clksrc: plan.clockSource ?? 0,
    antenna_gain: 0,
  };
  if (plan.listenBeforeTalk) {
    const { rssiTarget, rssiOffset, scanTimeUs } = plan.listenBeforeTalk;
    conf.lbt_cfg = {
      enable: true,
      rssi_target: rssiTarget,
      chan_cfg: (plan.downlinkChannels ?? [])
        .slice(0, 8)
        .map((channel) => ({ freq_hz: channel.frequency, scan_time_us: scanTimeUs })),
      sx127x_rssi_offset: rssiOffset,
    } satisfies LbtConf;
  }
  plan.radios.forEach((radio, index) => {
    conf[`radio_${index}`] = radioConf(radio);
  });
  const chains = Math.max(multiSfChains, plan.uplinkChannels.length);
  for (let index = 0; index < chains; index++) {
    const channel = plan.uplinkChannels[index];
    const radio = channel?.radio ?? 0;
    conf[`chan_multiSF_${index}`] = channel
      ? { enable: true, radio, if: intermediateFrequency(plan, radio, channel.frequency) }
      : { enable: false };
  }
  conf.chan_Lora_std = loraStandardChannel(plan, band, plan.loraStandardChannel);
  conf.chan_FSK = fskChannel(plan, band, plan.fskChannel);
  referenceTxLut.forEach((entry, index) => {
    conf[`tx_lut_${index}`] = { ...entry };
  });
  return conf as Sx1301Conf;
}
