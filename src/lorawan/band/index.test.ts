import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type Band,
  bandIds,
  bands,
  bandVersions,
  errBandNotFound,
  findBand,
  findDataRateIndex,
  getBand,
  getDataRate,
  latestBand,
  maxApplicationPayloadSize,
  maxMacPayloadSize,
  parsePhyVersionName,
  phyVersionName,
  regionalParametersVersions,
  rx1Channel,
  rx1DataRate,
  subBandOf,
  txPowerOffset,
} from "./index.ts";

describe("band index", () => {
  it("finds bands by id and version", () => {
    assert.equal(findBand("EU_863_870", "RP002-1.0.3")?.id, "EU_863_870");
    assert.equal(findBand("AS_923_4", "1.0.2-b"), undefined, "AS923 group 4 came with RP002-1.0.3");
    assert.equal(findBand("CN_779_787", "RP002-1.0.4"), undefined, "withdrawn in RP002-1.0.4");
    assert.throws(
      () => getBand("XX_000", "1.0"),
      (error) => errBandNotFound.matches(error) && error.code === "not_found",
    );
  });

  it("lists 155 band versions over 19 bands", () => {
    assert.equal(bands.length, 155);
    assert.equal(bandIds.length, 19);
    const keys = new Set(bands.map((band) => `${band.id}@${band.version}`));
    assert.equal(keys.size, bands.length, "no band version is defined twice");
    assert.deepEqual(bandVersions("RU_864_870"), [
      "1.0.3-a",
      "1.1-a",
      "1.1-b",
      "RP002-1.0.0",
      "RP002-1.0.1",
      "RP002-1.0.2",
      "RP002-1.0.3",
      "RP002-1.0.4",
    ]);
    assert.equal(latestBand("CN_779_787")?.version, "RP002-1.0.3");
  });

  it("maps versions to and from The Things Stack names", () => {
    for (const version of regionalParametersVersions) {
      assert.equal(parsePhyVersionName(phyVersionName(version)), version);
    }
    assert.equal(phyVersionName("1.0.2-b"), "PHY_V1_0_2_REV_B");
    assert.equal(parsePhyVersionName("RP002_V1_0_4"), "RP002-1.0.4");
    assert.equal(parsePhyVersionName("PHY_V9"), undefined);
  });

  it("freezes the data", () => {
    const band = getBand("EU_863_870", "RP002-1.0.3");
    assert.ok(Object.isFrozen(band) && Object.isFrozen(band.dataRates[0]?.modulation));
  });
});

