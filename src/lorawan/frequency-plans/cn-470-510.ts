import { channelRun, sx1255 } from "./compose.ts";
import type { FrequencyPlan } from "./types.ts";

/**
 * An 8-channel CN470-510 plan on sub-band `fsb` (1–12): channels 8·(fsb−1) … 8·fsb−1 of the
 * 96 uplink channels (470.3 + 0.2·n MHz) at DR0–5. Downlinks use the band's RX1 mapping onto
 * its 48 downlink channels (500.3 + 0.2·n MHz), so the plan lists none.
 */
export function cn470510(fsb: number): FrequencyPlan {
  const first = 470_300_000 + (fsb - 1) * 1_600_000;
  return {
    id: `CN_470_510_FSB_${fsb}`,
    name: `China 470-510 MHz, FSB ${fsb}${fsb === 11 ? " (used by TTN)" : ""}`,
    description:
      fsb === 11
        ? "Community network plan for China on sub-band 11"
        : `Plan for China on sub-band ${fsb}`,
    bandId: "CN_470_510",
    baseFrequencyMHz: 470,
    forGateways: true,
    countryCodes: ["cn"],
    subBands: [
      { minFrequency: 470_000_000, maxFrequency: 510_000_000, dutyCycle: 1, maxEirp: 19.15 },
    ],
    uplinkChannels: channelRun({
      first,
      step: 200_000,
      count: 8,
      minDataRate: 0,
      maxDataRate: 5,
      radio: (index) => (index < 4 ? 0 : 1),
    }),
    rx2: { frequency: 505_300_000, dataRate: 0 },
    maxEirp: 19.15,
    radios: [
      sx1255(first + 300_000, { minFrequency: 470_000_000, maxFrequency: 510_000_000 }),
      sx1255(first + 1_100_000),
    ],
    clockSource: 1,
  };
}

/** The sub-bands operators use: 1 (the default) and 11 (The Things Network). */
export const cn470510Plans: readonly FrequencyPlan[] = [cn470510(1), cn470510(11)];
