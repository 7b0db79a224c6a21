import { basedOn, channelRun, countries, sx1257 } from "./compose.ts";
import type { FrequencyPlan } from "./types.ts";

const australianCountries = countries("ar au bo br ca cl co do nz py pe sr uy");

/** The eight frequency sub-bands (FSB) of AU915-928: each has 8 uplink channels. */
export const auSubBandNumbers = [1, 2, 3, 4, 5, 6, 7, 8] as const;

function description(fsb: number): string {
  if (fsb === 2) return "Community network plan for Australia on sub-band 2";
  if (fsb === 6) return "Plan for Australia on sub-band 6, which overlaps Asia 923-925 MHz";
  return `Plan for Australia on sub-band ${fsb}`;
}

/**
 * An 8-channel AU915-928 plan on sub-band `fsb` (1–8): channels 8·(fsb−1) … 8·fsb−1 at
 * DR0–5 from 915.2 MHz, 200 kHz apart, and the 500 kHz channel between them (DR6).
 * Downlinks use the band's eight 500 kHz channels (923.3 + 0.6·n MHz).
 */
export function au915928(fsb: number): FrequencyPlan {
  const first = 915_200_000 + (fsb - 1) * 1_600_000;
  return {
    id: `AU_915_928_FSB_${fsb}`,
    name: `Australia 915-928 MHz, FSB ${fsb}${fsb === 2 ? " (used by TTN)" : ""}`,
    description: description(fsb),
    bandId: "AU_915_928",
    baseFrequencyMHz: 915,
    forGateways: true,
    countryCodes: australianCountries,
    subBands: [{ minFrequency: 915_000_000, maxFrequency: 928_000_000, dutyCycle: 1, maxEirp: 30 }],
    uplinkChannels: channelRun({
      first,
      step: 200_000,
      count: 8,
      minDataRate: 0,
      maxDataRate: 5,
      radio: (index) => (index < 4 ? 0 : 1),
    }),
    loraStandardChannel: { frequency: first + 700_000, dataRate: 6, radio: 0 },
    rx2: { frequency: 923_300_000, dataRate: 8 },
    maxEirp: 30,
    // AU915 devices boot with the 400 ms uplink dwell time; downlinks are not limited.
    dwellTime: { uplinks: true, downlinks: false, durationMs: 400 },
    radios: [
      sx1257(first + 400_000, { minFrequency: 915_000_000, maxFrequency: 928_000_000 }),
      sx1257(first + 1_100_000),
    ],
    clockSource: 1,
  };
}

/** The same channels as used in Brazil: no dwell time limit in either direction. */
export function au915928Brazil(fsb: number): FrequencyPlan {
  return basedOn(au915928(fsb), {
    id: `AU_915_928_FSB_${fsb}_BR`,
    name: `Brazil 915-928 MHz, FSB ${fsb} (dwell time disabled)`,
    description: `${description(fsb)}, for Brazil (no dwell time)`,
    countryCodes: ["br"],
    dwellTime: { uplinks: false, downlinks: false },
  });
}

export const au915928Plans: readonly FrequencyPlan[] = [
  ...auSubBandNumbers.map(au915928),
  ...auSubBandNumbers.map(au915928Brazil),
];
