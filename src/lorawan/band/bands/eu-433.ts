/** EU433: EU-like dynamic band in the 433.05–434.79 MHz SRD band (10 dBm ERP, 10 % duty cycle). */
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

const defaultChannels = channels([433_175_000, 433_375_000, 433_575_000], 0, 5);

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
      minFrequency: 433_175_000,
      maxFrequency: 434_665_000,
      dutyCycle: 0.1,
      maxEirp: erpToEirp(10),
    },
  ],
  defaultMaxEirp: erpToEirp(10),
  txPowerOffsets: txPowerOffsets(6),
  rx1DataRates: { noDwellTime: euLikeRx1, dwellTime: euLikeRx1 },
  rx1ChannelMapping: { kind: "same" },
  defaultRx2: { frequency: 434_665_000, dataRateIndex: 0 },
  // The regional parameters give 434.665 MHz for the beacon and the ping slots.
  beacon: { dataRateIndex: 3, codingRate: "4/5", frequencies: [434_665_000] },
  pingSlotFrequencies: [434_665_000],
  cfList: { type: "frequencies", supported: true },
  frequencyStep: 100,
  supportsDynamicAdr: true,
  txParamSetupReqSupport: false,
  bootDwellTime: {},
  channelMask: { kind: "dynamic-16" },
  relay: { worChannels: [] },
  sharedParameters: defaultSharedParameters,
};

export const eu433Bands = defineBand("EU_433", base, [
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
  // RP002-1.0.4 defines no relay channels for EU433, only the common relay timing.
  ["RP002-1.0.4", { sharedParameters: relaySharedParameters }],
]);
