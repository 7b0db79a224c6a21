/** KR920-923: dynamic band with LBT, DR0–5 only. */
import {
  type BandParameters,
  channels,
  defaultSharedParameters,
  defineBand,
  relaySharedParameters,
  txPowerOffsets,
} from "../define.ts";
import { cnDataRates, cnRx1 } from "./cn-470-510.ts";

const defaultChannels = channels([922_100_000, 922_300_000, 922_500_000], 0, 5);

const base: BandParameters = {
  // SF12–SF7 at 125 kHz, like CN470.
  dataRates: cnDataRates,
  maxAdrDataRateIndex: 5,
  strictCodingRate: false,
  uplinkChannels: defaultChannels,
  maxUplinkChannels: 16,
  downlinkChannels: defaultChannels,
  maxDownlinkChannels: 16,
  subBands: [
    { minFrequency: 920_000_000, maxFrequency: 923_000_000, dutyCycle: 1, maxEirp: 16.15 },
  ],
  defaultMaxEirp: 20,
  // 1.0.2rA listed absolute powers 20, 14, 10, 8, 5, 2 and 0 dBm.
  txPowerOffsets: [0, -6, -10, -12, -15, -18, -20],
  rx1DataRates: { noDwellTime: cnRx1, dwellTime: cnRx1 },
  rx1ChannelMapping: { kind: "same" },
  defaultRx2: { frequency: 921_900_000, dataRateIndex: 0 },
  beacon: { dataRateIndex: 3, codingRate: "4/5", frequencies: [923_100_000] },
  pingSlotFrequencies: [923_100_000],
  cfList: { type: "frequencies", supported: true },
  frequencyStep: 100,
  supportsDynamicAdr: true,
  txParamSetupReqSupport: false,
  bootDwellTime: {},
  channelMask: { kind: "dynamic-16" },
  relay: { worChannels: [] },
  sharedParameters: defaultSharedParameters,
};

export const kr920923Bands = defineBand("KR_920_923", base, [
  ["1.0.2-a", {}],
  ["1.0.2-b", { txPowerOffsets: txPowerOffsets(8), defaultMaxEirp: 14 }],
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
          { frequency: 922_700_000, ackFrequency: 922_900_000, dataRateIndex: 3 },
          { frequency: 923_100_000, ackFrequency: 923_100_000, dataRateIndex: 3 },
        ],
      },
      sharedParameters: relaySharedParameters,
    },
  ],
]);
