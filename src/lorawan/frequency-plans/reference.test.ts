// Compares each of our plans with The Things Network's published plan of the same id in
// ../shared/vectors/frequency-plans/ (index: frequency-plans.yml). Settings a published plan
// leaves out come from its band, as The Things Stack resolves them: from the band's reference
// dump in ../shared/vectors/bands/. Skipped, with a message, where ../shared is missing.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { parse } from "yaml";
import { sharedPath, sharedSkipReason } from "../../../test/harness/ci.ts";
import { frequencyPlans } from "./index.ts";
import type { FrequencyPlan } from "./types.ts";

const plansFolder = sharedPath("vectors/frequency-plans/");
const bandsFolder = sharedPath("vectors/bands/");
const referenceMissing = sharedSkipReason("vectors/frequency-plans/frequency-plans.yml");

/**
 * Where our data knowingly differs from the published plan, and why. Each entry is checked
 * to still differ, so that a fixed upstream value makes the exception fail loudly.
 */
const deviations: Record<string, Partial<Record<keyof FrequencyPlan, string>>> = {
  KR_920_923_TTN: {
    subBands:
      "the band dump's sub-band 920–923 MHz excludes the plan's own 923.1 and 923.3 MHz " +
      "channels; we use the KR920-923 channel range 920.9–923.3 MHz",
  },
};

type Yaml = Record<string, unknown>;

interface IndexEntry {
  id: string;
  "band-id": string;
  "base-id"?: string;
  "base-frequency": number;
  gateways?: boolean;
  "country-codes"?: string[];
  file: string;
}

let cachedIndex: IndexEntry[] | undefined;

function readIndex(): IndexEntry[] {
  cachedIndex ??= parse(readFileSync(`${plansFolder}frequency-plans.yml`, "utf8")) as IndexEntry[];
  return cachedIndex;
}

/** The published plan with its base plans merged in (a variant's keys replace its base's). */
function resolvePlan(index: readonly IndexEntry[], id: string): Yaml {
  const entry = index.find((candidate) => candidate.id === id);
  assert.ok(entry, `${id} is in the reference index`);
  const own = (parse(readFileSync(`${plansFolder}${entry.file}`, "utf8")) ?? {}) as Yaml;
  const base = entry["base-id"] === undefined ? {} : resolvePlan(index, entry["base-id"]);
  return { ...base, ...own };
}

interface BandDump {
  SubBands: { MinFrequency: number; MaxFrequency: number; DutyCycle: number; MaxEIRP: number }[];
  DefaultRx2Parameters: { DataRateIndex: number; Frequency: number };
  DefaultMaxEIRP: number;
  BootDwellTime: { Uplinks: boolean | null; Downlinks: boolean | null };
}

/** The band as The Things Stack's latest regional parameters define it for plans. */
function readBand(bandId: string): BandDump {
  for (const version of ["RP002_V1_0_3", "PHY_V1_1_REV_B"]) {
    const file = `${bandsFolder}${bandId}_${version}.json`;
    if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as BandDump;
  }
  throw new Error(`no band dump for ${bandId}`);
}

/** Drops keys whose value is undefined, so that absent and undefined compare equal. */
function clean<T>(value: T): T {
  if (Array.isArray(value)) return value.map(clean) as T;
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, child]) => child !== undefined)
      .map(([key, child]) => [key, clean(child)]),
  ) as T;
}

function milliseconds(duration: unknown): number | undefined {
  if (duration === undefined) return undefined;
  const match = /^(\d+)ms$/.exec(String(duration));
  assert.ok(match?.[1], `duration ${String(duration)} is in ms`);
  return Number(match[1]);
}

