import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DefinedError } from "../../errors/index.ts";
import { latestBand } from "../../lorawan/band/index.ts";
import { getFrequencyPlan } from "../../lorawan/frequency-plans/index.ts";
import { dataRateTable } from "./data-rates.ts";
import { parseJson } from "./lossless-json.ts";
import { buildRouterConfig, encodeRouterConfig, regionName } from "./router-config.ts";
import { eu868DataRates, us915DataRates } from "./test-vectors.ts";

const muxTime = 1796447917.779;

describe("router_config", () => {
  it("EU868: what the transcript's LNS sent station, from our plan", () => {
    const config = buildRouterConfig([getFrequencyPlan("EU_863_870")], { muxTime });
    assert.equal(config.region, "EU868");
    assert.equal(config.hwspec, "sx1301/1");
    assert.deepEqual(config.freq_range, [863_000_000, 870_000_000]);
    assert.deepEqual(config.DRs, eu868DataRates);
    assert.equal(config.max_eirp, 16);
    assert.equal(config.NetID, null);
    assert.equal(config.JoinEui, null);
    assert.equal(config.bcning, null);
    assert.equal(config.MuxTime, muxTime);
    assert.deepEqual(config.upchannels, [
      [868_100_000, 0, 5],
      [868_300_000, 0, 5],
      [868_500_000, 0, 5],
      [867_100_000, 0, 5],
      [867_300_000, 0, 5],
      [867_500_000, 0, 5],
      [867_700_000, 0, 5],
      [867_900_000, 0, 5],
      [868_300_000, 6, 6],
      [868_800_000, 7, 7],
    ]);
    // The transcript's sx1301_conf (../shared/peers lib/mocklns.mjs), with the FSK bit rate added.
    assert.deepEqual(config.sx1301_conf, [
      {
        radio_0: { enable: true, freq: 867_500_000 },
        radio_1: { enable: true, freq: 868_500_000 },
        chan_multiSF_0: { enable: true, radio: 1, if: -400_000 },
        chan_multiSF_1: { enable: true, radio: 1, if: -200_000 },
        chan_multiSF_2: { enable: true, radio: 1, if: 0 },
        chan_multiSF_3: { enable: true, radio: 0, if: -400_000 },
        chan_multiSF_4: { enable: true, radio: 0, if: -200_000 },
        chan_multiSF_5: { enable: true, radio: 0, if: 0 },
        chan_multiSF_6: { enable: true, radio: 0, if: 200_000 },
        chan_multiSF_7: { enable: true, radio: 0, if: 400_000 },
        chan_Lora_std: {
          enable: true,
          radio: 1,
          if: -200_000,
          bandwidth: 250_000,
          spread_factor: 7,
        },
        chan_FSK: { enable: true, radio: 1, if: 300_000, datarate: 50_000 },
      },
    ]);
  });

  it("debug flags: set for a development station, left out for a production one (as TTS)", () => {
    const development = buildRouterConfig([getFrequencyPlan("EU_863_870")], { muxTime });
    assert.deepEqual(
      [development.nocca, development.nodc, development.nodwell],
      [true, true, true],
    );
    const production = buildRouterConfig([getFrequencyPlan("EU_863_870")], {
      muxTime,
      production: true,
    });
    const text = encodeRouterConfig(production);
    for (const flag of ["nocca", "nodc", "nodwell"]) assert.ok(!text.includes(flag), flag);
  });

  it("US915: pysys's DRs (DR8–13 downlink only), the 8 channels and the 500 kHz one", () => {
    const config = buildRouterConfig([getFrequencyPlan("US_902_928_FSB_2")], { muxTime });
    assert.equal(config.region, "US915");
    assert.deepEqual(config.DRs, us915DataRates);
    assert.equal(config.max_eirp, 30);
    assert.deepEqual(config.upchannels.at(-1), [904_600_000, 4, 4]);
    assert.equal(config.upchannels.length, 9);
    const [conf] = config.sx1301_conf;
    assert.deepEqual(conf?.chan_Lora_std, {
      enable: true,
      radio: 0,
      if: 300_000,
      bandwidth: 500_000,
      spread_factor: 8,
    });
    assert.deepEqual(conf?.chan_FSK, { enable: false });
  });

  it("KR920 takes EU863's DRs as pysys does", () => {
    assert.deepEqual(
      buildRouterConfig([getFrequencyPlan("KR_920_923_TTN")], { muxTime }).DRs.slice(0, 6),
      eu868DataRates.slice(0, 6),
    );
  });

  it("two plans of one band: two sx1301_conf boards", () => {
    const config = buildRouterConfig(
      [getFrequencyPlan("US_902_928_FSB_1"), getFrequencyPlan("US_902_928_FSB_2")],
      { muxTime },
    );
    assert.equal(config.hwspec, "sx1301/2");
    assert.equal(config.sx1301_conf.length, 2);
    assert.equal(config.upchannels.length, 18);
  });

  it("refuses plans of different bands, and no plan", () => {
    assert.throws(
      () =>
        buildRouterConfig([getFrequencyPlan("EU_863_870"), getFrequencyPlan("US_902_928_FSB_2")], {
          muxTime,
        }),
      (error) => error instanceof DefinedError && error.definition.name === "mixed_bands",
    );
    assert.throws(
      () => buildRouterConfig([], { muxTime }),
      (error) => error instanceof DefinedError && error.definition.name === "no_frequency_plan",
    );
  });

  it("writes filters, with JoinEUI ranges as exact 64-bit integers", () => {
    const text = encodeRouterConfig(
      buildRouterConfig([getFrequencyPlan("EU_863_870")], {
        muxTime,
        netIds: [0x13],
        joinEuiRanges: [[0x70b3d57ed0000000n, 0x70b3d57ed00fffffn]],
      }),
    );
    assert.ok(text.includes('"NetID":[19],"JoinEui":[[8121069293711392768,8121069293712441343]]'));
    assert.deepEqual((parseJson(text) as { JoinEui: unknown }).JoinEui, [
      [0x70b3d57ed0000000n, 0x70b3d57ed00fffffn],
    ]);
  });

  it("names regions as station 2.0.6 knows them", () => {
    const names: [string, string][] = [
      ["EU_863_870", "EU868"],
      ["US_902_928", "US915"],
      ["AU_915_928", "AU915"],
      ["KR_920_923", "KR920"],
      ["AS_923", "AS923-1"],
      ["AS_923_4", "IL915"],
      ["IN_865_867", "IN865"],
      ["CN_470_510", "CN470"],
    ];
    for (const [band, region] of names) assert.equal(regionName(band), region, band);
  });

  it("AU915: DR8–13 downlink only", () => {
    const band = latestBand("AU_915_928");
    assert.ok(band);
    const table = dataRateTable(band);
    assert.deepEqual(table[6], [8, 500, 0]);
    assert.deepEqual(
      table.slice(8, 14).map((entry) => entry[2]),
      [1, 1, 1, 1, 1, 1],
    );
    assert.deepEqual(table[7], [-1, 0, 0], "LR-FHSS is not an SX1301 data rate");
  });
});
