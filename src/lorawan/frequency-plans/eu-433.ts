import { channelRun, downlinksOnUplinks, sx1255 } from "./compose.ts";
import type { FrequencyPlan } from "./types.ts";

const uplinks = channelRun({
  first: 433_175_000,
  step: 200_000,
  count: 8,
  minDataRate: 0,
  maxDataRate: 5,
  radio: (index) => (index < 4 ? 0 : 1),
});

/** EU433 (ITU region 1): 8 channels over the whole 433.05–434.79 MHz ISM band. */
export const eu433: FrequencyPlan = {
  id: "EU_433",
  name: "Europe 433 MHz (ITU region 1)",
  description: "Default plan for the 433 MHz band",
  bandId: "EU_433",
  baseFrequencyMHz: 433,
  forGateways: true,
  countryCodes: [],
  // ETSI EN 300 220 allows 10% here; LoRaWAN end devices keep to 1% on their own.
  subBands: [
    { minFrequency: 433_050_000, maxFrequency: 434_790_000, dutyCycle: 0.1, maxEirp: 12.15 },
  ],
  uplinkChannels: uplinks,
  downlinkChannels: downlinksOnUplinks(uplinks),
  loraStandardChannel: { frequency: 434_075_000, dataRate: 6, radio: 1 },
  rx2: { frequency: 434_665_000, dataRate: 0 },
  maxEirp: 12.15,
  radios: [
    sx1255(433_475_000, { minFrequency: 433_050_000, maxFrequency: 434_790_000 }),
    sx1255(434_275_000),
  ],
  clockSource: 1,
};
