/**
 * Compares every band we define with The Things Stack's published reference dumps in
 * ../shared/vectors/bands/ (golden data, read only when that folder exists), field by field
 * wherever both sides have the field.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { sharedPath, sharedSkipReason } from "../../../test/harness/ci.ts";
import { bands, findBand, parsePhyVersionName, rx1Channel } from "./index.ts";
import type { Band, Modulation } from "./types.ts";

const dumpDirectory = sharedPath("vectors/bands/");
const dumpsMissing = sharedSkipReason("vectors/bands/");

interface Mismatch {
  readonly path: string;
  readonly expected: unknown;
  readonly actual: unknown;
}

/**
 * Where we knowingly differ from the reference dumps, following the regional parameters text
 * instead. Each entry must still match at least one mismatch, so that none goes stale.
 */
const knownDeviations: readonly {
  readonly band: RegExp;
  readonly version: RegExp;
  readonly path: RegExp;
  readonly reason: string;
}[] = [
  {
    band: /^EU_433$/,
    version: /./,
    path: /^(beacon\.frequencies|pingSlotFrequencies)\[0\]$/,
    reason:
      "the regional parameters give 434.665 MHz for the EU433 beacon and ping slots; the dump has 434.655 MHz",
  },
  {
    band: /^CN_470_510_(20|26)_[AB]$/,
    version: /^RP002-1\.0\.[1-4]$/,
    path: /^rx1DataRate\[/,
    reason:
      "RP002-1.0.1 removed CN470 DR0, so RX1 data rates bottom out at DR1; the dump still maps to DR0",
  },
  {
    band: /^CN_470_510_(20|26)_[AB]$/,
    version: /^RP002-1\.0\.[1-4]$/,
    path: /^defaultRx2\.dataRateIndex$/,
    reason: "RP002-1.0.1 removed CN470 DR0, so RX2 defaults to DR1; the dump still has DR0",
  },
];

function modulationOf(rate: Record<string, Record<string, unknown>>): Modulation | undefined {
  if (rate.lora) {
    return {
      kind: "lora",
      spreadingFactor: rate.lora.spreading_factor as number,
      bandwidth: rate.lora.bandwidth as number,
      codingRate: rate.lora.coding_rate as string,
    };
  }
  if (rate.fsk) return { kind: "fsk", bitRate: rate.fsk.bit_rate as number };
  if (rate.lrfhss) {
    return {
      kind: "lr-fhss",
      operatingChannelWidth: rate.lrfhss.operating_channel_width as number,
      codingRate: rate.lrfhss.coding_rate as string,
    };
  }
  return undefined;
}

// biome-ignore lint/suspicious/noExplicitAny: the dump is untyped JSON
type Dump = any;

interface DumpChannel {
  Frequency: number;
  MinDataRate: number;
  MaxDataRate: number;
}

const channelsOf = (list: DumpChannel[] | null) =>
  (list ?? []).map((c) => ({
    frequency: c.Frequency,
    minDataRate: c.MinDataRate,
    maxDataRate: c.MaxDataRate,
  }));

const nanosToMillis = (ns: number) => ns / 1e6;
const enumNumber = (name: string) => Number(name.replace(/^\D+/, ""));

/** The dump in our shape, restricted to what both sides describe. */
function expectedFromDump(dump: Dump) {
  const dataRates: Record<string, unknown> = {};
  for (const [index, rate] of Object.entries<Dump>(dump.DataRates)) {
    dataRates[index] = {
      modulation: modulationOf(rate.Rate),
      maxMacPayloadSize: {
        noDwellTime: rate.MaxMACPayloadSize.false,
        dwellTime: rate.MaxMACPayloadSize.true,
      },
    };
  }
  const shared = dump.SharedParameters;
  return {
    id: dump.ID,
    beacon: {
      dataRateIndex: dump.Beacon.DataRateIndex,
      codingRate: dump.Beacon.CodingRate,
      frequencies: dump.Beacon.Frequencies ?? [],
    },
    pingSlotFrequencies: dump.PingSlotFrequencies ?? [],
    maxUplinkChannels: dump.MaxUplinkChannels,
    uplinkChannels: channelsOf(dump.UplinkChannels),
    maxDownlinkChannels: dump.MaxDownlinkChannels,
    downlinkChannels: channelsOf(dump.DownlinkChannels),
    subBands: (dump.SubBands ?? []).map((s: Dump) => ({
      minFrequency: s.MinFrequency,
      maxFrequency: s.MaxFrequency,
      dutyCycle: s.DutyCycle,
      maxEirp: s.MaxEIRP,
    })),
    dataRates,
    strictCodingRate: dump.StrictCodingRate,
    frequencyStep: dump.FreqMultiplier,
    cfList: {
      type: dump.CFListType === "FREQUENCIES" ? "frequencies" : "channel-masks",
      supported: dump.ImplementsCFList,
    },
    supportsDynamicAdr: dump.SupportsDynamicADR,
    txPowerOffsets: dump.TxOffset,
    maxAdrDataRateIndex: dump.MaxADRDataRateIndex,
    txParamSetupReqSupport: dump.TxParamSetupReqSupport,
    defaultMaxEirp: dump.DefaultMaxEIRP,
    defaultRx2: {
      frequency: dump.DefaultRx2Parameters.Frequency,
      dataRateIndex: dump.DefaultRx2Parameters.DataRateIndex,
    },
    bootDwellTime: {
      uplinks: dump.BootDwellTime.Uplinks ?? undefined,
      downlinks: dump.BootDwellTime.Downlinks ?? undefined,
    },
    relay: {
      worChannels: (dump.Relay.WORChannels ?? []).map((c: Dump) => ({
        frequency: c.Frequency,
        ackFrequency: c.ACKFrequency,
        dataRateIndex: c.DataRateIndex,
      })),
    },
    sharedParameters: {
      receiveDelay1: nanosToMillis(shared.ReceiveDelay1),
      receiveDelay2: nanosToMillis(shared.ReceiveDelay2),
      joinAcceptDelay1: nanosToMillis(shared.JoinAcceptDelay1),
      joinAcceptDelay2: nanosToMillis(shared.JoinAcceptDelay2),
      maxFCntGap: shared.MaxFCntGap,
      adrAckLimit: enumNumber(shared.ADRAckLimit),
      adrAckDelay: enumNumber(shared.ADRAckDelay),
      minRetransmitTimeout: nanosToMillis(shared.MinRetransmitTimeout),
      maxRetransmitTimeout: nanosToMillis(shared.MaxRetransmitTimeout),
      relayForwardDelay: nanosToMillis(shared.RelayForwardDelay),
      relayReceiveDelay: nanosToMillis(shared.RelayReceiveDelay),
      servedRelayBackoff: shared.ServedRelayBackoff,
    },
  };
}

/** Our band in the shape of {@link expectedFromDump}. */
function actualFromBand(band: Band) {
  const dataRates: Record<string, unknown> = {};
  for (const rate of band.dataRates) {
    dataRates[rate.index] = {
      modulation: rate.modulation,
      maxMacPayloadSize: rate.maxMacPayloadSize,
    };
  }
  const { bootDwellTime } = band;
  return {
    id: band.id,
    beacon: band.beacon,
    pingSlotFrequencies: band.pingSlotFrequencies,
    maxUplinkChannels: band.maxUplinkChannels,
    uplinkChannels: band.uplinkChannels,
    maxDownlinkChannels: band.maxDownlinkChannels,
    downlinkChannels: band.downlinkChannels,
    subBands: band.subBands,
    dataRates,
    strictCodingRate: band.strictCodingRate,
    frequencyStep: band.frequencyStep,
    cfList: band.cfList,
    supportsDynamicAdr: band.supportsDynamicAdr,
    txPowerOffsets: band.txPowerOffsets,
    maxAdrDataRateIndex: band.maxAdrDataRateIndex,
    txParamSetupReqSupport: band.txParamSetupReqSupport,
    defaultMaxEirp: band.defaultMaxEirp,
    defaultRx2: band.defaultRx2,
    bootDwellTime: { uplinks: bootDwellTime.uplinks, downlinks: bootDwellTime.downlinks },
    relay: band.relay,
    sharedParameters: band.sharedParameters,
  };
}

function compare(expected: unknown, actual: unknown, path: string, out: Mismatch[]) {
  if (typeof expected === "number" && typeof actual === "number") {
    // The dumps print float32 values (EIRP, duty cycle).
    if (Math.abs(expected - actual) > 1e-4) {
      out.push({ path, expected, actual });
    }
    return;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) {
      out.push({ path: `${path}.length`, expected: expected.length, actual: actual.length });
    }
    const n = Math.min(expected.length, actual.length);
    for (let i = 0; i < n; i++) compare(expected[i], actual[i], `${path}[${i}]`, out);
    return;
  }
  if (isObject(expected) && isObject(actual)) {
    for (const key of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
      compare(expected[key], actual[key], path ? `${path}.${key}` : key, out);
    }
    return;
  }
  if (expected !== actual) out.push({ path, expected, actual });
}

