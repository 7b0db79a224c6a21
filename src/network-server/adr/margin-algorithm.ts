import { getDataRate, txPowerOffset } from "../../lorawan/band/index.ts";
import { demodulationFloor } from "./demodulation-floor.ts";
import { errUnknownDataRate } from "./errors.ts";
import { type IndexRange, trimRange } from "./limits.ts";
import { lossRate } from "./loss-rate.ts";
import type {
  AdrAlgorithm,
  AdrInput,
  AdrParameters,
  AdrUplink,
  DynamicAdrSettings,
} from "./types.ts";

/** The margin (dB) over the demodulation floor kept when the device settings name none. */
export const defaultAdrMargin = 15;
/** Uplinks at one data rate needed for a confident decision; fewer cost a safety margin. */
export const optimalAdrUplinkCount = 20;
/** dB subtracted from the margin while fewer than {@link optimalAdrUplinkCount} uplinks are known. */
export const safetyMargin = 2.5;
/** dB of SNR one LoRa data rate step costs (one spreading factor). */
export const dataRateStep = 2.5;
/** The highest NbTrans the algorithm sets on its own. */
export const maxAlgorithmNbTrans = 3;

// Loss rate thresholds → NbTrans from the current NbTrans: little loss lowers it back towards
// 1, heavy loss raises it to the maximum. Checked in order; the first upper bound above wins.
const nbTransByLoss: readonly { below: number; nbTrans: (current: number) => number }[] = [
  { below: 0.05, nbTrans: (n) => 1 + Math.floor(n / 3) },
  { below: 0.1, nbTrans: (n) => n },
  { below: 0.3, nbTrans: (n) => 2 + Math.floor(n / 2) },
  { below: Number.POSITIVE_INFINITY, nbTrans: () => maxAlgorithmNbTrans },
];

/**
 * The uplinks that describe the link at the current data rate: the most recent run at that
 * data rate, after the last ADR change. Older uplinks describe a link the device no longer uses.
 */
export function adrUplinks(input: AdrInput): readonly AdrUplink[] {
  const { uplinks, current, lastAdrChangeFCnt } = input;
  let start = uplinks.length;
  while (start > 0) {
    const up = uplinks[start - 1] as AdrUplink;
    if (up.dataRateIndex !== current.dataRateIndex) break;
    if (lastAdrChangeFCnt !== 0 && up.fCnt <= lastAdrChangeFCnt) break;
    start--;
  }
  return uplinks.slice(start);
}

/**
 * The Things Stack's margin-based ADR: the best SNR over the recent uplinks, less the data rate's
 * demodulation floor and the configured margin, is spent first on higher data rates (2.5 dB a
 * step) and then on lower TX power; the loss rate over the frame counters sets NbTrans. The data
 * rate only goes up (the device's own ADR back-off brings it down); rejected values and the
 * band's and settings' limits are never chosen.
 */
