/** IN865-867: dynamic band, no duty cycle, 30 dBm EIRP; DR6 is reserved. */
import {
  type BandParameters,
  channels,
  dataRate,
  defaultSharedParameters,
  defineBand,
  fsk,
  lora,
  offsetsWithRaise,
  relaySharedParameters,
  rx1Table,
  txPowerOffsets,
} from "../define.ts";

const defaultChannels = channels([865_062_500, 865_402_500, 865_985_000], 0, 5);

const dataRates = [
  dataRate(0, lora(12, 125_000), 59),
  dataRate(1, lora(11, 125_000), 59),
  dataRate(2, lora(10, 125_000), 59),
  dataRate(3, lora(9, 125_000), 123),
  dataRate(4, lora(8, 125_000), 250),
  dataRate(5, lora(7, 125_000), 250),
  dataRate(7, fsk(50_000), 250),
];

/** RX1 = min(max, max(0, DR − effective offset)); offsets 6/7 raise the data rate. */
const rx1 = (max: number) =>
  rx1Table({
    uplinkDataRates: [0, 1, 2, 3, 4, 5, 7],
    effectiveOffsets: offsetsWithRaise,
    min: 0,
    max,
  });

const base: BandParameters = {
  dataRates,
  maxAdrDataRateIndex: 5,
  strictCodingRate: false,
  uplinkChannels: defaultChannels,
  maxUplinkChannels: 16,
  downlinkChannels: defaultChannels,
  maxDownlinkChannels: 16,
  subBands: [
    { minFrequency: 865_000_000, maxFrequency: 867_000_000, dutyCycle: 1, maxEirp: 16.15 },
  ],
  defaultMaxEirp: 30,
  txPowerOffsets: txPowerOffsets(11),
  rx1DataRates: { noDwellTime: rx1(5), dwellTime: rx1(5) },
  rx1ChannelMapping: { kind: "same" },
  defaultRx2: { frequency: 866_550_000, dataRateIndex: 2 },
  beacon: { dataRateIndex: 4, codingRate: "4/5", frequencies: [866_500_000] },
  pingSlotFrequencies: [866_500_000],
  cfList: { type: "frequencies", supported: true },
  frequencyStep: 100,
  supportsDynamicAdr: true,
  txParamSetupReqSupport: false,
  bootDwellTime: {},
  channelMask: { kind: "dynamic-16" },
  relay: { worChannels: [] },
  sharedParameters: defaultSharedParameters,
};

export const in865867Bands = defineBand("IN_865_867", base, [
  ["1.0.2-b", {}],
  ["1.0.3-a", {}],
  ["1.1-a", {}],
  ["1.1-b", {}],
  [
    "RP002-1.0.0",
    { rx1DataRates: { noDwellTime: rx1(7), dwellTime: rx1(7) }, strictCodingRate: true },
  ],
  ["RP002-1.0.1", {}],
  ["RP002-1.0.2", {}],
  ["RP002-1.0.3", {}],
  [
    "RP002-1.0.4",
    {
      relay: {
        worChannels: [
          { frequency: 866_000_000, ackFrequency: 866_200_000, dataRateIndex: 3 },
          { frequency: 866_700_000, ackFrequency: 866_900_000, dataRateIndex: 3 },
        ],
      },
      sharedParameters: relaySharedParameters,
    },
  ],
]);
