import {
  channelRun,
  channels,
  countries,
  downlinksOnUplinks,
  sx1257,
  variantOf,
} from "./compose.ts";
import type { FrequencyPlan } from "./types.ts";

const americanCountries = countries("ca cr ec gy mx pa pr us");

/** The eight frequency sub-bands (FSB) of US902-928: each has 8 uplink channels. */
export const usSubBandNumbers = [1, 2, 3, 4, 5, 6, 7, 8] as const;

/** Uplink channel 0 of sub-band `fsb`: 125 kHz channels start at 902.3 MHz, 200 kHz apart. */
function firstChannel(fsb: number): number {
  return 902_300_000 + (fsb - 1) * 1_600_000;
}

/**
 * An 8-channel US902-928 plan on sub-band `fsb` (1–8): channels 8·(fsb−1) … 8·fsb−1 at DR0–3
 * and the 500 kHz channel 64+fsb−1 (DR4) between them. Downlinks use the band's eight
 * 500 kHz downlink channels (923.3 + 0.6·n MHz), so the plan lists none.
 */
export function us902928(fsb: number): FrequencyPlan {
  const first = firstChannel(fsb);
  return {
    id: `US_902_928_FSB_${fsb}`,
    name: `United States 902-928 MHz, FSB ${fsb}${fsb === 2 ? " (used by TTN)" : ""}`,
    description:
      fsb === 2
        ? "Community network plan for the United States and Canada on sub-band 2"
        : `Plan for the United States and Canada on sub-band ${fsb}`,
    bandId: "US_902_928",
    baseFrequencyMHz: 915,
    forGateways: true,
    countryCodes: americanCountries,
    // The band's two sub-bands: the 125 kHz uplink channels and the 500 kHz downlink
    // channels (EIRP = ERP + 2.15 dB, as the band states its limits).
    subBands: [
      { minFrequency: 902_300_000, maxFrequency: 914_900_000, dutyCycle: 1, maxEirp: 23.15 },
      { minFrequency: 923_300_000, maxFrequency: 927_500_000, dutyCycle: 1, maxEirp: 28.15 },
    ],
    uplinkChannels: channelRun({
      first,
      step: 200_000,
      count: 8,
      minDataRate: 0,
      maxDataRate: 3,
      radio: (index) => (index < 4 ? 0 : 1),
    }),
    loraStandardChannel: { frequency: first + 700_000, dataRate: 4, radio: 0 },
    rx2: { frequency: 923_300_000, dataRate: 8 },
    maxEirp: 30,
    // FCC 15.247: 400 ms dwell time for the hopping 125 kHz uplinks; the 500 kHz downlinks
    // count as digital modulation, which has no dwell-time limit.
    dwellTime: { uplinks: true, downlinks: false, durationMs: 400 },
    radios: [
      sx1257(first + 400_000, { minFrequency: 923_000_000, maxFrequency: 928_000_000 }),
      sx1257(first + 1_100_000),
    ],
    clockSource: 1,
  };
}

/** A single-channel plan on the 500 kHz channel frequency of sub-band `fsb` (experimental). */
export function usSingleChannel(fsb: number): FrequencyPlan {
  const frequency = firstChannel(fsb) + 700_000;
  const megahertz = (frequency / 1_000_000).toFixed(1);
  const only = channels(0, 3, [[frequency, 1]]);
  return variantOf(us902928(fsb), {
    id: `US_${megahertz.replace(".", "_")}`,
    name: `United States ${megahertz} MHz`,
    description: `Single-channel plan for the United States on ${megahertz} MHz (experimental)`,
    forGateways: false,
    uplinkChannels: only,
    downlinkChannels: downlinksOnUplinks(only),
    maxEirp: 24.15,
  });
}

export const us902928Plans: readonly FrequencyPlan[] = [
  ...usSubBandNumbers.map(us902928),
  ...usSubBandNumbers.map(usSingleChannel),
];
