/**
 * MA869-870 (Morocco), as drafted for the regional parameters: EU-like data rates including
 * LR-FHSS, three default channels between 869.1 and 869.7 MHz. One definition for every version.
 */
import {
  type BandParameters,
  channels,
  defineBand,
  erpToEirp,
  relaySharedParameters,
  txPowerOffsets,
  withDataRates,
} from "../define.ts";
import { euLikeDataRates, euLikeRx1, euLrFhssDataRates } from "./eu-863-870.ts";

const defaultChannels = channels([869_100_000, 869_300_000, 869_700_000], 0, 5);

const base: BandParameters = {
  dataRates: withDataRates(euLikeDataRates, euLrFhssDataRates),
  maxAdrDataRateIndex: 5,
  strictCodingRate: true,
  uplinkChannels: defaultChannels,
  maxUplinkChannels: 16,
  downlinkChannels: defaultChannels,
  maxDownlinkChannels: 16,
  subBands: [
    {
      minFrequency: 869_000_000,
      maxFrequency: 869_400_000,
      dutyCycle: 0.001,
      maxEirp: erpToEirp(14),
    },
    {
      minFrequency: 869_400_000,
      maxFrequency: 869_650_000,
      dutyCycle: 0.1,
      maxEirp: erpToEirp(27),
    },
    {
      minFrequency: 869_650_000,
      maxFrequency: 870_000_000,
      dutyCycle: 0.01,
      maxEirp: erpToEirp(14),
    },
  ],
  defaultMaxEirp: 16,
  txPowerOffsets: txPowerOffsets(8),
  // The draft defines RX1 for DR0–7 only.
  rx1DataRates: { noDwellTime: euLikeRx1, dwellTime: euLikeRx1 },
  rx1ChannelMapping: { kind: "same" },
  defaultRx2: { frequency: 869_525_000, dataRateIndex: 0 },
  beacon: { dataRateIndex: 3, codingRate: "4/5", frequencies: [869_525_000] },
  pingSlotFrequencies: [869_525_000],
  cfList: { type: "frequencies", supported: true },
  frequencyStep: 100,
  supportsDynamicAdr: true,
  txParamSetupReqSupport: false,
  bootDwellTime: {},
  channelMask: { kind: "dynamic-16" },
  relay: { worChannels: [] },
  // The draft postdates RP002-1.0.4 and carries its relay timing.
  sharedParameters: relaySharedParameters,
};

export const ma869870DraftBands = defineBand("MA_869_870_DRAFT", base, [
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
