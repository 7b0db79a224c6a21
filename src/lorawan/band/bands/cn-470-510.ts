/**
 * CN470-510 as defined up to LoRaWAN 1.1rB: 96 uplink channels (470.3 MHz + 200 kHz·n) and
 * 48 downlink channels (500.3 MHz + 200 kHz·n); RX1 uses downlink channel (uplink mod 48).
 */
import {
  type BandParameters,
  channelRange,
  dataRate,
  defaultSharedParameters,
  defineBand,
  lora,
  plainOffsets,
  range,
  rx1Table,
  txPowerOffsets,
} from "../define.ts";

/** DR0–5: LoRa SF12–SF7 at 125 kHz. */
export const cnDataRates = [
  dataRate(0, lora(12, 125_000), 59),
  dataRate(1, lora(11, 125_000), 59),
  dataRate(2, lora(10, 125_000), 59),
  dataRate(3, lora(9, 125_000), 123),
  dataRate(4, lora(8, 125_000), 250),
  dataRate(5, lora(7, 125_000), 250),
];

/** RX1 = max(0, DR − offset) for DR0–5, offsets 0–5. */
export const cnRx1 = rx1Table({
  uplinkDataRates: range(0, 5),
  effectiveOffsets: plainOffsets(6),
  min: 0,
  max: 5,
});

const beaconFrequencies = range(0, 7).map((i) => 508_300_000 + i * 200_000);

const base: BandParameters = {
  dataRates: cnDataRates,
  maxAdrDataRateIndex: 5,
  strictCodingRate: true,
  uplinkChannels: channelRange(470_300_000, 200_000, 96, 0, 5),
  maxUplinkChannels: 96,
  downlinkChannels: channelRange(500_300_000, 200_000, 48, 0, 5),
  maxDownlinkChannels: 48,
  subBands: [
    { minFrequency: 470_000_000, maxFrequency: 510_000_000, dutyCycle: 1, maxEirp: 19.15 },
  ],
  defaultMaxEirp: 17,
  // Up to 1.0.2rA the TXPower table listed 17, 16, 14, 12, 10, 7, 5 and 2 dBm.
  txPowerOffsets: [0, -1, -3, -5, -7, -10, -12, -15],
  rx1DataRates: { noDwellTime: cnRx1, dwellTime: cnRx1 },
  rx1ChannelMapping: { kind: "modulo", downlinkChannels: 48 },
  defaultRx2: { frequency: 505_300_000, dataRateIndex: 0 },
  beacon: { dataRateIndex: 2, codingRate: "4/5", frequencies: beaconFrequencies },
  pingSlotFrequencies: beaconFrequencies,
  cfList: { type: "channel-masks", supported: false },
  frequencyStep: 100,
  supportsDynamicAdr: true,
  txParamSetupReqSupport: false,
  bootDwellTime: {},
  channelMask: { kind: "fixed-96" },
  relay: { worChannels: [] },
  sharedParameters: defaultSharedParameters,
};

export const cn470510Bands = defineBand("CN_470_510", base, [
  ["1.0.1", {}],
  ["1.0.2-a", {}],
  ["1.0.2-b", { txPowerOffsets: txPowerOffsets(8), defaultMaxEirp: 19.15 }],
  ["1.0.3-a", { cfList: { type: "channel-masks", supported: true } }],
  ["1.1-a", {}],
  ["1.1-b", {}],
]);