/** The published plan, resolved against its band, in our shape (only compared fields). */
function expectedPlan(
  entry: IndexEntry,
  published: Yaml,
  band: BandDump,
): Partial<Record<keyof FrequencyPlan, unknown>> {
  type Channel = { frequency: number; "min-data-rate": number; "max-data-rate": number };
  type UplinkChannel = Channel & { radio?: number };
  type Single = { frequency: number; "data-rate": number; radio: number };
  type SubBand = { "min-frequency": number; "max-frequency": number } & Record<string, number>;
  type Radio = {
    enable: boolean;
    "chip-type": string;
    frequency: number;
    "rssi-offset": number;
    tx?: Record<string, number>;
  };
  const single = (channel: Single | undefined) =>
    channel && {
      frequency: channel.frequency,
      dataRate: channel["data-rate"],
      radio: channel.radio,
    };
  const maxEirp = (published["max-eirp"] as number | undefined) ?? band.DefaultMaxEIRP;
  const subBands = published["sub-bands"] as SubBand[] | undefined;
  const dwell = published["dwell-time"] as Record<string, boolean | string> | undefined;
  const uplinks = dwell?.uplinks ?? band.BootDwellTime.Uplinks ?? undefined;
  const downlinks = dwell?.downlinks ?? band.BootDwellTime.Downlinks ?? undefined;
  const lbt = published["listen-before-talk"] as Record<string, number> | undefined;
  const rx2Channel = published["rx2-channel"] as Channel | undefined;
  return clean({
    bandId: entry["band-id"],
    baseId: entry["base-id"],
    baseFrequencyMHz: entry["base-frequency"],
    forGateways: entry.gateways ?? false,
    uplinkChannels: (published["uplink-channels"] as UplinkChannel[]).map((channel) => ({
      frequency: channel.frequency,
      minDataRate: channel["min-data-rate"],
      maxDataRate: channel["max-data-rate"],
      radio: channel.radio,
    })),
    downlinkChannels: (published["downlink-channels"] as Channel[] | undefined)?.map((channel) => ({
      frequency: channel.frequency,
      minDataRate: channel["min-data-rate"],
      maxDataRate: channel["max-data-rate"],
    })),
    loraStandardChannel: single(published["lora-standard-channel"] as Single | undefined),
    fskChannel: single(published["fsk-channel"] as Single | undefined),
    rx2: {
      frequency: rx2Channel?.frequency ?? band.DefaultRx2Parameters.Frequency,
      dataRate:
        (published["rx2-default-data-rate"] as number | undefined) ??
        band.DefaultRx2Parameters.DataRateIndex,
    },
    maxEirp,
    subBands:
      subBands?.map((subBand) => ({
        minFrequency: subBand["min-frequency"],
        maxFrequency: subBand["max-frequency"],
        dutyCycle: subBand["duty-cycle"] ?? 1,
        maxEirp: subBand["max-eirp"] ?? maxEirp,
      })) ??
      band.SubBands.map((subBand) => ({
        minFrequency: subBand.MinFrequency,
        maxFrequency: subBand.MaxFrequency,
        dutyCycle: subBand.DutyCycle,
        maxEirp: subBand.MaxEIRP,
      })),
    dwellTime:
      uplinks === undefined && downlinks === undefined
        ? undefined
        : { uplinks, downlinks, durationMs: milliseconds(dwell?.duration) },
    listenBeforeTalk: lbt && {
      rssiTarget: lbt["rssi-target"],
      rssiOffset: lbt["rssi-offset"],
      scanTimeUs: (lbt["scan-time"] ?? 0) / 1000, // nanoseconds in the published plans
    },
    radios: ((published.radios as Radio[] | undefined) ?? []).map((radio) => ({
      enabled: radio.enable,
      chipType: radio["chip-type"],
      centerFrequency: radio.frequency,
      rssiOffset: radio["rssi-offset"],
      tx: radio.tx && {
        minFrequency: radio.tx["min-frequency"],
        maxFrequency: radio.tx["max-frequency"],
        notchFrequency: radio.tx["notch-frequency"],
      },
    })),
    clockSource: published["clock-source"] as number | undefined,
  });
}

test("every published plan has a plan of ours with the same id", (t) => {
  if (referenceMissing) return t.skip(referenceMissing);
  const ours = new Set(frequencyPlans.map((plan) => plan.id));
  const missing = readIndex()
    .map((entry) => entry.id)
    .filter((id) => !ours.has(id));
  assert.deepEqual(missing, []);
});

for (const plan of frequencyPlans) {
  test(`${plan.id} matches the published plan and its band`, (t) => {
    if (referenceMissing) return t.skip(referenceMissing);
    const index = readIndex();
    const entry = index.find((candidate) => candidate.id === plan.id);
    if (entry === undefined) return t.skip(`${plan.id} is not a published plan`);
    const expected = expectedPlan(entry, resolvePlan(index, plan.id), readBand(entry["band-id"]));
    const known = deviations[plan.id] ?? {};
    for (const [field, value] of Object.entries(expected) as [keyof FrequencyPlan, unknown][]) {
      const actual = clean(plan[field]);
      if (field === "dwellTime" && plan.dwellTime !== undefined) {
        // A duration the published plan leaves to the band must still be stated by us when a
        // direction is limited; a stated one must match.
        const published = value as FrequencyPlan["dwellTime"];
        assert.equal(plan.dwellTime.uplinks, published?.uplinks, `${plan.id} dwell uplinks`);
        assert.equal(plan.dwellTime.downlinks, published?.downlinks, `${plan.id} dwell downlinks`);
        if (published?.durationMs !== undefined) {
          assert.equal(plan.dwellTime.durationMs, published.durationMs, `${plan.id} dwell`);
        }
        continue;
      }
      if (known[field] !== undefined) {
        assert.notDeepEqual(actual, value, `${plan.id}.${field} still deviates: ${known[field]}`);
        continue;
      }
      assert.deepEqual(actual, value, `${plan.id}.${field}`);
    }
    // Fields the published plan does not have must be absent from ours too.
    for (const field of ["downlinkChannels", "loraStandardChannel", "fskChannel"] as const) {
      if (!(field in expected)) assert.equal(plan[field], undefined, `${plan.id}.${field}`);
    }
    for (const field of ["dwellTime", "listenBeforeTalk", "baseId", "clockSource"] as const) {
      if (!(field in expected)) assert.equal(plan[field], undefined, `${plan.id}.${field}`);
    }
    const ourCountries = new Set(plan.countryCodes);
    const absent = (entry["country-codes"] ?? []).filter((code) => !ourCountries.has(code));
    assert.deepEqual(absent, [], `${plan.id} lists every published country`);
  });
}
