import { channels, downlinksOnUplinks, noDwellTime, sx1257 } from "./compose.ts";
import type { FrequencyPlan, UplinkChannel } from "./types.ts";

// Israel uses AS923 group 4 (default channels 917.3 and 917.5 MHz) at a 1% duty cycle.

function israeliPlan(
  id: string,
  name: string,
  description: string,
  uplinks: UplinkChannel[],
  maxFrequency: number,
  secondRadio: number,
): FrequencyPlan {
  return {
    id,
    name,
    description,
    bandId: "AS_923_4",
    baseFrequencyMHz: 915,
    forGateways: true,
    countryCodes: ["il"],
    subBands: [{ minFrequency: 917_300_000, maxFrequency, dutyCycle: 0.01, maxEirp: 16 }],
    uplinkChannels: uplinks,
    downlinkChannels: downlinksOnUplinks(uplinks),
    rx2: { frequency: 917_300_000, dataRate: 2 },
    maxEirp: 16,
    dwellTime: noDwellTime,
    radios: [
      sx1257(917_600_000, { minFrequency: 915_000_000, maxFrequency: 928_000_000 }),
      sx1257(secondRadio),
    ],
    clockSource: 1,
  };
}

const lowChannels: [number, number][] = [
  [917_300_000, 0],
  [917_500_000, 0],
  [917_700_000, 0],
  [917_900_000, 0],
];

export const israelPlans: readonly FrequencyPlan[] = [
  israeliPlan(
    "IL_917_920_TTN",
    "Israel 917-920 MHz (channels 1-4 and 11-14)",
    "Community network plan for Israel on channels 1-4 and 11-14",
    channels(0, 5, [
      ...lowChannels,
      [919_300_000, 1],
      [919_500_000, 1],
      [919_700_000, 1],
      [919_900_000, 1],
    ]),
    919_900_000,
    919_600_000,
  ),
  israeliPlan(
    "IL_917_920_TTN_2",
    "Israel 917-920 MHz (channels 1-7 and 9)",
    "Community network plan for Israel on channels 1-7 and 9",
    channels(0, 5, [
      ...lowChannels,
      [918_100_000, 1],
      [918_300_000, 1],
      [918_500_000, 1],
      [918_900_000, 1],
    ]),
    918_900_000,
    918_500_000,
  ),
];
