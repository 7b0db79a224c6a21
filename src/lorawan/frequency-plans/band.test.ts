// Checks every frequency plan against its band (src/lorawan/band), in the band's newest
// regional parameters version: data rate indexes exist and suit the channel, frequencies lie
// in the band, RX2 uses a data rate a downlink can use.
import assert from "node:assert/strict";
import { test } from "node:test";
import { isDeepStrictEqual } from "node:util";
import { type Band, getDataRate, latestBand } from "../band/index.ts";
import { frequencyPlans } from "./index.ts";
import type { FrequencyPlan } from "./types.ts";

/**
 * The frequency range in Hz each band may use, from the band definitions of RP002-1.0.3.
 * The band data lists only the sub-bands of its default channels (AS923: 923.0–923.5 MHz),
 * while plans legitimately use the whole band.
 */
const bandRanges: Record<string, readonly [number, number]> = {
  EU_863_870: [863_000_000, 870_000_000],
  US_902_928: [902_000_000, 928_000_000],
  AU_915_928: [915_000_000, 928_000_000],
  // AS923 groups 1–4 all lie in 915–928 MHz.
  AS_923: [915_000_000, 928_000_000],
  AS_923_2: [915_000_000, 928_000_000],
  AS_923_3: [915_000_000, 928_000_000],
  AS_923_4: [915_000_000, 928_000_000],
  CN_470_510: [470_000_000, 510_000_000],
  // KR920-923 channel centre frequencies run from 920.9 to 923.3 MHz.
  KR_920_923: [920_900_000, 923_300_000],
  IN_865_867: [865_000_000, 867_000_000],
  RU_864_870: [864_000_000, 870_000_000],
  EU_433: [433_050_000, 434_790_000],
  MA_869_870_DRAFT: [869_000_000, 870_000_000],
  ISM_2400: [2_400_000_000, 2_500_000_000],
};

/**
 * Plans that deliberately omit the band's default (join) channels: they are for
 * single-channel gateways or are meant to run beside another plan that has them.
 */
const withoutDefaultChannels = new Set([
  "EU_868_1", // single channel
  "UZ_923_1", // Uzbekistan allows only 926.2–926.8 MHz
  "AS_920_923_TTN_JP_3", // runs beside JP_1 on 16-channel gateways
  "AS_920_923_TTN_JP_3_LAND_MOBILE",
]);

function frequencies(plan: FrequencyPlan): [string, number][] {
  return [
    ...plan.uplinkChannels.map((c, i): [string, number] => [`uplink ${i}`, c.frequency]),
    ...(plan.downlinkChannels ?? []).map((c, i): [string, number] => [
      `downlink ${i}`,
      c.frequency,
    ]),
    ...(plan.loraStandardChannel ? [["LoRa standard", plan.loraStandardChannel.frequency]] : []),
    ...(plan.fskChannel ? [["FSK", plan.fskChannel.frequency]] : []),
    ["RX2", plan.rx2.frequency],
    ...plan.subBands.flatMap((s, i): [string, number][] => [
      [`sub-band ${i} min`, s.minFrequency],
      [`sub-band ${i} max`, s.maxFrequency],
    ]),
  ] as [string, number][];
}

function inAnySubBand(band: Band, frequency: number): boolean {
  return band.subBands.some((s) => s.minFrequency <= frequency && frequency <= s.maxFrequency);
}

for (const plan of frequencyPlans) {
  test(`${plan.id} is consistent with band ${plan.bandId}`, () => {
    const band = latestBand(plan.bandId);
    assert.ok(band, `band ${plan.bandId} is defined`);
    const where = `${plan.id} (${band.id} ${band.version})`;

    const range = bandRanges[plan.bandId];
    assert.ok(range, `${plan.bandId} has a frequency range`);
    for (const [what, frequency] of frequencies(plan)) {
      assert.ok(range[0] <= frequency && frequency <= range[1], `${where}: ${what} ${frequency}`);
    }

    // Uplink and downlink channels are multi-SF LoRa channels: every data rate index in
    // their range exists and all are LoRa at one bandwidth.
    for (const channel of [...plan.uplinkChannels, ...(plan.downlinkChannels ?? [])]) {
      const bandwidths = new Set<number>();
      for (let index = channel.minDataRate; index <= channel.maxDataRate; index++) {
        const rate = getDataRate(band, index);
        assert.ok(rate, `${where}: channel ${channel.frequency} data rate ${index} exists`);
        assert.equal(rate.modulation.kind, "lora", `${where}: DR${index} is LoRa`);
        if (rate.modulation.kind === "lora") bandwidths.add(rate.modulation.bandwidth);
      }
      assert.equal(bandwidths.size, 1, `${where}: channel ${channel.frequency} has one bandwidth`);
    }
    if (plan.loraStandardChannel) {
      const rate = getDataRate(band, plan.loraStandardChannel.dataRate);
      assert.ok(
        rate?.modulation.kind === "lora" && rate.modulation.bandwidth > 125_000,
        `${where}: LoRa standard channel uses a wide LoRa data rate`,
      );
    }
    if (plan.fskChannel) {
      const rate = getDataRate(band, plan.fskChannel.dataRate);
      assert.equal(rate?.modulation.kind, "fsk", `${where}: FSK channel uses the FSK data rate`);
    }

    // RX2 must be a data rate a gateway can transmit (LoRa or FSK, never LR-FHSS) and, for
    // plans keeping the band's sub-bands, lie in one of them.
    const rx2Rate = getDataRate(band, plan.rx2.dataRate);
    assert.ok(rx2Rate, `${where}: RX2 data rate ${plan.rx2.dataRate} exists`);
    assert.notEqual(rx2Rate.modulation.kind, "lr-fhss", `${where}: RX2 is not LR-FHSS`);
    if (sameSubBands(plan, band)) {
      assert.ok(inAnySubBand(band, plan.rx2.frequency), `${where}: RX2 in a band sub-band`);
      for (const channel of plan.downlinkChannels ?? []) {
        assert.ok(inAnySubBand(band, channel.frequency), `${where}: ${channel.frequency}`);
      }
    }

    const isFixed = band.channelMask.kind !== "dynamic-16";
    if (isFixed) {
      // Fixed-channel bands: every plan channel is one of the band's channels.
      const known = new Set(band.uplinkChannels.map((channel) => channel.frequency));
      for (const channel of plan.uplinkChannels) {
        assert.ok(known.has(channel.frequency), `${where}: ${channel.frequency} is a channel`);
      }
      if (plan.loraStandardChannel) {
        const wide = band.uplinkChannels.find(
          (c) => c.frequency === plan.loraStandardChannel?.frequency,
        );
        assert.equal(wide?.minDataRate, plan.loraStandardChannel.dataRate, `${where}: 500 kHz`);
      }
    } else if (!withoutDefaultChannels.has(plan.id)) {
      // Dynamic-channel bands: the plan serves the default (join) channels.
      const served = new Set(plan.uplinkChannels.map((channel) => channel.frequency));
      for (const channel of band.uplinkChannels) {
        assert.ok(served.has(channel.frequency), `${where}: default channel ${channel.frequency}`);
      }
    }
  });
}

function sameSubBands(plan: FrequencyPlan, band: Band): boolean {
  return isDeepStrictEqual(
    plan.subBands.map((s) => ({ ...s })),
    band.subBands.map((s) => ({ ...s })),
  );
}
