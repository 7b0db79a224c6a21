/**
 * AU915-928: the US915 channel layout shifted to 915.2 MHz (125 kHz) and 915.9 MHz (500 kHz)
 * uplinks, with US915's downlink channels; since 1.0.2rB DR0–5 are SF12–SF7 at 125 kHz.
 */
import {
  type BandParameters,
  channelRange,
  dataRate,
  defaultSharedParameters,
  defineBand,
  lora,
  lrFhss,
  plainOffsets,
  range,
  relaySharedParameters,
  rx1Table,
  txPowerOffsets,
  withDataRates,
} from "../define.ts";
import {
  usAuBeaconFrequencies,
  usAuDownlinkChannels,
  usAuDownlinkDataRates,
} from "./us-902-928.ts";

const uplinkChannels = (max125kHzDataRate: number, min500kHz: number, max500kHz: number) => [
  ...channelRange(915_200_000, 200_000, 64, 0, max125kHzDataRate),
  ...channelRange(915_900_000, 1_600_000, 8, min500kHz, max500kHz),
];

/** Before 1.0.2rB AU915 used the US915 uplink data rates (SF10–SF7), with larger payloads. */
const dataRatesBefore102b = [
  dataRate(0, lora(10, 125_000), 59),
  dataRate(1, lora(9, 125_000), 123),
  dataRate(2, lora(8, 125_000), 250),
  dataRate(3, lora(7, 125_000), 250),
  dataRate(4, lora(8, 500_000), 250),
  ...usAuDownlinkDataRates,
];

const rx1Before102b = rx1Table({
  uplinkDataRates: range(0, 4),
  effectiveOffsets: plainOffsets(4),
  min: 8,
  max: 13,
  base: 10,
});

const dataRates = [
  dataRate(0, lora(12, 125_000), 59),
  dataRate(1, lora(11, 125_000), 59),
  dataRate(2, lora(10, 125_000), 59),
  dataRate(3, lora(9, 125_000), 123),
  dataRate(4, lora(8, 125_000), 250),
  dataRate(5, lora(7, 125_000), 250),
  dataRate(6, lora(8, 500_000), 250),
  ...usAuDownlinkDataRates,
];

/** RX1 = clamp(8 + DR − offset, DR8, DR13) for DR0–6, offsets 0–5. */
const rx1 = rx1Table({
  uplinkDataRates: range(0, 6),
  effectiveOffsets: plainOffsets(6),
  min: 8,
  max: 13,
  base: 8,
});

/** RP002-1.0.2: LR-FHSS DR7 answers like DR1. */
const rx1WithLrFhss = [...rx1, rx1[1] ?? []];

/** With the 400 ms dwell time (RP002), DR0/1 are not allowed and DR2–4 carry less. */
const dwellTimeDataRates = [
  dataRate(0, lora(12, 125_000), 59, 0),
  dataRate(1, lora(11, 125_000), 59, 0),
  dataRate(2, lora(10, 125_000), 59, 19),
  dataRate(3, lora(9, 125_000), 123, 61),
  dataRate(4, lora(8, 125_000), 250, 133),
];

const base: BandParameters = {
  dataRates: dataRatesBefore102b,
  maxAdrDataRateIndex: 3,
  strictCodingRate: true,
  uplinkChannels: uplinkChannels(3, 4, 4),
  maxUplinkChannels: 72,
  downlinkChannels: usAuDownlinkChannels,
  maxDownlinkChannels: 8,
  subBands: [{ minFrequency: 915_000_000, maxFrequency: 928_000_000, dutyCycle: 1, maxEirp: 30 }],
  defaultMaxEirp: 30,
  txPowerOffsets: txPowerOffsets(11),
  rx1DataRates: { noDwellTime: rx1Before102b, dwellTime: rx1Before102b },
  rx1ChannelMapping: { kind: "modulo", downlinkChannels: 8 },
  defaultRx2: { frequency: 923_300_000, dataRateIndex: 8 },
  beacon: { dataRateIndex: 10, codingRate: "4/5", frequencies: usAuBeaconFrequencies },
  pingSlotFrequencies: usAuBeaconFrequencies,
  cfList: { type: "channel-masks", supported: false },
  frequencyStep: 100,
  supportsDynamicAdr: true,
  txParamSetupReqSupport: false,
  bootDwellTime: {},
  channelMask: { kind: "fixed-72", bankControl: false },
  relay: { worChannels: [] },
  sharedParameters: defaultSharedParameters,
};

const withLrFhss = withDataRates(withDataRates(dataRates, dwellTimeDataRates), [
  dataRate(7, lrFhss(1_523_000, "1/3"), 58),
]);

export const au915928Bands = defineBand("AU_915_928", base, [
  ["1.0.1", {}],
  ["1.0.2-a", {}],
  [
    "1.0.2-b",
    {
      dataRates,
      uplinkChannels: uplinkChannels(5, 6, 6),
      rx1DataRates: { noDwellTime: rx1, dwellTime: rx1 },
      maxAdrDataRateIndex: 5,
    },
  ],
  [
    "1.0.3-a",
    {
      cfList: { type: "channel-masks", supported: true },
      txPowerOffsets: txPowerOffsets(16),
      txParamSetupReqSupport: true,
      bootDwellTime: { uplinks: true, downlinks: false },
      channelMask: { kind: "fixed-72", bankControl: true },
    },
  ],
  ["1.1-a", { txPowerOffsets: txPowerOffsets(11), txParamSetupReqSupport: false }],
  [
    "1.1-b",
    {
      beacon: { ...base.beacon, dataRateIndex: 8 },
      txPowerOffsets: txPowerOffsets(15),
      txParamSetupReqSupport: true,
    },
  ],
  ["RP002-1.0.0", { dataRates: withDataRates(dataRates, dwellTimeDataRates) }],
  ["RP002-1.0.1", {}],
  [
    "RP002-1.0.2",
    {
      dataRates: withLrFhss,
      uplinkChannels: uplinkChannels(5, 6, 7),
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