describe("regional parameters facts", () => {
  it("EU868: DR5 is SF7/125 kHz with M 250, N 242; RX1 offset 2 from DR5 is DR3", () => {
    const eu = getBand("EU_863_870", "RP002-1.0.3");
    assert.deepEqual(getDataRate(eu, 5)?.modulation, {
      kind: "lora",
      spreadingFactor: 7,
      bandwidth: 125_000,
      codingRate: "4/5",
    });
    assert.equal(maxMacPayloadSize(eu, 5, false), 250);
    assert.equal(maxApplicationPayloadSize(eu, 5, false), 242);
    assert.equal(rx1DataRate(eu, 5, 2, false), 3);
    assert.equal(rx1DataRate(eu, 5, 6, false), undefined, "offsets 6 and 7 are reserved");
    assert.equal(rx1Channel(eu, 7), 7);
    assert.equal(subBandOf(eu, 869_525_000)?.dutyCycle, 0.1);
    assert.equal(txPowerOffset(eu, 7), -14);
    assert.equal(getBand("EU_863_870", "1.0.2-a").txPowerOffsets.length, 6);
  });

  it("US915: DR0 carries 19 bytes, RX1 maps DR3/offset 1 to DR12 on channel n mod 8", () => {
    const us = getBand("US_902_928", "RP002-1.0.3");
    assert.equal(maxMacPayloadSize(us, 0, true), 19);
    assert.equal(maxApplicationPayloadSize(us, 0, true), 11);
    assert.equal(rx1DataRate(us, 3, 1, false), 12);
    assert.equal(rx1Channel(us, 65), 1);
    assert.equal(us.downlinkChannels[rx1Channel(us, 9)]?.frequency, 923_900_000);
    assert.equal(getDataRate(us, 5)?.modulation.kind, "lr-fhss");
    assert.equal(getDataRate(getBand("US_902_928", "RP002-1.0.1"), 5), undefined);
    assert.deepEqual(us.defaultRx2, { frequency: 923_300_000, dataRateIndex: 8 });
  });

  it("AU915: 1.0.2rB moved DR0 to SF12 and RX1 to DR8 + DR − offset", () => {
    const old = getBand("AU_915_928", "1.0.2-a");
    const current = getBand("AU_915_928", "1.0.2-b");
    assert.equal(findDataRateIndex(old, getDataRate(current, 2)?.modulation ?? fail()), 0);
    assert.equal(rx1DataRate(current, 0, 0, false), 8);
    assert.equal(rx1DataRate(current, 6, 0, false), 13);
    assert.equal(maxMacPayloadSize(getBand("AU_915_928", "RP002-1.0.0"), 2, true), 19);
  });

  it("AS923: offsets 6 and 7 raise the data rate; dwell time keeps RX1 at DR2 or above", () => {
    const as = getBand("AS_923", "RP002-1.0.3");
    assert.equal(rx1DataRate(as, 5, 7, false), 7);
    assert.equal(rx1DataRate(getBand("AS_923", "1.0.2-b"), 5, 7, false), 5);
    assert.equal(rx1DataRate(as, 0, 0, true), 2);
    assert.equal(maxMacPayloadSize(as, 0, true), 0);
    assert.equal(maxApplicationPayloadSize(as, 0, true), 0);
    const group3 = getBand("AS_923_3", "RP002-1.0.3");
    assert.equal(group3.uplinkChannels[0]?.frequency, 916_600_000);
    assert.equal(group3.defaultRx2.frequency, 916_600_000);
  });

  it("CN470: RX1 channel is the uplink channel mod 48 (1.0.x) or mod 24 (26 MHz plans)", () => {
    assert.equal(rx1Channel(getBand("CN_470_510", "1.0.3-a"), 50), 2);
    assert.equal(rx1Channel(getBand("CN_470_510_26_A", "RP002-1.0.3"), 30), 6);
    assert.equal(rx1Channel(getBand("CN_470_510_20_A", "RP002-1.0.3"), 40), 40);
    assert.equal(getDataRate(getBand("CN_470_510_20_B", "RP002-1.0.1"), 0), undefined);
  });
});

/** Checks that hold for every band of every version, without reference data. */
describe("band invariants", () => {
  const dataRateIndices = (band: Band) => new Set(band.dataRates.map((rate) => rate.index));
  for (const band of bands) {
    it(`${band.id} ${band.version}`, () => {
      const indices = band.dataRates.map((rate) => rate.index);
      assert.deepEqual(
        indices,
        [...indices].sort((a, b) => a - b),
      );
      assert.equal(new Set(indices).size, indices.length);
      for (const rate of band.dataRates) {
        for (const dwell of ["noDwellTime", "dwellTime"] as const) {
          const m = rate.maxMacPayloadSize[dwell];
          assert.equal(rate.maxApplicationPayloadSize[dwell], m === 0 ? 0 : m - 8);
        }
      }
      const defined = dataRateIndices(band);
      assert.ok(defined.has(band.defaultRx2.dataRateIndex));
      assert.ok(defined.has(band.beacon.dataRateIndex));
      assert.ok(defined.has(band.maxAdrDataRateIndex));
      assert.ok(band.uplinkChannels.length <= band.maxUplinkChannels);
      assert.ok(band.downlinkChannels.length <= band.maxDownlinkChannels);
      for (const channel of [...band.uplinkChannels, ...band.downlinkChannels]) {
        assert.ok(defined.has(channel.minDataRate) && defined.has(channel.maxDataRate));
        assert.ok(subBandOf(band, channel.frequency), `${channel.frequency} Hz in a sub-band`);
      }
      assert.equal(band.txPowerOffsets[0], 0);
      for (const table of [band.rx1DataRates.noDwellTime, band.rx1DataRates.dwellTime]) {
        table.forEach((row, up) => {
          if (row.length > 0) assert.ok(defined.has(up), `RX1 row for undefined DR${up}`);
        });
      }
    });
  }
});

function fail(): never {
  throw new Error("missing test data");
}
