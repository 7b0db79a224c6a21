/** CN779-787: EU-like dynamic band; withdrawn after RP002-1.0.3. */
import {
  type BandParameters,
  channels,
  defaultSharedParameters,
  defineBand,
  erpToEirp,
  txPowerOffsets,
} from "../define.ts";
import { euLikeDataRates, euLikeRx1 } from "./eu-863-870.ts";

// Three default channels plus the three additional join channels of the 1.0 specification.
const defaultChannels = channels(
  [779_500_000, 779_700_000, 779_900_000, 780_500_000, 780_700_000, 780_900_000],
  0,
  5,
);

const base: BandParameters = {
  dataRates: euLikeDataRates,
  maxAdrDataRateIndex: 5,
  strictCodingRate: false,
  uplinkChannels: defaultChannels,
  maxUplinkChannels: 16,
  downlinkChannels: defaultChannels,
  maxDownlinkChannels: 16,
  subBands: [
    {
      minFrequency: 779_000_000,
      maxFrequency: 787_000_000,
      dutyCycle: 0.01,
      maxEirp: erpToEirp(10),
    },
  ],
  defaultMaxEirp: erpToEirp(10),
  txPowerOffsets: txPowerOffsets(6),
  rx1DataRates: { noDwellTime: euLikeRx1, dwellTime: euLikeRx1 },
  rx1ChannelMapping: { kind: "same" },
  defaultRx2: { frequency: 786_000_000, dataRateIndex: 0 },
  beacon: { dataRateIndex: 3, codingRate: "4/5", frequencies: [785_000_000] },
  pingSlotFrequencies: [785_000_000],
  cfList: { type: "frequencies", supported: true },
  frequencyStep: 100,
  supportsDynamicAdr: true,
  txParamSetupReqSupport: false,
  bootDwellTime: {},
  channelMask: { kind: "dynamic-16" },
  relay: { worChannels: [] },
  sharedParameters: defaultSharedParameters,
};

export const cn779787Bands = defineBand("CN_779_787", base, [
  ["1.0", {}],
  ["1.0.1", {}],
  ["1.0.2-a", {}],
  ["1.0.2-b", {}],
  ["1.0.3-a", {}],
  ["1.1-a", {}],
  ["1.1-b", {}],
  ["RP002-1.0.0", { strictCodingRate: true }],
  ["RP002-1.0.1", {}],
  ["RP002-1.0.2", {}],
  ["RP002-1.0.3", {}],
]);
