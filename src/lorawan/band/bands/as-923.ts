/**
 * AS923 groups 1–4: the same band shifted in frequency (group 1 at 923.2/923.4 MHz, group 2
 * −1.8 MHz, group 3 −6.6 MHz, group 4 −5.9 MHz), with TxParamSetupReq and 400 ms dwell time.
 */

import {
  type BandDelta,
  type BandParameters,
  channels,
  dataRate,
  defaultSharedParameters,
  defineBand,
  fsk,
  lora,
  offsetsWithRaise,
  range,
  relaySharedParameters,
  rx1Table,
  txPowerOffsets,
  withDataRates,
} from "../define.ts";
import type { Band } from "../types.ts";
import { compareVersions, type RegionalParametersVersion } from "../version.ts";

/** Under the 400 ms dwell time DR0/1 are not allowed and DR2–4 carry less. */
const dataRates = [
  dataRate(0, lora(12, 125_000), 59, 0),
  dataRate(1, lora(11, 125_000), 59, 0),
  dataRate(2, lora(10, 125_000), 59, 19),
  dataRate(3, lora(9, 125_000), 123, 61),
  dataRate(4, lora(8, 125_000), 250, 133),
  dataRate(5, lora(7, 125_000), 250),
  dataRate(6, lora(7, 250_000), 250),
  dataRate(7, fsk(50_000), 250),
];

/**
 * RX1 = min(max, max(minDR, DR − effective offset)); offsets 6/7 raise the data rate.
 * With the downlink dwell time, minDR is DR2. Until 1.1rB the RX1 data rate was capped at DR5.
 */
const rx1 = (max: number) => ({
  noDwellTime: rx1Table({
    uplinkDataRates: range(0, 7),
    effectiveOffsets: offsetsWithRaise,
    min: 0,
    max,
  }),
  dwellTime: rx1Table({
    uplinkDataRates: range(0, 7),
    effectiveOffsets: offsetsWithRaise,
    min: 2,
    max,
  }),
});

interface Group {
  readonly id: string;
  /** The two default channels, in Hz; RX2 uses the first, the beacon the second. */
  readonly channels: readonly [number, number];
  readonly subBand: readonly [number, number];
  readonly since: RegionalParametersVersion;
}

function as923(group: Group): Band[] {
  const [first, second] = group.channels;
  const defaultChannels = channels(group.channels, 0, 5);
  const base: BandParameters = {
    dataRates,
    maxAdrDataRateIndex: 5,
    strictCodingRate: false,
    uplinkChannels: defaultChannels,
    maxUplinkChannels: 16,
    downlinkChannels: defaultChannels,
    maxDownlinkChannels: 16,
    subBands: [
      {
        minFrequency: group.subBand[0],
        maxFrequency: group.subBand[1],
        dutyCycle: 0.01,
        maxEirp: 16,
      },
    ],
    defaultMaxEirp: 14,
    txPowerOffsets: txPowerOffsets(6),
    rx1DataRates: rx1(5),
    rx1ChannelMapping: { kind: "same" },
    defaultRx2: { frequency: first, dataRateIndex: 2 },
    beacon: { dataRateIndex: 3, codingRate: "4/5", frequencies: [second] },
    pingSlotFrequencies: [second],
    cfList: { type: "frequencies", supported: true },
    frequencyStep: 100,
    supportsDynamicAdr: true,
    txParamSetupReqSupport: true,
    bootDwellTime: {},
    channelMask: { kind: "dynamic-16" },
    relay: { worChannels: [] },
    sharedParameters: defaultSharedParameters,
  };
  const history: [RegionalParametersVersion, BandDelta][] = [
    ["1.0.2-a", {}],
    [
      "1.0.2-b",
      {
        txPowerOffsets: txPowerOffsets(8),
        defaultMaxEirp: 16,
        bootDwellTime: { uplinks: true, downlinks: true },
      },
    ],
    ["1.0.3-a", { bootDwellTime: { uplinks: true, downlinks: false } }],
    ["1.1-a", { bootDwellTime: {} }],
    ["1.1-b", {}],
    ["RP002-1.0.0", { rx1DataRates: rx1(7), strictCodingRate: true }],
    [
      "RP002-1.0.1",
      {
        dataRates: withDataRates(dataRates, [dataRate(2, lora(10, 125_000), 123, 19)]),
        bootDwellTime: { uplinks: true, downlinks: false },
      },
    ],
    ["RP002-1.0.2", { bootDwellTime: {} }],
    ["RP002-1.0.3", {}],
    [
      "RP002-1.0.4",
      {
        relay: {
          worChannels: [
            { frequency: first + 400_000, ackFrequency: first + 600_000, dataRateIndex: 3 },
          ],
        },
        sharedParameters: relaySharedParameters,
      },
    ],
  ];
  return defineBand(group.id, base, history).filter(
    (band) => compareVersions(band.version, group.since) >= 0,
  );
}

export const as923Bands: Band[] = [
  ...as923({
    id: "AS_923",
    channels: [923_200_000, 923_400_000],
    subBand: [923_000_000, 923_500_000],
    since: "1.0.2-a",
  }),
  ...as923({
    id: "AS_923_2",
    channels: [921_400_000, 921_600_000],
    subBand: [921_400_000, 922_000_000],
    since: "RP002-1.0.1",
  }),
  ...as923({
    id: "AS_923_3",
    channels: [916_600_000, 916_800_000],
    subBand: [916_500_000, 917_000_000],
    since: "RP002-1.0.1",
  }),
  ...as923({
    id: "AS_923_4",
    channels: [917_300_000, 917_500_000],
    subBand: [917_300_000, 917_500_000],
    since: "RP002-1.0.3",
  }),
];
