import { channels, downlinksOnUplinks, lbt5ms, sx1257, variantOf } from "./compose.ts";
import type { FrequencyPlan, SubBand } from "./types.ts";

// Japanese plans on AS923 group 1 (ARIB STD-T108): 5 ms carrier sense before each
// transmission, 16 dBm EIRP, or 27 dBm for licensed land mobile stations. The numbers in the
// names are ARIB channel numbers (channel 24 = 920.6 MHz, 200 kHz apart).

function subBand(minFrequency: number, maxFrequency: number, maxEirp: number): SubBand {
  return { minFrequency, maxFrequency, dutyCycle: 1, maxEirp };
}

function japanesePlan(
  plan: Pick<
    FrequencyPlan,
    "id" | "name" | "description" | "subBands" | "uplinkChannels" | "radios"
  > &
    Partial<FrequencyPlan>,
): FrequencyPlan {
  return {
    bandId: "AS_923",
    baseFrequencyMHz: 915,
    forGateways: true,
    countryCodes: ["jp"],
    downlinkChannels: downlinksOnUplinks(plan.uplinkChannels),
    rx2: { frequency: 923_200_000, dataRate: 2 },
    maxEirp: 16,
    listenBeforeTalk: lbt5ms,
    clockSource: 1,
    ...plan,
  };
}

const jp1Uplinks = channels(0, 5, [
  [923_200_000, 0],
  [923_400_000, 0],
  [922_800_000, 0],
  [923_000_000, 0],
  [922_600_000, 0],
  [922_000_000, 1],
  [922_200_000, 1],
  [922_400_000, 1],
]);

/** Channels 31–38 (922.0–923.4 MHz). */
export const japan1 = japanesePlan({
  id: "AS_920_923_TTN_JP_1",
  name: "Japan 920-923 MHz with LBT (channels 31-38)",
  description: "Plan for Japan on the contiguous channels up to 923.4 MHz, with LBT",
  subBands: [subBand(922_000_000, 923_400_000, 16)],
  uplinkChannels: jp1Uplinks,
  // Downlinks are listed in a different order than uplinks in this plan.
  downlinkChannels: downlinksOnUplinks([
    ...jp1Uplinks.slice(0, 4),
    ...jp1Uplinks.slice(5),
    ...jp1Uplinks.slice(4, 5),
  ]),
  loraStandardChannel: { frequency: 922_100_000, dataRate: 6, radio: 1 },
  fskChannel: { frequency: 921_800_000, dataRate: 7, radio: 1 },
  radios: [
    sx1257(923_000_000, { minFrequency: 922_000_000, maxFrequency: 923_400_000 }),
    sx1257(922_100_000),
  ],
});

/** Channels 24–27 and 35–38 (the bottom and top of 920.6–923.4 MHz). */
export const japan2 = japanesePlan({
  id: "AS_920_923_TTN_JP_2",
  name: "Japan 920-923 MHz with LBT (channels 24-27 and 35-38)",
  description: "Plan for Japan on the lowest and highest channels up to 923.4 MHz, with LBT",
  subBands: [subBand(920_600_000, 923_400_000, 16)],
  uplinkChannels: channels(0, 5, [
    [923_200_000, 1],
    [923_400_000, 1],
    [922_800_000, 1],
    [923_000_000, 1],
    [920_600_000, 0],
    [920_800_000, 0],
    [921_000_000, 0],
    [921_200_000, 0],
  ]),
  loraStandardChannel: { frequency: 923_100_000, dataRate: 6, radio: 1 },
  radios: [
    sx1257(920_900_000, { minFrequency: 920_600_000, maxFrequency: 923_400_000 }),
    sx1257(923_100_000),
  ],
});

/** Channels 24–31 (920.6–922.0 MHz), meant to run beside JP_1 on 16-channel gateways. */
export const japan3 = japanesePlan({
  id: "AS_920_923_TTN_JP_3",
  name: "Japan 920-923 MHz with LBT (channels 24-31)",
  description:
    "Plan for Japan on the contiguous channels from 920.6 MHz, with LBT; pairs with JP_1",
  subBands: [subBand(920_600_000, 922_000_000, 16)],
  uplinkChannels: channels(0, 5, [
    [920_600_000, 0],
    [920_800_000, 0],
    [921_000_000, 0],
    [921_200_000, 0],
    [921_400_000, 1],
    [921_600_000, 1],
    [921_800_000, 1],
    [922_000_000, 1],
  ]),
  loraStandardChannel: { frequency: 922_100_000, dataRate: 6, radio: 1 },
  radios: [
    sx1257(920_900_000, { minFrequency: 920_600_000, maxFrequency: 922_000_000 }),
    sx1257(921_800_000),
  ],
});

const landMobileNote = "for licensed land mobile stations (27 dBm EIRP)";

export const japanPlans: readonly FrequencyPlan[] = [
  japan1,
  variantOf(japan1, {
    id: "AS_920_923_TTN_JP_1_LAND_MOBILE",
    name: "Japan 920-923 MHz with LBT (channels 31-38), Max EIRP 27 dBm",
    description: `AS_920_923_TTN_JP_1 ${landMobileNote}`,
    subBands: [subBand(922_000_000, 923_400_000, 27)],
  }),
  japan2,
  japan3,
  variantOf(japan3, {
    id: "AS_920_923_TTN_JP_3_LAND_MOBILE",
    name: "Japan 920-923 MHz with LBT (channels 24-31), Max EIRP 27 dBm",
    description: `AS_920_923_TTN_JP_3 ${landMobileNote}`,
    subBands: [subBand(920_600_000, 922_000_000, 27)],
  }),
];
