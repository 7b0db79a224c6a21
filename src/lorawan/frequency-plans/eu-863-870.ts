import { channels, countries, downlinksOnUplinks, sx1257, variantOf } from "./compose.ts";
import type { FrequencyPlan } from "./types.ts";

/**
 * Countries using EU863-870. Germany and Norway are included: both follow the ETSI
 * EN 300 220 short-range device rules this band is built on.
 */
const europeanCountries = countries(`
  al ad ao at bh be ba bw bg cg hr cy cz de dk ee sz fi fr gr hu is ie it lv ls li lt lu mg mw
  mt mu md me mz na nl mk no ph pl pt ro ru sa rs sc sk si za es se ch tz tr ae gb va zm zw
`);

const uplinkChannels = channels(0, 5, [
  // The three join channels every EU863-870 device knows, on radio 1.
  [868_100_000, 1],
  [868_300_000, 1],
  [868_500_000, 1],
  // Five more channels in the 865–868 MHz sub-band, on radio 0.
  [867_100_000, 0],
  [867_300_000, 0],
  [867_500_000, 0],
  [867_700_000, 0],
  [867_900_000, 0],
]);

/** The 8-channel plan of an EU868 gateway, with the band's RX2 (869.525 MHz, SF12). */
export const eu863870: FrequencyPlan = {
  id: "EU_863_870",
  name: "Europe 863-870 MHz (SF12 for RX2)",
  description: "Default plan for Europe: 8 channels, RX2 at 869.525 MHz with SF12BW125",
  bandId: "EU_863_870",
  baseFrequencyMHz: 868,
  forGateways: true,
  countryCodes: europeanCountries,
  // ETSI EN 300 220 sub-bands as used by the band: 14 dBm ERP (16.15 dBm EIRP) except the
  // 869.4–869.65 MHz sub-band, which allows 27 dBm ERP at a 10% duty cycle.
  subBands: [
    { minFrequency: 863_000_000, maxFrequency: 865_000_000, dutyCycle: 0.001, maxEirp: 16.15 },
    { minFrequency: 865_000_000, maxFrequency: 868_000_000, dutyCycle: 0.01, maxEirp: 16.15 },
    { minFrequency: 868_000_000, maxFrequency: 868_600_000, dutyCycle: 0.01, maxEirp: 16.15 },
    { minFrequency: 868_700_000, maxFrequency: 869_200_000, dutyCycle: 0.001, maxEirp: 16.15 },
    { minFrequency: 869_400_000, maxFrequency: 869_650_000, dutyCycle: 0.1, maxEirp: 29.15 },
    { minFrequency: 869_700_000, maxFrequency: 870_000_000, dutyCycle: 0.01, maxEirp: 16.15 },
  ],
  uplinkChannels,
  downlinkChannels: downlinksOnUplinks(uplinkChannels),
  loraStandardChannel: { frequency: 868_300_000, dataRate: 6, radio: 1 },
  fskChannel: { frequency: 868_800_000, dataRate: 7, radio: 1 },
  rx2: { frequency: 869_525_000, dataRate: 0 },
  maxEirp: 16,
  radios: [
    sx1257(867_500_000, { minFrequency: 863_000_000, maxFrequency: 870_000_000 }),
    sx1257(868_500_000),
  ],
  clockSource: 1,
};

/** The Things Network's community plan: EU_863_870 with RX2 at SF9 instead of SF12. */
export const eu863870Ttn = variantOf(eu863870, {
  id: "EU_863_870_TTN",
  name: "Europe 863-870 MHz (SF9 for RX2 - recommended)",
  description: "Community network plan for Europe: EU_863_870 with RX2 at SF9BW125 (DR3)",
  forGateways: false,
  rx2: { frequency: 869_525_000, dataRate: 3 },
});

const roamingUplinks = channels(0, 5, [
  [868_100_000, 1],
  [868_300_000, 1],
  [868_500_000, 1],
  [867_100_000, 0],
  [867_300_000, 0],
  [867_900_000, 0],
]);

/** Six channels that the large European operators share for passive roaming (draft). */
export const eu863870RoamingDraft = variantOf(eu863870, {
  id: "EU_863_870_ROAMING_DRAFT",
  name: "Europe 863-870 MHz, 6 channels for roaming (Draft)",
  description: "Six-channel European plan shared by operators for LoRaWAN passive roaming",
  forGateways: false,
  uplinkChannels: roamingUplinks,
  downlinkChannels: downlinksOnUplinks(roamingUplinks),
});

const singleChannel = channels(0, 5, [[868_100_000, 1]]);

/** One channel at 868.1 MHz, for single-channel gateways (experimental). */
export const eu8681 = variantOf(eu863870, {
  id: "EU_868_1",
  name: "Europe 868.1 MHz",
  description: "Single-channel plan for Europe on 868.1 MHz (experimental)",
  uplinkChannels: singleChannel,
  downlinkChannels: downlinksOnUplinks(singleChannel),
});

export const europe863870Plans: readonly FrequencyPlan[] = [
  eu863870,
  eu863870Ttn,
  eu863870RoamingDraft,
  eu8681,
];
