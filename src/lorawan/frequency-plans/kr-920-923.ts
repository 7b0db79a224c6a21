import { channels, downlinksOnUplinks, lbt128us, sx1257 } from "./compose.ts";
import type { FrequencyPlan } from "./types.ts";

const uplinks = channels(0, 5, [
  [922_100_000, 0],
  [922_300_000, 0],
  [922_500_000, 0],
  [922_700_000, 0],
  [922_900_000, 1],
  [923_100_000, 1],
  [923_300_000, 1],
]);

/**
 * South Korea: the three KR920-923 default channels and four more, with listen-before-talk.
 *
 * The sub-band is the band's channel range, 920.9–923.3 MHz (the centre frequencies of
 * KR920-923 channels, which the gateway's transmit range also spans). The Things Stack's
 * band states 920–923 MHz, which would leave this plan's own 923.1 and 923.3 MHz channels
 * outside every sub-band.
 */
export const kr920923Ttn: FrequencyPlan = {
  id: "KR_920_923_TTN",
  name: "South Korea 920-923 MHz",
  description: "Community network plan for South Korea",
  bandId: "KR_920_923",
  baseFrequencyMHz: 915,
  forGateways: true,
  countryCodes: ["kr"],
  subBands: [
    { minFrequency: 920_900_000, maxFrequency: 923_300_000, dutyCycle: 1, maxEirp: 16.15 },
  ],
  uplinkChannels: uplinks,
  downlinkChannels: downlinksOnUplinks(uplinks),
  rx2: { frequency: 921_900_000, dataRate: 0 },
  maxEirp: 14,
  listenBeforeTalk: lbt128us,
  radios: [
    sx1257(922_400_000, { minFrequency: 920_900_000, maxFrequency: 923_300_000 }),
    sx1257(923_000_000),
  ],
  clockSource: 1,
};
