/**
 * A device's radio state as LoRaWAN leaves it to the device: its channels, data rate, TX power,
 * repetitions and receive window parameters, with the band rules that derive RX1 and RX2.
 */
import {
  type Band,
  getBand,
  getDataRate,
  type RegionalParametersVersion,
  rx1Channel,
  rx1DataRate,
} from "../../lorawan/band/index.ts";
import type { CfList } from "../../lorawan/codec/index.ts";
import type { FrequencyPlan } from "../../lorawan/frequency-plans/index.ts";
import type { LoraRate } from "../radio.ts";
import { errProfile } from "./errors.ts";
import type { DeviceVersion } from "./profile.ts";

/** One uplink channel the device knows; `downlinkFrequencyHz` set by DlChannelReq. */
export interface DeviceChannel {
  frequencyHz: number;
  minDataRate: number;
  maxDataRate: number;
  enabled: boolean;
  downlinkFrequencyHz?: number;
}

/** The regional parameters a device of each LoRaWAN version follows unless told otherwise. */
export const DEFAULT_REGIONAL_PARAMETERS: Readonly<
  Record<DeviceVersion, RegionalParametersVersion>
> = {
  "1.0.2": "1.0.2-b",
  "1.0.3": "1.0.3-a",
  "1.0.4": "RP002-1.0.3",
  "1.1": "1.1-b",
};

export interface RadioSettings {
  readonly band: Band;
  /** By channel index; holes are channels the device does not have. */
  channels: (DeviceChannel | undefined)[];
  dataRate: number;
  txPowerIndex: number;
  nbTrans: number;
  rx1DataRateOffset: number;
  rx2: { frequencyHz: number; dataRate: number };
  /** RECEIVE_DELAY1 in milliseconds (RX2 follows one second later). */
  receiveDelayMs: number;
  uplinkDwellTime: boolean;
  downlinkDwellTime: boolean;
  /** 1 / 2^MaxDCycle. */
  maxDutyCycle: number;
  adrAckLimit: number;
  adrAckDelay: number;
}

/**
 * The settings a device boots with: the band's defaults, and the plan's channels enabled. A
 * device activated by personalisation is preset with every channel of the plan; an OTAA device
 * of a band with dynamic channels starts with the band's default (join) channels and learns the
 * others from the join-accept's CFList.
 */
export function bootSettings(
  plan: FrequencyPlan,
  version: RegionalParametersVersion,
  dataRate: number,
  presetPlanChannels: boolean,
): RadioSettings {
  const band = getBand(plan.bandId, version);
  const planFrequencies = new Set(plan.uplinkChannels.map((c) => c.frequency));
  const dynamic = band.channelMask.kind === "dynamic-16";
  const channels: (DeviceChannel | undefined)[] = band.uplinkChannels.map((c) => ({
    frequencyHz: c.frequency,
    minDataRate: c.minDataRate,
    maxDataRate: c.maxDataRate,
    enabled: dynamic || planFrequencies.has(c.frequency),
  }));
  if (dynamic && presetPlanChannels) {
    for (const c of plan.uplinkChannels) {
      if (channels.some((known) => known?.frequencyHz === c.frequency)) continue;
      channels.push({
        frequencyHz: c.frequency,
        minDataRate: c.minDataRate,
        maxDataRate: c.maxDataRate,
        enabled: true,
      });
    }
  }
  return {
    band,
    channels: channels.slice(0, dynamic ? 16 : channels.length),
    dataRate,
    txPowerIndex: 0,
    nbTrans: 1,
    rx1DataRateOffset: 0,
    rx2: { frequencyHz: band.defaultRx2.frequency, dataRate: band.defaultRx2.dataRateIndex },
    receiveDelayMs: band.sharedParameters.receiveDelay1,
    uplinkDwellTime: false,
    downlinkDwellTime: false,
    maxDutyCycle: 1,
    adrAckLimit: band.sharedParameters.adrAckLimit,
    adrAckDelay: band.sharedParameters.adrAckDelay,
  };
}

/** The LoRa rate of data rate `index`; throws for FSK, LR-FHSS and undefined indices. */
export function loraRateOf(band: Band, index: number): LoraRate {
  const modulation = getDataRate(band, index)?.modulation;
  if (modulation?.kind !== "lora")
    throw errProfile.create({
      device_id: "",
      field: "data rate",
      problem: `${index} is not a LoRa data rate of ${band.id}`,
    });
  return {
    spreadingFactor: modulation.spreadingFactor,
    bandwidth: modulation.bandwidth,
    codingRate: modulation.codingRate,
  };
}

/** Whether data rate `index` is a LoRa data rate of the band (what the simulator can send). */
export function isLoraDataRate(band: Band, index: number): boolean {
  return getDataRate(band, index)?.modulation.kind === "lora";
}

/** Indices of the enabled channels that allow `dataRate`. */
export function usableChannels(settings: RadioSettings, dataRate: number): number[] {
  const usable: number[] = [];
  settings.channels.forEach((c, i) => {
    if (c?.enabled && dataRate >= c.minDataRate && dataRate <= c.maxDataRate) usable.push(i);
  });
  return usable;
}

/** RX1's frequency and data rate after an uplink on `channel` at `dataRate`. */
export function rx1Of(
  settings: RadioSettings,
  channel: number,
  dataRate: number,
): { frequencyHz: number; dataRate: number } | undefined {
  const band = settings.band;
  const rate = rx1DataRate(band, dataRate, settings.rx1DataRateOffset, settings.downlinkDwellTime);
  if (rate === undefined) return undefined;
  if (band.channelMask.kind === "dynamic-16") {
    const uplink = settings.channels[channel];
    if (!uplink) return undefined;
    return { frequencyHz: uplink.downlinkFrequencyHz ?? uplink.frequencyHz, dataRate: rate };
  }
  const downlink = band.downlinkChannels[rx1Channel(band, channel)];
  return downlink && { frequencyHz: downlink.frequency, dataRate: rate };
}

/** Applies a join-accept's CFList: extra channels 3–7 (type 0) or the channel masks (type 1). */
export function applyCfList(settings: RadioSettings, cfList: CfList | undefined): void {
  if (!cfList) return;
  if (cfList.type === 0) {
    if (settings.band.channelMask.kind !== "dynamic-16") return;
    const first = settings.band.uplinkChannels.length;
    const template = settings.band.uplinkChannels[0];
    cfList.frequencies.forEach((frequencyHz, i) => {
      if (frequencyHz === 0 || first + i >= 16) return;
      settings.channels[first + i] = {
        frequencyHz,
        minDataRate: template?.minDataRate ?? 0,
        maxDataRate: template?.maxDataRate ?? 5,
        enabled: true,
      };
    });
    return;
  }
  if (settings.band.channelMask.kind === "dynamic-16") return;
  settings.channels.forEach((c, i) => {
    if (c) c.enabled = (((cfList.channelMasks[i >> 4] ?? 0) >> (i & 15)) & 1) === 1;
  });
}
