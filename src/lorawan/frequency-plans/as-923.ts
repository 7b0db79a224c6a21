import {
  channels,
  downlinksOnUplinks,
  dwellTime400msBoth,
  noDwellTime,
  sx1257,
  variantOf,
} from "./compose.ts";
import type { FrequencyPlan } from "./types.ts";

/** What distinguishes the four AS923 groups: where their two common channels sit. */
interface As923Group {
  readonly bandId: string;
  /** Suffix of the plan id: "" for group 1, "_2" … "_4". */
  readonly suffix: string;
  readonly label: string;
  /** The two default channels; the first is also RX2's frequency. */
  readonly channels: readonly [number, number];
  /** The sub-band holding the common channels. */
  readonly subBand: readonly [min: number, max: number];
}

// RP002 AS923: group 1 is the original band; groups 2–4 shift the two default channels by
// −1.8, −6.6 and −5.9 MHz. RX2 is DR2 (SF10BW125) on the first default channel.
const groups: readonly As923Group[] = [
  {
    bandId: "AS_923",
    suffix: "",
    label: "Asia 915-928 MHz (AS923 Group 1)",
    channels: [923_200_000, 923_400_000],
    subBand: [923_000_000, 923_500_000],
  },
  {
    bandId: "AS_923_2",
    suffix: "_2",
    label: "Asia 920-923 MHz (AS923 Group 2)",
    channels: [921_400_000, 921_600_000],
    subBand: [921_400_000, 922_000_000],
  },
  {
    bandId: "AS_923_3",
    suffix: "_3",
    label: "Asia 915-921 MHz (AS923 Group 3)",
    channels: [916_600_000, 916_800_000],
    subBand: [916_500_000, 917_000_000],
  },
  {
    bandId: "AS_923_4",
    suffix: "_4",
    label: "Asia 917-920 MHz (AS923 Group 4)",
    channels: [917_300_000, 917_500_000],
    subBand: [917_300_000, 917_500_000],
  },
];

function megahertz(frequency: number): string {
  return (frequency / 1_000_000).toFixed(1);
}

/**
 * A compatibility plan with only the group's two default channels: every AS923 device of
 * the group can use it, whatever extra channels its country allows.
 */
function defaultChannelsPlan(group: As923Group): FrequencyPlan {
  const [first, second] = group.channels;
  const uplinks = channels(0, 5, [
    [first, 0],
    [second, 0],
  ]);
  const [min, max] = group.subBand;
  return {
    id: `AS_923${group.suffix}`,
    name: `${group.label} with only default channels`,
    description: `Compatibility plan for Asian countries with the common channels in the ${megahertz(min)}-${megahertz(max)} MHz sub-band`,
    bandId: group.bandId,
    baseFrequencyMHz: 915,
    forGateways: true,
    countryCodes: [],
    subBands: [{ minFrequency: min, maxFrequency: max, dutyCycle: 0.01, maxEirp: 16 }],
    uplinkChannels: uplinks,
    downlinkChannels: downlinksOnUplinks(uplinks),
    rx2: { frequency: first, dataRate: 2 },
    maxEirp: 16,
    radios: [
      sx1257((first + second) / 2, { minFrequency: 915_000_000, maxFrequency: 928_000_000 }),
    ],
    clockSource: 1,
  };
}

function dwellTimeVariants(plan: FrequencyPlan, label: string): FrequencyPlan[] {
  return [
    variantOf(plan, {
      id: `${plan.id}_NDT`,
      name: `${label} with only default channels and dwell time disabled`,
      description: `${plan.description}, without dwell time`,
      dwellTime: noDwellTime,
    }),
    variantOf(plan, {
      id: `${plan.id}_DT`,
      name: `${label} with only default channels and dwell time enabled`,
      description: `${plan.description}, with a 400 ms dwell time`,
      dwellTime: dwellTime400msBoth,
    }),
  ];
}

const defaultChannelPlans = groups.map(defaultChannelsPlan);

/** AS_923, AS_923_2, AS_923_3, AS_923_4 and their `_NDT` / `_DT` dwell-time variants. */
export const as923Plans: readonly FrequencyPlan[] = [
  ...defaultChannelPlans,
  ...defaultChannelPlans.flatMap((plan, index) =>
    dwellTimeVariants(plan, groups[index]?.label ?? ""),
  ),
];