function show(value: unknown): string {
  return value === undefined ? "undefined" : JSON.stringify(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** RX1 channel for every uplink channel index the dump lists (0–255). */
function compareRx1Channels(dump: Dump, band: Band, out: Mismatch[]) {
  for (const [index, expected] of Object.entries<number>(dump.Rx1Channel)) {
    compare(expected, rx1Channel(band, Number(index)), `rx1Channel[${index}]`, out);
  }
}

/**
 * RX1 data rates. The dumps evaluate TTS's function for every index 0–15 even where the band
 * has no such uplink data rate (AS923 DR8–15); we compare every row for a data rate the band
 * defines, and require every entry of ours to appear in the dump.
 */
function compareRx1DataRates(dump: Dump, band: Band, out: Mismatch[]): number {
  let compared = 0;
  const seen = new Set<string>();
  for (const [key, expected] of Object.entries<number>(dump.Rx1DataRate)) {
    const [up, offset, dwell] = key.split("_");
    const table = dwell === "true" ? band.rx1DataRates.dwellTime : band.rx1DataRates.noDwellTime;
    const row = table[Number(up)];
    if (row === undefined || row.length === 0) {
      // Rows for data rates the band lacks (AS923 DR8–15) have nothing to compare with.
      if (isUplinkDataRate(band, Number(up))) {
        out.push({ path: `rx1DataRate[${key}]`, expected, actual: undefined });
      }
      continue;
    }
    seen.add(`${up}_${offset}_${dwell}`);
    compare(expected, row[Number(offset)], `rx1DataRate[${key}]`, out);
    compared++;
  }
  for (const [dwell, table] of [
    ["false", band.rx1DataRates.noDwellTime],
    ["true", band.rx1DataRates.dwellTime],
  ] as const) {
    table.forEach((row, up) => {
      row.forEach((value, offset) => {
        if (!seen.has(`${up}_${offset}_${dwell}`)) {
          out.push({
            path: `rx1DataRate[${up}_${offset}_${dwell}]`,
            expected: undefined,
            actual: value,
          });
        }
      });
    });
  }
  return compared;
}

/** A data rate the band defines and its default uplink channels allow. */
function isUplinkDataRate(band: Band, index: number): boolean {
  return (
    band.dataRates.some((rate) => rate.index === index) &&
    band.uplinkChannels.some((c) => index >= c.minDataRate && index <= c.maxDataRate)
  );
}

if (dumpsMissing) {
  test("band golden dumps", (t) => {
    t.skip(dumpsMissing);
  });
} else {
  const files = readdirSync(dumpDirectory)
    .filter((name) => name.endsWith(".json"))
    .sort();
  const claimed = new Set<Band>();

  for (const file of files) {
    const match = /^(.+?)_((?:PHY|RP002)_V\d+(?:_\d+)*(?:_REV_[AB])?)\.json$/.exec(file);
    test(`golden ${file}`, (t) => {
      assert.ok(match, `unexpected dump file name ${file}`);
      const [, bandId = "", versionName = ""] = match;
      const version = parsePhyVersionName(versionName);
      const band = version && findBand(bandId, version);
      if (band === undefined) {
        t.skip(`${bandId} ${versionName}: not implemented (no band definition for this version)`);
        return;
      }
      claimed.add(band);
      const dump = JSON.parse(readFileSync(`${dumpDirectory}${file}`, "utf8"));
      const mismatches: Mismatch[] = [];
      compare(expectedFromDump(dump), actualFromBand(band), "", mismatches);
      compareRx1Channels(dump, band, mismatches);
      const rx1Compared = compareRx1DataRates(dump, band, mismatches);
      assert.ok(rx1Compared > 0, "no RX1 data rate entries were compared");

      const deviations = knownDeviations.filter(
        (d) => d.band.test(band.id) && d.version.test(band.version),
      );
      const unexplained = mismatches.filter((m) => !deviations.some((d) => d.path.test(m.path)));
      const shown = unexplained
        .slice(0, 12)
        .map((m) => `${m.path}: expected ${show(m.expected)}, got ${show(m.actual)}`);
      assert.equal(
        unexplained.length,
        0,
        `${unexplained.length} field(s) differ from ${file}: ${shown.join("; ")}`,
      );
      for (const deviation of deviations) {
        assert.ok(
          mismatches.some((m) => deviation.path.test(m.path)),
          `known deviation no longer occurs (${deviation.reason})`,
        );
        t.diagnostic(`known deviation: ${deviation.reason}`);
      }
    });
  }

  test("every band we define has a reference dump", () => {
    const unmatched = bands.filter((band) => !claimed.has(band));
    assert.deepEqual(
      unmatched.map((band) => `${band.id}@${band.version}`),
      [],
    );
  });
}
