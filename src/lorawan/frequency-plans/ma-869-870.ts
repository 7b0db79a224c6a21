import { channels, downlinksOnUplinks, sx1257 } from "./compose.ts";
import type { FrequencyPlan } from "./types.ts";

const uplinks = channels(0, 5, [
  [869_100_000, 0],
  [869_300_000, 0],
  [869_700_000, 0],
  [869_900_000, 0],
]);

/** Morocco: four channels in 869–870 MHz (draft band). */
export const ma869870Draft: FrequencyPlan = {
  id: "MA_869_870_DRAFT",
  name: "Morocco 869-870 MHz",
  description: "Draft plan for Morocco with 4 channels",
  bandId: "MA_869_870_DRAFT",
  baseFrequencyMHz: 868,
  forGateways: true,
  countryCodes: ["ma"],
  subBands: [
    { minFrequency: 869_000_000, maxFrequency: 869_400_000, dutyCycle: 0.001, maxEirp: 16.15 },
    { minFrequency: 869_400_000, maxFrequency: 869_650_000, dutyCycle: 0.1, maxEirp: 29.15 },
    { minFrequency: 869_650_000, maxFrequency: 870_000_000, dutyCycle: 0.01, maxEirp: 16.15 },
  ],
  uplinkChannels: uplinks,
  downlinkChannels: downlinksOnUplinks(uplinks),
  loraStandardChannel: { frequency: 869_300_000, dataRate: 6, radio: 1 },
  fskChannel: { frequency: 869_800_000, dataRate: 7, radio: 1 },
  rx2: { frequency: 869_525_000, dataRate: 0 },
  maxEirp: 16,
  radios: [
    sx1257(869_500_000, { minFrequency: 869_000_000, maxFrequency: 870_000_000 }),
    sx1257(869_500_000),
  ],
  clockSource: 1,
};
