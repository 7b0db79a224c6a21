import type { Band, DataRate, Modulation, SubBand } from "./types.ts";

/** The data rate with index `index`, if the band defines it. */
export function getDataRate(band: Band, index: number): DataRate | undefined {
  return band.dataRates.find((rate) => rate.index === index);
}

/** The index of the band's data rate with exactly this modulation (uplink lookup). */
export function findDataRateIndex(band: Band, modulation: Modulation): number | undefined {
  for (const rate of band.dataRates) {
    const m = rate.modulation;
    switch (modulation.kind) {
      case "lora":
        if (
          m.kind === "lora" &&
          m.spreadingFactor === modulation.spreadingFactor &&
          m.bandwidth === modulation.bandwidth &&
          (!band.strictCodingRate || m.codingRate === modulation.codingRate)
        )
          return rate.index;
        break;
      case "fsk":
        if (m.kind === "fsk" && m.bitRate === modulation.bitRate) return rate.index;
        break;
      case "lr-fhss":
        if (
          m.kind === "lr-fhss" &&
          m.operatingChannelWidth === modulation.operatingChannelWidth &&
          m.codingRate === modulation.codingRate
        )
          return rate.index;
        break;
    }
  }
  return undefined;
}

/** M for a data rate; undefined if the band does not define it, 0 if not allowed. */
export function maxMacPayloadSize(band: Band, index: number, dwellTime: boolean) {
  const rate = getDataRate(band, index)?.maxMacPayloadSize;
  return rate && (dwellTime ? rate.dwellTime : rate.noDwellTime);
}

/** N (M − 8, no FOpts) for a data rate; undefined if the band does not define it. */
export function maxApplicationPayloadSize(band: Band, index: number, dwellTime: boolean) {
  const rate = getDataRate(band, index)?.maxApplicationPayloadSize;
  return rate && (dwellTime ? rate.dwellTime : rate.noDwellTime);
}

/**
 * The RX1 data rate for an uplink at `uplinkDataRate` with RX1DROffset `offset`; undefined
 * when the combination is not defined (unknown uplink data rate or reserved offset).
 */
export function rx1DataRate(
  band: Band,
  uplinkDataRate: number,
  offset: number,
  dwellTime: boolean,
): number | undefined {
  const table = dwellTime ? band.rx1DataRates.dwellTime : band.rx1DataRates.noDwellTime;
  return table[uplinkDataRate]?.[offset];
}

/** The index of the downlink channel used for RX1 after an uplink on channel `uplinkChannel`. */
export function rx1Channel(band: Band, uplinkChannel: number): number {
  const mapping = band.rx1ChannelMapping;
  return mapping.kind === "same" ? uplinkChannel : uplinkChannel % mapping.downlinkChannels;
}

/** The offset in dB of TXPower index `index`, if defined. */
export function txPowerOffset(band: Band, index: number): number | undefined {
  return band.txPowerOffsets[index];
}

/** The sub-band containing `frequency` (Hz), if any. */
export function subBandOf(band: Band, frequency: number): SubBand | undefined {
  return band.subBands.find((s) => frequency >= s.minFrequency && frequency <= s.maxFrequency);
}
