/**
 * US902-928: 64 uplink channels of 125 kHz (902.3 MHz + 200 kHz·n), 8 of 500 kHz
 * (903.0 MHz + 1.6 MHz·n) and 8 downlink channels of 500 kHz (923.3 MHz + 600 kHz·n).
 */
import {
  type BandParameters,
  channelRange,
  dataRate,
  defaultSharedParameters,
  defineBand,
  erpToEirp,
  lora,
  lrFhss,
  relaySharedParameters,
  txPowerOffsets,
  withDataRates,
  withRows,
} from "../define.ts";

/** DR8–13: the 500 kHz downlink data rates shared by US915 and AU915. */
export const usAuDownlinkDataRates = [
  dataRate(8, lora(12, 500_000), 61),
  dataRate(9, lora(11, 500_000), 137),
  dataRate(10, lora(10, 500_000), 250),
  dataRate(11, lora(9, 500_000), 250),
  dataRate(12, lora(8, 500_000), 250),
  dataRate(13, lora(7, 500_000), 250),
];

/** The 8 downlink channels (923.3 MHz + 600 kHz·n) of US915 and AU915. */
export const usAuDownlinkChannels = channelRange(923_300_000, 600_000, 8, 8, 13);

/** The default class B beacon and ping slot frequencies of US915 and AU915. */
export const usAuBeaconFrequencies = usAuDownlinkChannels.map((c) => c.frequency);

const dataRates = [
  dataRate(0, lora(10, 125_000), 19),
  dataRate(1, lora(9, 125_000), 61),
  dataRate(2, lora(8, 125_000), 133),
  dataRate(3, lora(7, 125_000), 250),
  dataRate(4, lora(8, 500_000), 250),
  ...usAuDownlinkDataRates,
];

/** RX1 data rate by uplink DR0–4 and RX1DROffset 0–3. */
const rx1 = [
  [10, 9, 8, 8],
  [11, 10, 9, 8],
  [12, 11, 10, 9],
  [13, 12, 11, 10],
  [13, 13, 12, 11],
];

/** RP002-1.0.2: LR-FHSS DR5/DR6 answer like DR0/DR1. */
const rx1WithLrFhss = withRows(rx1, { 5: [10, 9, 8, 8], 6: [11, 10, 9, 8] });

const uplinkChannels = (max500kHzDataRate: number) => [
  ...channelRange(902_300_000, 200_000, 64, 0, 3),
  ...channelRange(903_000_000, 1_600_000, 8, 4, max500kHzDataRate),
];

const base: BandParameters = {
  dataRates,
  maxAdrDataRateIndex: 3,
  strictCodingRate: false,
  uplinkChannels: uplinkChannels(4),
  maxUplinkChannels: 72,
  downlinkChannels: usAuDownlinkChannels,
  maxDownlinkChannels: 8,
  // FCC part 15.247; stated as conducted power with the reference antenna gain.
  subBands: [
    { minFrequency: 902_300_000, maxFrequency: 914_900_000, dutyCycle: 1, maxEirp: erpToEirp(21) },
    { minFrequency: 923_300_000, maxFrequency: 927_500_000, dutyCycle: 1, maxEirp: erpToEirp(26) },
  ],
  defaultMaxEirp: 30,
  txPowerOffsets: txPowerOffsets(11),
  rx1DataRates: { noDwellTime: rx1, dwellTime: rx1 },
  rx1ChannelMapping: { kind: "modulo", downlinkChannels: 8 },
  defaultRx2: { frequency: 923_300_000, dataRateIndex: 8 },
  beacon: { dataRateIndex: 3, codingRate: "4/5", frequencies: usAuBeaconFrequencies },
  pingSlotFrequencies: usAuBeaconFrequencies,
  cfList: { type: "channel-masks", supported: false },
  frequencyStep: 100,
  supportsDynamicAdr: true,
  txParamSetupReqSupport: false,
  // FCC limits dwell time to 400 ms on uplinks.
  bootDwellTime: { uplinks: true, downlinks: false },
  channelMask: { kind: "fixed-72", bankControl: false },
  relay: { worChannels: [] },
  sharedParameters: defaultSharedParameters,
};

export const us902928Bands = defineBand("US_902_928", base, [
  ["1.0", {}],
  ["1.0.1", {}],
  ["1.0.2-a", { strictCodingRate: true }],
  ["1.0.2-b", { beacon: { ...base.beacon, dataRateIndex: 8 } }],
  [
    "1.0.3-a",
    {
      cfList: { type: "channel-masks", supported: true },
      txPowerOffsets: txPowerOffsets(16),
      channelMask: { kind: "fixed-72", bankControl: true },
    },
  ],
  ["1.1-a", { txPowerOffsets: txPowerOffsets(15) }],
  ["1.1-b", {}],
  ["RP002-1.0.0", {}],
  ["RP002-1.0.1", {}],
  [
    "RP002-1.0.2",
    {
      dataRates: withDataRates(dataRates, [
        dataRate(5, lrFhss(1_523_000, "1/3"), 58),
        dataRate(6, lrFhss(1_523_000, "2/3"), 133),
      ]),
      uplinkChannels: uplinkChannels(6),
      rx1DataRates: { noDwellTime: rx1WithLrFhss, dwellTime: rx1WithLrFhss },
    },
  ],
  ["RP002-1.0.3", {}],
  [
    "RP002-1.0.4",
    {
      relay: {
        worChannels: [
          { frequency: 916_700_000, ackFrequency: 918_300_000, dataRateIndex: 10 },
          { frequency: 919_900_000, ackFrequency: 921_500_000, dataRateIndex: 10 },
        ],
      },
      sharedParameters: relaySharedParameters,
    },
  ],
]);
