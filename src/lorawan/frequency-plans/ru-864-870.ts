import { channels, downlinksOnUplinks, sx1257 } from "./compose.ts";
import type { FrequencyPlan } from "./types.ts";

const uplinks = channels(0, 5, [
  // RU864-870's two default channels …
  [868_900_000, 1],
  [869_100_000, 1],
  // … and five channels at the bottom of the band.
  [864_100_000, 0],
  [864_300_000, 0],
  [864_500_000, 0],
  [864_700_000, 0],
  [864_900_000, 0],
]);

/** Russia: 7 channels, RX2 on 869.1 MHz at SF12. */
export const ru864870Ttn: FrequencyPlan = {
  id: "RU_864_870_TTN",
  name: "Russia 864-870 MHz",
  description: "Community network plan for Russia",
  bandId: "RU_864_870",
  baseFrequencyMHz: 868,
  forGateways: true,
  countryCodes: ["ru"],
  subBands: [
    { minFrequency: 864_000_000, maxFrequency: 870_000_000, dutyCycle: 0.01, maxEirp: 22.15 },
  ],
  uplinkChannels: uplinks,
  downlinkChannels: downlinksOnUplinks(uplinks),
  rx2: { frequency: 869_100_000, dataRate: 0 },
  maxEirp: 16,
  radios: [
    sx1257(864_500_000, { minFrequency: 864_000_000, maxFrequency: 870_000_000 }),
    sx1257(869_000_000),
  ],
  clockSource: 1,
};
