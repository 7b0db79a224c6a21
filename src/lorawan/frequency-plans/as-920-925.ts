import {
  channels,
  countries,
  downlinksOnUplinks,
  lbt128us,
  noDwellTime,
  sx1257,
  variantOf,
} from "./compose.ts";
import type { FrequencyPlan } from "./types.ts";

// The Things Network's 8-channel plans for AS923 group 1, split at 923 MHz because countries
// allow either the lower (920–923 MHz) or the upper (923–925 MHz) part. Both keep the two
// AS923 default channels (923.2 and 923.4 MHz) so that any AS923 device can join.

const lowerUplinks = channels(0, 5, [
  [923_200_000, 0],
  [923_400_000, 0],
  [922_200_000, 1],
  [922_400_000, 1],
  [922_600_000, 0],
  [922_800_000, 0],
  [923_000_000, 0],
  [922_000_000, 1],
]);

/** AS923 below 923.4 MHz (Malaysia, Singapore). */
export const as920923: FrequencyPlan = {
  id: "AS_920_923",
  name: "Asia 920-923 MHz",
  description: "Community network plan for Asian countries using frequencies up to 923.4 MHz",
  bandId: "AS_923",
  baseFrequencyMHz: 915,
  forGateways: true,
  countryCodes: ["my", "sg"],
  subBands: [{ minFrequency: 922_000_000, maxFrequency: 923_400_000, dutyCycle: 1, maxEirp: 16 }],
  uplinkChannels: lowerUplinks,
  downlinkChannels: downlinksOnUplinks(lowerUplinks),
  loraStandardChannel: { frequency: 922_100_000, dataRate: 6, radio: 1 },
  fskChannel: { frequency: 921_800_000, dataRate: 7, radio: 1 },
  rx2: { frequency: 923_200_000, dataRate: 2 },
  maxEirp: 16,
  radios: [
    sx1257(923_000_000, { minFrequency: 920_000_000, maxFrequency: 923_400_000 }),
    sx1257(922_100_000),
  ],
  clockSource: 1,
};

const upperUplinks = channels(0, 5, [
  [923_200_000, 0],
  [923_400_000, 0],
  [923_600_000, 0],
  [923_800_000, 0],
  [924_000_000, 0],
  [924_200_000, 1],
  [924_400_000, 1],
  [924_600_000, 1],
]);

/** AS923 from 923.2 MHz up (South-East Asia, Hong Kong, Taiwan). */
export const as923925: FrequencyPlan = {
  id: "AS_923_925",
  name: "Asia 923-925 MHz",
  description: "Community network plan for Asian countries using frequencies from 923 MHz",
  bandId: "AS_923",
  baseFrequencyMHz: 915,
  forGateways: true,
  countryCodes: countries("bn kh hk id la tw th vn"),
  subBands: [{ minFrequency: 923_200_000, maxFrequency: 924_600_000, dutyCycle: 1, maxEirp: 16 }],
  uplinkChannels: upperUplinks,
  downlinkChannels: downlinksOnUplinks(upperUplinks),
  loraStandardChannel: { frequency: 924_500_000, dataRate: 6, radio: 1 },
  fskChannel: { frequency: 924_800_000, dataRate: 7, radio: 1 },
  rx2: { frequency: 923_200_000, dataRate: 2 },
  maxEirp: 16,
  radios: [
    sx1257(923_600_000, { minFrequency: 923_200_000, maxFrequency: 925_000_000 }),
    sx1257(924_500_000),
  ],
  clockSource: 1,
};

/** Australia allows the whole 915–928 MHz range at 30 dBm without dwell time. */
const australianLimits = {
  countryCodes: ["au"],
  subBands: [{ minFrequency: 915_000_000, maxFrequency: 928_000_000, dutyCycle: 1, maxEirp: 30 }],
  dwellTime: noDwellTime,
  maxEirp: 30,
} as const;

const uzbekUplinks = channels(0, 5, [
  [926_400_000, 0],
  [926_600_000, 0],
  [926_800_000, 0],
]);

/** Uzbekistan: three channels and RX2 in 926.2–926.8 MHz, outside AS923's default channels. */
export const uz9231: FrequencyPlan = {
  id: "UZ_923_1",
  name: "Uzbekistan 915-928 MHz with only default channels",
  description:
    "Compatibility plan for Uzbekistan with its channels in the 926.2-926.8 MHz sub-band",
  bandId: "AS_923",
  baseFrequencyMHz: 915,
  forGateways: true,
  countryCodes: ["uz"],
  subBands: [{ minFrequency: 926_200_000, maxFrequency: 926_800_000, dutyCycle: 1, maxEirp: 16 }],
  uplinkChannels: uzbekUplinks,
  downlinkChannels: downlinksOnUplinks(uzbekUplinks),
  rx2: { frequency: 926_200_000, dataRate: 2 },
  maxEirp: 16,
  radios: [
    sx1257(926_600_000, { minFrequency: 926_200_000, maxFrequency: 927_800_000 }),
    sx1257(926_600_000),
  ],
  clockSource: 1,
};

export const as920925Plans: readonly FrequencyPlan[] = [
  as920923,
  variantOf(as920923, {
    id: "AS_920_923_LBT",
    name: "Asia 920-923 MHz with LBT",
    description: "AS_920_923 with listen-before-talk before each downlink",
    countryCodes: ["jp", "my", "sg"],
    listenBeforeTalk: lbt128us,
  }),
  variantOf(as920923, {
    id: "AS_920_923_TTN_AU",
    name: "Asia 920-923 MHz (used by TTN Australia)",
    description: "Community network plan for AS923 920-923 MHz channels in Australia",
    ...australianLimits,
  }),
  variantOf(as920923, {
    id: "SG_920_923_TTN",
    name: "Singapore 920-923 MHz",
    description: "Community network plan for Singapore: AS_920_923 at a 10% duty cycle",
    countryCodes: ["sg"],
    subBands: [
      { minFrequency: 922_000_000, maxFrequency: 923_400_000, dutyCycle: 0.1, maxEirp: 16 },
    ],
    dwellTime: noDwellTime,
  }),
  as923925,
  variantOf(as923925, {
    id: "AS_923_925_LBT",
    name: "Asia 923-925 MHz with LBT",
    description: "AS_923_925 with listen-before-talk before each downlink",
    listenBeforeTalk: lbt128us,
  }),
  variantOf(as923925, {
    id: "AS_923_925_TTN_AU",
    name: "Asia 923-925 MHz (used by TTN Australia - secondary channels)",
    description: "Secondary AS923 923-925 MHz channels for 16-channel gateways in Australia",
    forGateways: false,
    ...australianLimits,
  }),
  uz9231,
];
