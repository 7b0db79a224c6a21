/**
 * CN470-510 as redefined by RP002: four channel plans, 20 MHz antennas (A: uplinks at
 * 470.3/503.5 MHz, downlinks at 483.9 MHz; B: up- and downlinks at 476.9/496.9 MHz) and
 * 26 MHz antennas (A: 48 uplinks from 470.3 MHz, 24 downlinks from 490.1 MHz; B: from 480.3
 * and 500.1 MHz).
 */

import {
  type BandParameters,
  channelRange,
  dataRate,
  defaultSharedParameters,
  defineBand,
  fillHoles,
  fsk,
  lora,
  range,
  relaySharedParameters,
  txPowerOffsets,
} from "../define.ts";
import type { Band, Channel, ChannelMaskLayout, Rx1ChannelMapping } from "../types.ts";
import { cnDataRates, cnRx1 } from "./cn-470-510.ts";

/** RP002-1.0.1 drops DR0 (SF12), shrinks DR1–3 and adds DR6 (SF7/500 kHz) and DR7 (FSK). */
const dataRatesSince101 = [
  dataRate(1, lora(11, 125_000), 31),
  dataRate(2, lora(10, 125_000), 94),
  dataRate(3, lora(9, 125_000), 172),
  dataRate(4, lora(8, 125_000), 250),
  dataRate(5, lora(7, 125_000), 250),
  dataRate(6, lora(7, 500_000), 250),
  dataRate(7, fsk(50_000), 250),
];

/**
 * Since RP002-1.0.1 DR1 is the lowest data rate: RX1 = max(DR1, DR − offset) for DR1–7, and
 * RX2 defaults to DR1 (as Semtech's LoRaMac-node implements RP002-1.0.1).
 */
const rx1Since101 = fillHoles(
  range(0, 7).map((up) => (up === 0 ? [] : range(0, 5).map((o) => Math.max(1, up - o)))),
);

interface Plan {
  readonly id: string;
  readonly uplinks: (minDataRate: number) => Channel[];
  readonly downlinks: (minDataRate: number) => Channel[];
  readonly rx2Frequency: number;
  readonly beaconFrequencies: readonly number[];
  readonly rx1ChannelMapping: Rx1ChannelMapping;
  readonly channelMask: ChannelMaskLayout;
}

function cn470(plan: Plan): Band[] {
  const uplinkChannels = plan.uplinks(0);
  const downlinkChannels = plan.downlinks(0);
  const base: BandParameters = {
    dataRates: cnDataRates,
    maxAdrDataRateIndex: 5,
    strictCodingRate: true,
    uplinkChannels,
    maxUplinkChannels: uplinkChannels.length,
    downlinkChannels,
    maxDownlinkChannels: downlinkChannels.length,
    subBands: [
      { minFrequency: 470_000_000, maxFrequency: 510_000_000, dutyCycle: 1, maxEirp: 19.15 },
    ],
    defaultMaxEirp: 19.15,
    txPowerOffsets: txPowerOffsets(8),
    rx1DataRates: { noDwellTime: cnRx1, dwellTime: cnRx1 },
    rx1ChannelMapping: plan.rx1ChannelMapping,
    defaultRx2: { frequency: plan.rx2Frequency, dataRateIndex: 0 },
    beacon: { dataRateIndex: 2, codingRate: "4/5", frequencies: plan.beaconFrequencies },
    pingSlotFrequencies: plan.beaconFrequencies,
    cfList: { type: "channel-masks", supported: true },
    frequencyStep: 100,
    supportsDynamicAdr: true,
    txParamSetupReqSupport: false,
    bootDwellTime: {},
    channelMask: plan.channelMask,
    relay: { worChannels: [] },
    sharedParameters: defaultSharedParameters,
  };
  return defineBand(plan.id, base, [
    ["RP002-1.0.0", {}],
    [
      "RP002-1.0.1",
      {
        dataRates: dataRatesSince101,
        uplinkChannels: plan.uplinks(1),
        downlinkChannels: plan.downlinks(1),
        rx1DataRates: { noDwellTime: rx1Since101, dwellTime: rx1Since101 },
        defaultRx2: { frequency: plan.rx2Frequency, dataRateIndex: 1 },
      },
    ],
    ["RP002-1.0.2", {}],
    ["RP002-1.0.3", {}],
    [
      "RP002-1.0.4",
      {
        relay: {
          worChannels: [
            { frequency: 472_100_000, ackFrequency: 485_300_000, dataRateIndex: 3 },
            { frequency: 494_900_000, ackFrequency: 505_500_000, dataRateIndex: 3 },
          ],
        },
        sharedParameters: relaySharedParameters,
      },
    ],
  ]);
}

const step = 200_000;

export const cn470510Rp002Bands: Band[] = [
  ...cn470({
    id: "CN_470_510_20_A",
    uplinks: (min) => [
      ...channelRange(470_300_000, step, 32, min, 5),
      ...channelRange(503_500_000, step, 32, min, 5),
    ],
    downlinks: (min) => channelRange(483_900_000, step, 64, min, 5),
    rx2Frequency: 486_900_000,
    // The beacon channel follows from the join channel; there is no single default.
    beaconFrequencies: [],
    rx1ChannelMapping: { kind: "same" },
    channelMask: { kind: "fixed-64" },
  }),
  ...cn470({
    id: "CN_470_510_20_B",
    uplinks: (min) => [
      ...channelRange(476_900_000, step, 32, min, 5),
      ...channelRange(496_900_000, step, 32, min, 5),
    ],
    downlinks: (min) => [
      ...channelRange(476_900_000, step, 32, min, 5),
      ...channelRange(496_900_000, step, 32, min, 5),
    ],
    rx2Frequency: 498_300_000,
    beaconFrequencies: [],
    rx1ChannelMapping: { kind: "same" },
    channelMask: { kind: "fixed-64" },
  }),
  ...cn470({
    id: "CN_470_510_26_A",
    uplinks: (min) => channelRange(470_300_000, step, 48, min, 5),
    downlinks: (min) => channelRange(490_100_000, step, 24, min, 5),
    rx2Frequency: 492_500_000,
    beaconFrequencies: [494_900_000],
    rx1ChannelMapping: { kind: "modulo", downlinkChannels: 24 },
    channelMask: { kind: "fixed-48" },
  }),
  ...cn470({
    id: "CN_470_510_26_B",
    uplinks: (min) => channelRange(480_300_000, step, 48, min, 5),
    downlinks: (min) => channelRange(500_100_000, step, 24, min, 5),
    rx2Frequency: 502_500_000,
    beaconFrequencies: [504_900_000],
    rx1ChannelMapping: { kind: "modulo", downlinkChannels: 24 },
    channelMask: { kind: "fixed-48" },
  }),
];