export const marginAdrAlgorithm: AdrAlgorithm = {
  name: "margin",
  decide(input, settings) {
    const uplinks = adrUplinks(input);
    if (uplinks.length === 0) return undefined;
    const { band, current } = input;

    const rejectedRates = new Set(input.rejectedDataRateIndexes);
    const rates = trimRange(dataRateLimits(input, settings), (index) => {
      return !rejectedRates.has(index) && getDataRate(band, index) !== undefined;
    });
    if (rates.min > rates.max) return undefined;

    const rejectedPowers = new Set(input.rejectedTxPowerIndexes);
    const powers = trimRange(txPowerLimits(input, settings), (index) => {
      return !rejectedPowers.has(index) && txPowerOffset(band, index) !== undefined;
    });
    if (powers.min > powers.max) return undefined;

    const snrs = uplinks.flatMap((up) => (up.maxSnr === undefined ? [] : [up.maxSnr]));
    if (snrs.length === 0) return undefined;
    const rate = getDataRate(band, current.dataRateIndex);
    if (rate === undefined) {
      throw errUnknownDataRate.create({
        data_rate_index: current.dataRateIndex,
        band_id: band.id,
      });
    }
    const floor = demodulationFloor(rate.modulation);
    // Without a floor (FSK, LR-FHSS) there is no SNR headroom to spend.
    let margin = floor === undefined ? 0 : Math.max(...snrs) - floor - marginOf(settings);
    if (uplinks.length < optimalAdrUplinkCount) margin -= safetyMargin;

    // The data rate only goes up: to the lowest allowed one first, paid for from the margin.
    let dataRateIndex = current.dataRateIndex;
    let txPowerIndex = current.txPowerIndex;
    if (dataRateIndex < rates.min) {
      margin -= (rates.min - dataRateIndex) * dataRateStep;
      dataRateIndex = rates.min;
      txPowerIndex = 0;
    }
    // Steps the margin pays for, after the power the lowest allowed TX power index costs.
    const steps = Math.floor((margin - powerStep(input, 0, powers.min)) / dataRateStep);
    const highest = steps < 0 ? dataRateIndex : Math.min(rates.max, dataRateIndex + steps);
    for (let index = highest; index > dataRateIndex; index--) {
      if (rejectedRates.has(index) || getDataRate(band, index) === undefined) continue;
      margin -= (index - dataRateIndex) * dataRateStep;
      dataRateIndex = index;
      // A device raising its data rate goes back to full power, then ADR lowers it.
      txPowerIndex = 0;
      break;
    }

    if (txPowerIndex < powers.min) {
      margin -= powerStep(input, txPowerIndex, powers.min);
      txPowerIndex = powers.min;
    }
    if (txPowerIndex > powers.max) {
      margin += powerStep(input, powers.max, txPowerIndex);
      txPowerIndex = powers.max;
    }
    // Spend what is left on lower power; a negative margin raises the power where it can.
    for (let index = powers.max; index > powers.min; index--) {
      const cost = powerStep(input, txPowerIndex, index);
      if (rejectedPowers.has(index) || cost > margin) continue;
      txPowerIndex = index;
      break;
    }

    return { dataRateIndex, txPowerIndex, nbTrans: nbTransFor(uplinks, current, settings) };
  },
};

function marginOf(settings: DynamicAdrSettings): number {
  return settings.margin ?? defaultAdrMargin;
}

function dataRateLimits(input: AdrInput, settings: DynamicAdrSettings): IndexRange {
  const { band, channelDataRates } = input;
  return {
    min: Math.max(channelDataRates.min, settings.minDataRateIndex ?? 0),
    max: Math.min(
      channelDataRates.max,
      band.maxAdrDataRateIndex,
      settings.maxDataRateIndex ?? Number.POSITIVE_INFINITY,
    ),
  };
}

function txPowerLimits(input: AdrInput, settings: DynamicAdrSettings): IndexRange {
  const highest = input.band.txPowerOffsets.length - 1;
  return {
    min: Math.max(0, settings.minTxPowerIndex ?? 0),
    max: Math.min(highest, settings.maxTxPowerIndex ?? highest),
  };
}

/** dB of output power given up going from TX power index `from` to `to` (negative: gained). */
function powerStep(input: AdrInput, from: number, to: number): number {
  const highest = input.band.txPowerOffsets.length - 1;
  const offset = (index: number) => txPowerOffset(input.band, Math.min(index, highest)) ?? 0;
  return offset(from) - offset(to);
}

function nbTransFor(
  uplinks: readonly AdrUplink[],
  current: AdrParameters,
  settings: DynamicAdrSettings,
): number {
  let nbTrans = Math.max(1, Math.min(current.nbTrans, maxAlgorithmNbTrans));
  // Half the optimal count is enough to see loss; fewer keep the current value.
  if (uplinks.length >= optimalAdrUplinkCount / 2) {
    const rate = lossRate(uplinks.map((up) => up.fCnt));
    const rule = nbTransByLoss.find((entry) => rate < entry.below);
    if (rule !== undefined) nbTrans = rule.nbTrans(nbTrans);
  }
  const min = settings.minNbTrans ?? 1;
  const max = settings.maxNbTrans ?? maxAlgorithmNbTrans;
  return Math.min(max, Math.max(min, nbTrans));
}
