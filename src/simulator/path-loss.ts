/**
 * Radio link budget of the simulated air: log-distance path loss, the receiver's thermal
 * noise floor and the SX1301's demodulation floors. Pure functions, no state.
 */
import { LORA_DEMODULATION_FLOOR_DB } from "../lorawan/demodulation-floor.ts";
import type { LoraRate } from "./radio.ts";

const SPEED_OF_LIGHT = 299_792_458;

/** The model's knobs; the defaults describe a suburban 868 MHz network. */
export interface LinkModel {
  /** Device transmit power plus antenna gains, dBm. */
  txPowerDbm: number;
  /** Path loss exponent: 2 in free space, 2.7-3.5 in towns. */
  pathLossExponent: number;
  /** Receiver noise figure, dB (SX1301 reference designs: about 6). */
  noiseFigureDb: number;
  /** Standard deviation of the shadowing added to each reception, dB. */
  shadowingDb: number;
  /** Strongest signal a receiver reports (it saturates), dBm. */
  maxRssiDbm: number;
  /** SNR the demodulator reports at most (SX1301 saturates near +10 dB). */
  maxSnrDb: number;
}

export const DEFAULT_LINK_MODEL: LinkModel = {
  txPowerDbm: 14,
  pathLossExponent: 2.7,
  noiseFigureDb: 6,
  shadowingDb: 1.5,
  maxRssiDbm: -30,
  maxSnrDb: 10,
};

/** Path loss in dB over `meters` at `frequencyHz`: free space to 1 m, then log-distance. */
export function pathLossDb(meters: number, frequencyHz: number, exponent: number): number {
  const referenceLoss = 20 * Math.log10((4 * Math.PI * frequencyHz) / SPEED_OF_LIGHT);
  return referenceLoss + 10 * exponent * Math.log10(Math.max(meters, 1));
}

/** Thermal noise over the channel's bandwidth plus the receiver's noise figure, dBm. */
export function noiseFloorDbm(bandwidthHz: number, noiseFigureDb: number): number {
  return -174 + 10 * Math.log10(bandwidthHz) + noiseFigureDb;
}

/** What a gateway measures of a transmission; undefined when it cannot demodulate it. */
export interface LinkQuality {
  rssi: number;
  snr: number;
}

/**
 * The reception at `meters` with `shadowing` dB added to the signal. The reported RSSI is the
 * channel's power (signal plus noise), so it stays near the noise floor for signals below
 * it, as a concentrator reports; the SNR is the signal over the noise.
 */
export function linkQuality(
  meters: number,
  frequencyHz: number,
  rate: LoraRate,
  shadowing: number,
  model: LinkModel,
): LinkQuality | undefined {
  const signal = model.txPowerDbm - pathLossDb(meters, frequencyHz, model.pathLossExponent);
  const received = signal + shadowing;
  const noise = noiseFloorDbm(rate.bandwidth, model.noiseFigureDb);
  const snr = received - noise;
  const floor = LORA_DEMODULATION_FLOOR_DB[rate.spreadingFactor];
  if (floor === undefined || snr < floor) return undefined;
  const channelPower = 10 * Math.log10(10 ** (received / 10) + 10 ** (noise / 10));
  return {
    rssi: Math.round(Math.min(channelPower, model.maxRssiDbm)),
    snr: Math.round(Math.min(snr, model.maxSnrDb) * 4) / 4,
  };
}
