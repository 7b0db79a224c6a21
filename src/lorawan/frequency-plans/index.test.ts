import assert from "node:assert/strict";
import { test } from "node:test";
import { DefinedError } from "../../errors/index.ts";
import {
  errFrequencyPlanNotFound,
  findFrequencyPlan,
  frequencyPlans,
  getFrequencyPlan,
} from "./index.ts";

/** The plans operators most often use; issue #3 names them. */
const required = [
  "EU_863_870",
  "EU_863_870_TTN",
  ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => `US_902_928_FSB_${n}`),
  ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => `AU_915_928_FSB_${n}`),
  "AS_923",
  "AS_923_2",
  "AS_923_3",
  "AS_923_4",
  "IN_865_867",
  "KR_920_923_TTN",
  "RU_864_870_TTN",
  "CN_470_510_FSB_11",
];

test("the required plans exist and identifiers are unique", () => {
  const ids = frequencyPlans.map((plan) => plan.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of required) assert.ok(findFrequencyPlan(id), id);
});

test("findFrequencyPlan and getFrequencyPlan", () => {
  assert.equal(findFrequencyPlan("EU_863_870")?.bandId, "EU_863_870");
  assert.equal(findFrequencyPlan("NOPE"), undefined);
  assert.equal(getFrequencyPlan("US_902_928_FSB_2").uplinkChannels[0]?.frequency, 903_900_000);
  assert.throws(
    () => getFrequencyPlan("NOPE"),
    (error: unknown) =>
      errFrequencyPlanNotFound.matches(error) &&
      error instanceof DefinedError &&
      error.code === "not_found" &&
      error.message === "frequency plan `NOPE` not found",
  );
});

test("plans are frozen", () => {
  const plan = getFrequencyPlan("EU_863_870");
  assert.throws(() => {
    (plan as { id: string }).id = "changed";
  }, TypeError);
  assert.throws(() => {
    (plan.subBands[0] as { maxEirp: number }).maxEirp = 40;
  }, TypeError);
});

test("variants name an existing base plan of the same band", () => {
  for (const plan of frequencyPlans) {
    if (plan.baseId === undefined) continue;
    const base = findFrequencyPlan(plan.baseId);
    assert.ok(base, `${plan.id} base ${plan.baseId}`);
    assert.equal(base.bandId, plan.bandId, plan.id);
  }
});

test("generated sub-band plans", () => {
  const fsb8 = getFrequencyPlan("US_902_928_FSB_8");
  assert.deepEqual(
    fsb8.uplinkChannels.map((channel) => channel.frequency),
    [
      913_500_000, 913_700_000, 913_900_000, 914_100_000, 914_300_000, 914_500_000, 914_700_000,
      914_900_000,
    ],
  );
  assert.equal(fsb8.loraStandardChannel?.frequency, 914_200_000);
  assert.equal(getFrequencyPlan("US_914_2").uplinkChannels[0]?.frequency, 914_200_000);
  assert.equal(getFrequencyPlan("AU_915_928_FSB_2").uplinkChannels[0]?.frequency, 916_800_000);
  assert.equal(getFrequencyPlan("CN_470_510_FSB_11").uplinkChannels[7]?.frequency, 487_700_000);
});

test("every plan is internally consistent", () => {
  for (const plan of frequencyPlans) {
    const where = plan.id;
    assert.ok(plan.uplinkChannels.length > 0, `${where} has uplink channels`);
    assert.ok(plan.subBands.length > 0, `${where} has sub-bands`);
    for (const subBand of plan.subBands) {
      assert.ok(subBand.minFrequency < subBand.maxFrequency, `${where} sub-band order`);
      assert.ok(subBand.dutyCycle > 0 && subBand.dutyCycle <= 1, `${where} duty cycle`);
    }
    const inSubBand = (frequency: number) =>
      plan.subBands.some((s) => s.minFrequency <= frequency && frequency <= s.maxFrequency);
    const radioIndexes = [
      ...plan.uplinkChannels.map((channel) => channel.radio),
      plan.loraStandardChannel?.radio,
      plan.fskChannel?.radio,
    ];
    for (const radio of radioIndexes) {
      if (radio !== undefined) assert.ok(radio < plan.radios.length, `${where} radio ${radio}`);
    }
    for (const channel of [...plan.uplinkChannels, ...(plan.downlinkChannels ?? [])]) {
      assert.ok(channel.minDataRate <= channel.maxDataRate, `${where} data rate range`);
    }
    // Downlinks are transmissions: each must fall in a sub-band that sets its limits.
    for (const channel of plan.downlinkChannels ?? []) {
      assert.ok(inSubBand(channel.frequency), `${where} downlink ${channel.frequency}`);
    }
    if (plan.dwellTime?.uplinks || plan.dwellTime?.downlinks) {
      assert.equal(plan.dwellTime.durationMs, 400, `${where} dwell time duration`);
    }
    // Gateways with a radio configuration transmit on exactly one radio.
    const transmitters = plan.radios.filter((radio) => radio.tx !== undefined);
    if (plan.radios.length > 0) assert.equal(transmitters.length, 1, `${where} one TX radio`);
  }
});
