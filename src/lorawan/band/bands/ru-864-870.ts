/** RU864-870: EU-like dynamic band with two default channels at 868.9 and 869.1 MHz. */
import {
  type BandParameters,
  channels,
  defaultSharedParameters,
  defineBand,
  erpToEirp,
  relaySharedParameters,
  txPowerOffsets,
} from "../define.ts";
import { euLikeDataRates, euLikeRx1 } from "./eu-863-870.ts";

const defaultChannels = channels([868_900_000, 869_100_000], 0, 5);

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
      minFrequency: 864_000_000,
      maxFrequency: 870_000_000,
      dutyCycle: 0.01,
      maxEirp: erpToEirp(20),
    },
  ],
  defaultMaxEirp: 16,
  txPowerOffsets: txPowerOffsets(8),
  rx1DataRates: { noDwellTime: euLikeRx1, dwellTime: euLikeRx1 },
  rx1ChannelMapping: { kind: "same" },
  defaultRx2: { frequency: 869_100_000, dataRateIndex: 0 },
  // Beacons at 869.1 MHz, ping slots at 868.9 MHz.
  beacon: { dataRateIndex: 3, codingRate: "4/5", frequencies: [869_100_000] },
  pingSlotFrequencies: [868_900_000],
  cfList: { type: "frequencies", supported: true },
  frequencyStep: 100,
  supportsDynamicAdr: true,
  txParamSetupReqSupport: false,
  bootDwellTime: {},
  channelMask: { kind: "dynamic-16" },
  relay: { worChannels: [] },
  sharedParameters: defaultSharedParameters,
};

export const ru864870Bands = defineBand("RU_864_870", base, [
  ["1.0.3-a", {}],
  ["1.1-a", {}],
  ["1.1-b", {}],
  ["RP002-1.0.0", { strictCodingRate: true }],
  ["RP002-1.0.1", {}],
  ["RP002-1.0.2", {}],
  ["RP002-1.0.3", {}],
  [
    "RP002-1.0.4",
    {
      relay: {
        worChannels: [
          { frequency: 866_100_000, ackFrequency: 866_300_000, dataRateIndex: 3 },
          { frequency: 866_500_000, ackFrequency: 866_900_000, dataRateIndex: 3 },
        ],
      },
      sharedParameters: relaySharedParameters,
    },
  ],
]);
