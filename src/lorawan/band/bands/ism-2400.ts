/**
 * ISM2400 (LoRa 2.4 GHz; specified by Semtech outside the LoRa Alliance regional parameters):
 * one definition for every version. LoRa SF12–SF5 at 812 kHz, coding rate 4/8 with long
 * interleaving; no ADR data rate steps, CFList frequencies in units of 200 Hz.
 */
import {
  type BandParameters,
  channels,
  dataRate,
  defineBand,
  lora,
  plainOffsets,
  range,
  relaySharedParameters,
  rx1Table,
  txPowerOffsets,
} from "../define.ts";

const codingRate = "4/8LI";
/** The specification's nominal "812 kHz" bandwidth. */
const bandwidth = 812_000;

const dataRates = [
  dataRate(0, lora(12, bandwidth, codingRate), 59),
  dataRate(1, lora(11, bandwidth, codingRate), 123),
  ...range(2, 7).map((i) => dataRate(i, lora(12 - i, bandwidth, codingRate), 250)),
];

const rx1 = rx1Table({
  uplinkDataRates: range(0, 7),
  effectiveOffsets: plainOffsets(6),
  min: 0,
  max: 7,
});

const defaultChannels = channels([2_403_000_000, 2_425_000_000, 2_479_000_000], 0, 7);

const base: BandParameters = {
  dataRates,
  maxAdrDataRateIndex: 0,
  strictCodingRate: true,
  uplinkChannels: defaultChannels,
  maxUplinkChannels: 16,
  downlinkChannels: defaultChannels,
  maxDownlinkChannels: 16,
  subBands: [
    { minFrequency: 2_400_000_000, maxFrequency: 2_500_000_000, dutyCycle: 1, maxEirp: 10.15 },
  ],
  defaultMaxEirp: 10,
  txPowerOffsets: txPowerOffsets(8),
  rx1DataRates: { noDwellTime: rx1, dwellTime: rx1 },
  rx1ChannelMapping: { kind: "same" },
  defaultRx2: { frequency: 2_423_000_000, dataRateIndex: 0 },
  beacon: { dataRateIndex: 3, codingRate, frequencies: [2_424_000_000] },
  pingSlotFrequencies: [2_424_000_000],
  cfList: { type: "frequencies", supported: true },
  // Frequencies in the CFList and MAC commands are in units of 200 Hz.
  frequencyStep: 200,
  supportsDynamicAdr: false,
  txParamSetupReqSupport: false,
  bootDwellTime: {},
  channelMask: { kind: "dynamic-16" },
  relay: { worChannels: [] },
  // Defined after RP002-1.0.4, it carries the relay timing in every version.
  sharedParameters: relaySharedParameters,
};

export const ism2400Bands = defineBand("ISM_2400", base, [
  ["1.0", {}],
  ["1.0.1", {}],
  ["1.0.2-a", {}],
  ["1.0.2-b", {}],
  ["1.0.3-a", {}],
  ["1.1-a", {}],
  ["1.1-b", {}],
  ["RP002-1.0.0", {}],
  ["RP002-1.0.1", {}],
  ["RP002-1.0.2", {}],
  ["RP002-1.0.3", {}],
  ["RP002-1.0.4", {}],
]);
