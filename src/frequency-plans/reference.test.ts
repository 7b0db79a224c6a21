// Loads The Things Network's published plans (../shared/vectors/frequency-plans/, The Things
// Stack's format) with the operator plan loader and compares each with our built-in plan of the
// same id: the loader must resolve a published plan exactly as our data states it. Skipped,
// with a message, where ../shared is missing.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  frequencyPlans as builtInPlans,
  type FrequencyPlan,
} from "../lorawan/frequency-plans/index.ts";
import { FrequencyPlans } from "./frequency-plans.ts";

const folder = fileURLToPath(new URL("../../../shared/vectors/frequency-plans/", import.meta.url));
const available = existsSync(`${folder}frequency-plans.yml`);
const skipMessage = `reference plans not found at ${folder} (../shared is absent): skipped`;

/** Fields we write in our own words (names, descriptions) or extend (countries). */
const ownWords = new Set<keyof FrequencyPlan>(["name", "description", "countryCodes"]);

/** Where our data knowingly differs (see src/lorawan/frequency-plans/reference.test.ts). */
const deviations: Record<string, readonly (keyof FrequencyPlan)[]> = {
  KR_920_923_TTN: ["subBands"],
};

test("the published plans load and resolve to our built-in plans", async (t) => {
  if (!available) return t.skip(skipMessage);
  const loaded = await FrequencyPlans.load({ directory: folder, replaceBuiltin: true });
  assert.equal(loaded.list().length, builtInPlans.length, "every published id is a built-in id");
  for (const ours of builtInPlans) {
    const published = loaded.get(ours.id);
    assert.notEqual(published, ours, `${ours.id} was replaced by the published plan`);
    const fields = new Set([...Object.keys(ours), ...Object.keys(published)]) as Set<
      keyof FrequencyPlan
    >;
    for (const field of fields) {
      if (ownWords.has(field)) continue;
      if (deviations[ours.id]?.includes(field)) {
        assert.notDeepEqual(published[field], ours[field], `${ours.id}.${field} still deviates`);
        continue;
      }
      assert.deepEqual(published[field], ours[field], `${ours.id}.${field}`);
    }
  }
});
