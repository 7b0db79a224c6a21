/** EU863-870: 16 dynamic channels, three mandatory 125 kHz channels around 868.3 MHz. */
import {
  type BandParameters,
  channels,
  dataRate,
  defaultSharedParameters,
  defineBand,
  erpToEirp,
  fsk,
  lora,
  lrFhss,
  plainOffsets,
  range,
  relaySharedParameters,
  rx1Table,
  txPowerOffsets,
  withDataRates,
} from "../define.ts";

const defaultChannels = channels([868_100_000, 868_300_000, 868_500_000], 0, 5);

/** DR0–7 (LoRa SF12–SF7 at 125 kHz, SF7 at 250 kHz, FSK 50 kbit/s). */
export const euLikeDataRates = [
  dataRate(0, lora(12, 125_000), 59),
  dataRate(1, lora(11, 125_000), 59),
  dataRate(2, lora(10, 125_000), 59),
  dataRate(3, lora(9, 125_000), 123),
  dataRate(4, lora(8, 125_000), 250),
  dataRate(5, lora(7, 125_000), 250),
  dataRate(6, lora(7, 250_000), 250),
  dataRate(7, fsk(50_000), 250),
];

/** RP002-1.0.2 adds LR-FHSS DR8–11 (137 kHz and 336 kHz operating channel widths). */
export const euLrFhssDataRates = [
  dataRate(8, lrFhss(137_000, "1/3"), 58),
  dataRate(9, lrFhss(137_000, "2/3"), 123),
  dataRate(10, lrFhss(336_000, "1/3"), 58),
  dataRate(11, lrFhss(336_000, "2/3"), 123),
];

/** RX1 = max(0, DR − offset) for DR0–7, offsets 0–5. */
export const euLikeRx1 = rx1Table({
  uplinkDataRates: range(0, 7),
  effectiveOffsets: plainOffsets(6),
  min: 0,
  max: 7,
});

/** LR-FHSS DR8/10 answer like DR1 and DR9/11 like DR2. */
const euRx1WithLrFhss = [
  ...euLikeRx1,
  euLikeRx1[1] ?? [],
  euLikeRx1[2] ?? [],
  euLikeRx1[1] ?? [],
  euLikeRx1[2] ?? [],
];

const base: BandParameters = {
  dataRates: euLikeDataRates,
  maxAdrDataRateIndex: 5,
  strictCodingRate: false,
  uplinkChannels: defaultChannels,
  maxUplinkChannels: 16,
  downlinkChannels: defaultChannels,
  maxDownlinkChannels: 16,
  // ETSI EN 300 220 sub-bands (h1.3 … h1.7); limits are 14 dBm ERP, 27 dBm ERP in g3.
  subBands: [
    {
      minFrequency: 863_000_000,
      maxFrequency: 865_000_000,
      dutyCycle: 0.001,
      maxEirp: erpToEirp(14),
    },
    {
      minFrequency: 865_000_000,
      maxFrequency: 868_000_000,
      dutyCycle: 0.01,
      maxEirp: erpToEirp(14),
    },
    {
      minFrequency: 868_000_000,
      maxFrequency: 868_600_000,
      dutyCycle: 0.01,
      maxEirp: erpToEirp(14),
    },
    {
      minFrequency: 868_700_000,
      maxFrequency: 869_200_000,
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
      minFrequency: 869_700_000,
      maxFrequency: 870_000_000,
      dutyCycle: 0.01,
      maxEirp: erpToEirp(14),
    },
  ],
  defaultMaxEirp: 16,
  txPowerOffsets: txPowerOffsets(6),
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
  sharedParameters: defaultSharedParameters,
};

export const eu863870Bands = defineBand("EU_863_870", base, [
  ["1.0", {}],
  ["1.0.1", {}],
  ["1.0.2-a", {}],
  ["1.0.2-b", { txPowerOffsets: txPowerOffsets(8) }],
  ["1.0.3-a", {}],
  ["1.1-a", {}],
  ["1.1-b", {}],
  ["RP002-1.0.0", { strictCodingRate: true }],
  ["RP002-1.0.1", {}],
  [
    "RP002-1.0.2",
    {
      dataRates: withDataRates(euLikeDataRates, euLrFhssDataRates),
      rx1DataRates: { noDwellTime: euRx1WithLrFhss, dwellTime: euRx1WithLrFhss },
    },
  ],
  ["RP002-1.0.3", {}],
  [
    "RP002-1.0.4",
    {
      relay: {
        worChannels: [
          { frequency: 865_100_000, ackFrequency: 865_300_000, dataRateIndex: 3 },
          { frequency: 865_500_000, ackFrequency: 865_900_000, dataRateIndex: 3 },
        ],
      },
      sharedParameters: relaySharedParameters,
    },
  ],
]);
