import type { Modulation } from "../../lorawan/band/index.ts";

// The SNR (dB) below which a LoRa receiver no longer demodulates, per spreading factor and
// bandwidth (Hz): Semtech's datasheet values for 125 kHz, shifted by 3 dB per bandwidth doubling.
// The 500 kHz SF12 value is the one The Things Stack uses.
const floors: Readonly<Record<number, Readonly<Record<number, number>>>> = {
  6: { 125000: -5, 250000: -2, 500000: 1 },
  7: { 125000: -7.5, 250000: -4.5, 500000: -1.5 },
  8: { 125000: -10, 250000: -7, 500000: -4 },
  9: { 125000: -12.5, 250000: -9.5, 500000: -6.5 },
  10: { 125000: -15, 250000: -12, 500000: -9 },
  11: { 125000: -17.5, 250000: -14.5, 500000: -11.5 },
  12: { 125000: -20, 250000: -17, 500000: -24 },
};

/**
 * The demodulation floor in dB of a modulation; undefined for modulations ADR does not steer by
 * SNR (FSK, LR-FHSS) and for LoRa settings outside the table.
 */
export function demodulationFloor(modulation: Modulation): number | undefined {
  if (modulation.kind !== "lora") return undefined;
  return floors[modulation.spreadingFactor]?.[modulation.bandwidth];
}
