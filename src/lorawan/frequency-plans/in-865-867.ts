import { channels, downlinksOnUplinks, sx1257 } from "./compose.ts";
import type { FrequencyPlan } from "./types.ts";

const uplinks = channels(0, 5, [
  // IN865-867's three default channels …
  [865_062_500, 0],
  [865_402_500, 0],
  [865_985_000, 1],
  // … and five more.
  [865_232_500, 0],
  [866_185_000, 1],
  [866_385_000, 1],
  [866_585_000, 1],
  [866_785_000, 1],
]);

/** India: 8 channels in 865–867 MHz, no duty cycle limit. */
export const in865867: FrequencyPlan = {
  id: "IN_865_867",
  name: "India 865-867 MHz",
  description: "Default plan for India",
  bandId: "IN_865_867",
  baseFrequencyMHz: 868,
  forGateways: true,
  countryCodes: ["in"],
  subBands: [
    { minFrequency: 865_000_000, maxFrequency: 867_000_000, dutyCycle: 1, maxEirp: 16.15 },
  ],
  uplinkChannels: uplinks,
  downlinkChannels: downlinksOnUplinks(uplinks),
  rx2: { frequency: 866_550_000, dataRate: 2 },
  maxEirp: 30,
  radios: [
    sx1257(865_200_000, {
      minFrequency: 865_000_000,
      maxFrequency: 867_000_000,
      notchFrequency: 129_000,
    }),
    sx1257(866_385_000),
  ],
  clockSource: 1,
};
